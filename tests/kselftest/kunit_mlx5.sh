#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run the mlx5e_zc_memcg KUnit suite (drivers/net/ethernet/mellanox/mlx5/
# core/en/zc_memcg_test.c). It is a module that calls into mlx5_core, also
# a module: load mlx5_core from the build first (no device is needed), then
# the suite. Prints the suite's KTAP; fails if any case failed or the
# suite did not run.
source "$(dirname "$0")/lib.sh"

suite=mlx5e_zc_memcg
dir=$PPKIT_KIT/build/obj-${PPKIT_VARIANT:-debug}/drivers/net/ethernet/mellanox/mlx5/core
core=$dir/mlx5_core.ko
ko=$dir/mlx5e_zc_memcg_test.ko

for f in "$core" "$ko"; do
	if [ ! -f "$f" ]; then
		ktap_print_header
		ktap_set_plan 1
		ktap_test_fail "$f built (CONFIG_MLX5_CORE=m, CONFIG_MLX5_EN_ZC_MEMCG_KUNIT_TEST=m)"
		ktap_finished
	fi
done

# The host's /lib/modules does not match this kernel: no modprobe, insmod
# from the build tree. Leave mlx5_core loaded if something else loaded it.
loaded_core=0
if [ ! -d /sys/module/mlx5_core ]; then
	insmod "$core" || { echo "# insmod $core failed"; exit 1; }
	loaded_core=1
fi

# KUnit also logs to the console, where the boot run's KTAP is parsed:
# keep this run's KERN_INFO lines off it (warnings still get through).
level=$(cut -f1 /proc/sys/kernel/printk)
echo 5 > /proc/sys/kernel/printk
insmod "$ko"
rc=$?
echo "$level" > /proc/sys/kernel/printk
results=$(cat /sys/kernel/debug/kunit/$suite/results 2>/dev/null)
[ $rc -eq 0 ] && rmmod mlx5e_zc_memcg_test
[ $loaded_core -eq 1 ] && rmmod mlx5_core

echo "$results"
[ $rc -eq 0 ] || { echo "# insmod failed: $rc"; exit 1; }
echo "$results" | grep -q 'not ok' && exit 1
echo "$results" | grep -q '^ok 1 '

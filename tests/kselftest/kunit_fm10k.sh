#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run the fm10k_zc KUnit suite (drivers/net/ethernet/intel/fm10k/
# fm10k_zc_test.c). It is a module that calls into fm10k, also a module
# (which selects only PAGE_POOL, built in): load fm10k from the build
# first (no device is needed), then the suite. Prints the suite's KTAP;
# fails if any case failed or the suite did not run.
source "$(dirname "$0")/lib.sh"

suite=fm10k_zc
dir=$PPKIT_KIT/build/obj-${PPKIT_VARIANT:-debug}/drivers/net/ethernet/intel/fm10k
drv=$dir/fm10k.ko
ko=$dir/fm10k_zc_test.ko

for f in "$drv" "$ko"; do
	if [ ! -f "$f" ]; then
		ktap_print_header
		ktap_set_plan 1
		ktap_test_fail "$f built (CONFIG_FM10K=m, CONFIG_FM10K_ZC_KUNIT_TEST=m)"
		ktap_finished
	fi
done

# The host's /lib/modules does not match this kernel: no modprobe, insmod
# from the build tree. Leave fm10k loaded if something else loaded it.
loaded_drv=0
if [ ! -d /sys/module/fm10k ]; then
	insmod "$drv" || { echo "# insmod $drv failed"; exit 1; }
	loaded_drv=1
fi

# KUnit also logs to the console, where the boot run's KTAP is parsed:
# keep this run's KERN_INFO lines off it (warnings still get through).
level=$(cut -f1 /proc/sys/kernel/printk)
echo 5 > /proc/sys/kernel/printk
insmod "$ko"
rc=$?
echo "$level" > /proc/sys/kernel/printk
results=$(cat /sys/kernel/debug/kunit/$suite/results 2>/dev/null)
[ $rc -eq 0 ] && rmmod fm10k_zc_test
[ $loaded_drv -eq 1 ] && rmmod fm10k

echo "$results"
[ $rc -eq 0 ] || { echo "# insmod failed: $rc"; exit 1; }
echo "$results" | grep -q 'not ok' && exit 1
echo "$results" | grep -q '^ok 1 '

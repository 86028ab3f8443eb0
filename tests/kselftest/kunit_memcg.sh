#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run the page_pool_zc_memcg KUnit suite from a memory cgroup of its own:
# its cases charge the memcg of the task that loads the module. Prints the
# suite's KTAP; fails if any case failed or the suite did not run.
source "$(dirname "$0")/lib.sh"

suite=page_pool_zc_memcg
ko=$PPKIT_KIT/build/obj-${PPKIT_VARIANT:-debug}/net/core/page_pool_zc_memcg_test.ko
cg=/sys/fs/cgroup/ppkit-kunit-$$

if [ ! -f "$ko" ]; then
	ktap_print_header
	ktap_set_plan 1
	ktap_test_fail "$ko built (CONFIG_PAGE_POOL_ZC_MEMCG_CHARGE_KUNIT_TEST=m)"
	ktap_finished
fi

mkdir "$cg" || exit 1
echo $$ > "$cg/cgroup.procs" || exit 1
# KUnit also logs to the console, where the boot run's KTAP is parsed:
# keep this run's KERN_INFO lines off it (warnings still get through).
level=$(cut -f1 /proc/sys/kernel/printk)
echo 5 > /proc/sys/kernel/printk
insmod "$ko"
rc=$?
echo "$level" > /proc/sys/kernel/printk
results=$(cat /sys/kernel/debug/kunit/$suite/results 2>/dev/null)
[ $rc -eq 0 ] && rmmod page_pool_zc_memcg_test
echo $$ > /sys/fs/cgroup/cgroup.procs
rmdir "$cg"

echo "$results"
[ $rc -eq 0 ] || { echo "# insmod failed: $rc"; exit 1; }
echo "$results" | grep -q 'not ok' && exit 1
echo "$results" | grep -q '^ok 1 '

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Helpers of the guest-side KUnit module runs (sourced).

# kunit_module SUITE KO: load the KUnit module KO from the build tree (the
# host's /lib/modules does not match this kernel: no modprobe), print
# SUITE's KTAP from debugfs and unload it. Fails if the module did not load,
# a case failed or the suite did not run.
kunit_module()
{
	local suite=$1 ko=$2 level rc results

	if [ ! -f "$ko" ]; then
		echo "# $ko not built (its KUnit Kconfig symbol =m?)"
		return 1
	fi
	# KUnit also logs to the console, where the boot run's KTAP is parsed:
	# keep this run's KERN_INFO lines off it (warnings still get through).
	level=$(cut -f1 /proc/sys/kernel/printk)
	echo 5 > /proc/sys/kernel/printk
	insmod "$ko"
	rc=$?
	echo "$level" > /proc/sys/kernel/printk
	[ $rc -eq 0 ] || { echo "# insmod $ko failed: $rc"; return 1; }
	results=$(cat /sys/kernel/debug/kunit/"$suite"/results 2>/dev/null)
	rmmod "$(basename "$ko" .ko)"
	if [ -z "$results" ]; then
		echo "# suite $suite did not run (is it outside kunit.filter_glob=$(cat /sys/module/kunit/parameters/filter_glob 2>/dev/null)?)"
		return 1
	fi
	echo "$results"
	! echo "$results" | grep -q 'not ok' && echo "$results" | grep -q '^ok 1 '
}

# kunit_driver_module SUITE DRIVER_KO TEST_KO: kunit_module for a suite
# that calls into a driver module (no device needed): load the driver
# first, unless something else already did, and unload it after.
kunit_driver_module()
{
	local drv=$2 mod rc

	mod=$(basename "$drv" .ko)
	if [ -d /sys/module/"$mod" ]; then
		kunit_module "$1" "$3"
		return
	fi
	insmod "$drv" || { echo "# insmod $drv failed"; return 1; }
	kunit_module "$1" "$3"
	rc=$?
	rmmod "$mod"
	return $rc
}

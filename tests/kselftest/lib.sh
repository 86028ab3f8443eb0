#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the kit's shell kselftests (sourced).
# KTAP output comes from the kernel tree's own ktap_helpers.sh.

: "${PPKIT_KIT:?run through tests/kselftest/run}"
: "${PPKIT_TREE:=$PPKIT_KIT/build/linux}"
# shellcheck source=/dev/null
source "$PPKIT_TREE/tools/testing/selftests/kselftest/ktap_helpers.sh"

PPZC=$PPKIT_KIT/build/tools/ppzc
NSIM_BUS=/sys/bus/netdevsim

# nsim_pair: two linked netdevsim ports, NSIM_A in netns ppa (192.0.2.1)
# and NSIM_B in netns ppb (192.0.2.2), both up with MTU $1 (default 1500).
# The addresses are from 192.0.2.0/24 (TEST-NET-1, RFC 5737), reserved
# for documentation: they can never clash with a real network.
nsim_pair()
{
	local mtu=${1:-1500} fa fb ia ib

	NSIM_ID_A=$((1000 + RANDOM % 1000))
	NSIM_ID_B=$((NSIM_ID_A + 1000))
	echo "$NSIM_ID_A 1" > $NSIM_BUS/new_device || return 1
	echo "$NSIM_ID_B 1" > $NSIM_BUS/new_device || return 1
	NSIM_A=$(ls $NSIM_BUS/devices/netdevsim$NSIM_ID_A/net/)
	NSIM_B=$(ls $NSIM_BUS/devices/netdevsim$NSIM_ID_B/net/)
	ip netns add ppa && ip netns add ppb || return 1
	ip link set "$NSIM_A" netns ppa && ip link set "$NSIM_B" netns ppb || return 1
	exec {fa}</run/netns/ppa {fb}</run/netns/ppb
	ia=$(ip netns exec ppa cat /sys/class/net/"$NSIM_A"/ifindex)
	ib=$(ip netns exec ppb cat /sys/class/net/"$NSIM_B"/ifindex)
	echo "$fa:$ia $fb:$ib" > $NSIM_BUS/link_device || return 1
	exec {fa}<&- {fb}<&-
	ip -n ppa addr add 192.0.2.1/24 dev "$NSIM_A" &&
	ip -n ppb addr add 192.0.2.2/24 dev "$NSIM_B" &&
	ip -n ppa link set "$NSIM_A" mtu "$mtu" up &&
	ip -n ppb link set "$NSIM_B" mtu "$mtu" up &&
	ip -n ppa link set lo up && ip -n ppb link set lo up
}

nsim_pair_del()
{
	ip netns del ppa 2>/dev/null
	ip netns del ppb 2>/dev/null
	echo "$NSIM_ID_A" > $NSIM_BUS/del_device 2>/dev/null
	echo "$NSIM_ID_B" > $NSIM_BUS/del_device 2>/dev/null
	return 0
}

# num_cmp A OP B: test A OP B for two integers (-eq, -ge, ...); false if A
# or B is empty or not a number. ktap_test_result runs its command unquoted,
# so an empty value would vanish from the arguments ("test  = " is true):
# compare counters through this, which then sees two arguments, not three.
num_cmp()
{
	[ $# -eq 3 ] && [[ $1 =~ ^-?[0-9]+$ && $3 =~ ^-?[0-9]+$ ]] && test "$@"
}

# sum V...: the sum of the integers V, or nothing if one is empty or not a
# number (call it quoted, not through ktap_test_result).
sum()
{
	local v t=0

	[ $# -gt 0 ] || return 1
	for v in "$@"; do
		[[ $v =~ ^-?[0-9]+$ ]] || return 1
		t=$((t + v))
	done
	echo $t
}

# sub A B: A - B for two integers, or nothing if either is not one.
sub()
{
	[[ $1 =~ ^-?[0-9]+$ && $2 =~ ^-?[0-9]+$ ]] && echo $(($1 - $2))
}

# json_get FILE KEY: one integer field of ppzc's JSON line.
json_get()
{
	sed -n "s/.*\"$2\": \(-\{0,1\}[0-9]*\).*/\1/p" "$1"
}

PPNL=$PPKIT_KIT/build/tools/ppnl
MIB=$((1 << 20))

# The device pair: netdevsim by default. A lab points the tests at its own
# NIC pair by exporting PPKIT_DEV_SETUP (a script defining the same
# variables and functions as nsim_pair: NSIM_A in netns ppa at 192.0.2.1,
# NSIM_B in netns ppb at 192.0.2.2) and PPKIT_DEV_TEARDOWN.
dev_pair()
{
	if [ -n "${PPKIT_DEV_SETUP:-}" ]; then
		# shellcheck source=/dev/null
		source "$PPKIT_DEV_SETUP" "$@"
	else
		nsim_pair "$@"
	fi
}

# nsim_only WHAT: skip the whole test on a pair other than netdevsim's
# (PPKIT_DEV_SETUP): it needs WHAT, a netdevsim knob.
nsim_only()
{
	[ -z "${PPKIT_DEV_SETUP:-}" ] && return 0
	ktap_print_header
	ktap_skip_all "needs netdevsim ($1); the pair is $PPKIT_DEV_SETUP"
	exit "$KSFT_SKIP"
}

dev_pair_del()
{
	skb_defer_restore
	if [ -n "${PPKIT_DEV_TEARDOWN:-}" ]; then
		# shellcheck source=/dev/null
		source "$PPKIT_DEV_TEARDOWN"
	else
		nsim_pair_del
	fi
}

# skb_defer_off: an skb freed on another CPU than the one that allocated
# it may wait on that CPU's defer list (net.core.skb_defer_max per CPU)
# until the CPU next runs its receive softirq, its pages still charged.
# The checks "once idle" need every skb freed: defer none while the test
# runs. dev_pair_del restores the setting.
SKB_DEFER_MAX=/proc/sys/net/core/skb_defer_max
skb_defer_off()
{
	[ -n "${SKB_DEFER_SAVED:-}" ] || SKB_DEFER_SAVED=$(cat $SKB_DEFER_MAX) || return 1
	echo 0 > $SKB_DEFER_MAX
}

skb_defer_restore()
{
	[ -z "${SKB_DEFER_SAVED:-}" ] || echo "$SKB_DEFER_SAVED" > $SKB_DEFER_MAX
	SKB_DEFER_SAVED=
}

# zc_setup: the usual test bed: the device pair at MTU 4148 (a 4096-byte
# payload per segment), the receiver's cgroup, rx-zc-memcg and
# tcp-data-split on, no deferred skb frees. Bails out of the test if any
# of it fails.
zc_setup()
{
	skb_defer_off && dev_pair 4148 && rx_cgroup && rx_zc_memcg on &&
		rx_split on || ktap_exit_fail_msg "cannot set up the device pair"
}

# rx_split on|off: tcp-data-split on the receiving port. ethtool 6.1 does not
# know the parameter; ppnl sends the same ethtool netlink request.
rx_split()
{
	ip netns exec ppb ethtool -G "$NSIM_B" tcp-data-split "$1" 2>/dev/null ||
		ip netns exec ppb "$PPNL" rings-set "$NSIM_B" tcp-data-split "$1"
}

# rx_zc_memcg on|off: the accounting private flag on the receiving port.
rx_zc_memcg()
{
	ip netns exec ppb ethtool --set-priv-flags "$NSIM_B" rx-zc-memcg "$1"
}

# rx_stat NAME: one ethtool -S counter of the receiving port.
rx_stat()
{
	ip netns exec ppb ethtool -S "$NSIM_B" | awk -v n="$1:" '$1 == n { print $2 }'
}

# rx_cgroup: a memory cgroup for the receiver, RX_CG. `ip netns exec`
# remounts /sys, so cgroup2 is mounted again where netns runs see it.
CG_ROOT=/tmp/ppkit-cg
rx_cgroup()
{
	if [ ! -f $CG_ROOT/cgroup.procs ]; then
		mkdir -p $CG_ROOT && mount -t cgroup2 none $CG_ROOT || return 1
	fi
	RX_CG_PARENT=$CG_ROOT/ppkit-$$
	RX_CG=$RX_CG_PARENT/rx
	mkdir -p "$RX_CG_PARENT" &&
		echo +memory > "$RX_CG_PARENT/cgroup.subtree_control" &&
		mkdir -p "$RX_CG"
}

# cg_nonfile CG: memory.current of CG less its page cache. Processes that
# ran in CG leave the kit's binaries and libraries (read over 9p) charged to
# it after they exit; the zero-copy charge is kernel memory, never file.
cg_nonfile()
{
	echo $(( $(cat "$1/memory.current") -
		 $(awk '$1 == "file" { print $2 }' "$1/memory.stat") ))
}

rx_cgroup_del()
{
	rmdir "$RX_CG" "$RX_CG_PARENT" 2>/dev/null
	return 0
}

# rx_run OUT ARGS...: ppzc recv in netns ppb and cgroup RX_CG, in the
# background (RX_PID), JSON to OUT.
rx_run()
{
	local out=$1

	shift
	ip netns exec ppb sh -c 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"' \
		sh "$RX_CG" "$PPZC" recv -i "$NSIM_B" -g "$RX_CG" "$@" > "$out" &
	RX_PID=$!
}

# tx_run BYTES [ARGS...]: the sender in netns ppa, waiting for the receiver.
tx_run()
{
	local bytes=$1

	shift
	ip netns exec ppa "$PPZC" send -H 192.0.2.2 -b "$bytes" -w 30 "$@"
}

# stream OUT BYTES [RECV ARGS...]: one verified transfer, receiver in RX_CG.
stream()
{
	local out=$1 bytes=$2 rc

	shift 2
	rx_run "$out" -b "$bytes" "$@"
	tx_run "$bytes" || { wait $RX_PID; return 1; }
	wait $RX_PID
	rc=$?
	ktap_print_msg "receiver: $(cat "$out")"
	return $rc
}

# pp_get FILE NAME: a counter delta from the final "pp" object of ppzc.
pp_get()
{
	sed -n 's/.*"pp": {\([^}]*\)}.*/\1/p' "$1" |
		sed -n "s/.*\"$2\": \([0-9]*\).*/\1/p"
}

# wait_file FILE SECONDS: until FILE exists.
wait_file()
{
	local i

	for ((i = 0; i < $2 * 10; i++)); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# rx_listening PORT: until the receiver listens in netns ppb (30 s at most).
rx_listening()
{
	local i

	for ((i = 0; i < 300; i++)); do
		ip netns exec ppb ss -Hltn "sport = :$1" | grep -q . && return 0
		sleep 0.1
	done
	return 1
}

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

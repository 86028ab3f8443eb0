#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Teardown orders while pages are charged: the receiver exits without
# munmap; the receiver's cgroup is removed (the charge moves to the parent
# and is released at unmap); the netdevsim device is removed, then the
# pages are unmapped (no splat, no leak, the pools leave netlink).
source "$(dirname "$0")/lib.sh"
nsim_only "device removal by del_device"

out=$(mktemp)
held=$(mktemp -u)
trap 'dev_pair_del; rx_cgroup_del; rm -f "$out" "$held"' EXIT

ktap_print_header
ktap_set_plan 7

zc_setup
bytes=$((8 * MIB))

# 1. Exit without munmap: SIGKILL while holding.
base=$(cg_nonfile "$RX_CG")
m0=$(rx_stat rx_pp_zc_mapped)
rx_run "$out" -b $bytes -z -m map -S "$held"
tx_run $bytes
wait_file "$held" 300
kill -9 $RX_PID
wait $RX_PID
sleep 1
m1=$(rx_stat rx_pp_zc_mapped)
ktap_test_result "killed receiver: its $((m1 - m0)) mapped pages all uncharged" \
	test $((m1 - m0)) -gt 0 -a "$(rx_stat rx_pp_zc_uncharged)" = "$m1"
now=$(cg_nonfile "$RX_CG")
ktap_test_result "killed receiver: memory.current less page cache back within 1 MiB ($base -> $now)" \
	test $((now - base)) -le $MIB
rm -f "$held"

# 2. rmdir of the charged cgroup: the receiver moves out (to the root: the
# parent has controllers on, so it holds no task), the charge stays with the
# cgroup that mapped, which is then removed and reparented to the parent.
rx_run "$out" -b $bytes -z -m map -S "$held"
tx_run $bytes
wait_file "$held" 300
pbase=$(cat "$RX_CG_PARENT/memory.current")
echo "$RX_PID" > "$CG_ROOT/cgroup.procs"
rmdir "$RX_CG"
ktap_test_result "cgroup with charged pages removed" test ! -d "$RX_CG"
rm -f "$held"
wait $RX_PID
pafter=$(cat "$RX_CG_PARENT/memory.current")
ktap_print_msg "parent memory.current while held $pbase, after unmap $pafter"
ktap_test_result "after unmap: the reparented charge is released (parent -$(( (pbase - pafter) / 1024 )) KiB)" \
	test $((pbase - pafter)) -ge $((7 * MIB))
ktap_test_result "after unmap: all uncharged" \
	test "$(rx_stat rx_pp_zc_uncharged)" = "$(rx_stat rx_pp_zc_mapped)"
mkdir "$RX_CG"

# 3. Remove the device while pages are mapped, then unmap.
ifindex=$(ip netns exec ppb cat /sys/class/net/"$NSIM_B"/ifindex)
rx_run "$out" -b $bytes -z -m map -S "$held"
tx_run $bytes
wait_file "$held" 300
pools=$(ip netns exec ppb "$PPNL" page-pools "$ifindex" | awk '{ print $2 }')
ktap_print_msg "pools of $NSIM_B: $(echo $pools)"
dev_pair_del
rm -f "$held"
wait $RX_PID
ktap_test_result "device removed while mapped: receiver verified every byte" \
	test "$(json_get "$out" bad)" = 0 -a "$(json_get "$out" bytes)" = $bytes
left=0
for _ in $(seq 50); do
	left=0
	for id in $pools; do
		"$PPNL" page-pools | grep -q "^id $id " && left=$((left + 1))
	done
	[ $left -eq 0 ] && break
	sleep 0.2
done
ktap_test_result "after unmap: the device's ${pools:+$(echo $pools | wc -w)} pools are gone from netlink" \
	test -n "$pools" -a $left -eq 0
ktap_finished

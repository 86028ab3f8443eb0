#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Teardown orders while pages are charged: the receiver exits without
# munmap; the receiver's cgroup is removed (the charge moves to the parent
# and is released at unmap); the netdevsim device is removed, then the
# pages are unmapped (no splat, no leak, the pools leave netlink).
source "$(dirname "$0")/lib.sh"

out=$(mktemp)
held=$(mktemp -u)
trap 'dev_pair_del; rx_cgroup_del; rm -f "$out" "$held"' EXIT

ktap_print_header
zc_setup
ktap_set_plan 13
bytes=$((8 * MIB))
charged=$((7 * MIB))	# of the 8 MiB, at least this much is mapped

# hold: a receiver of $bytes that keeps its mappings until $held goes.
hold()
{
	rx_run "$out" -b $bytes -z -m map -S "$held"
	tx_run $bytes
	wait_file "$held" 300 || ktap_print_msg "receiver never reported it held its pages"
}

# 1. Exit without munmap: SIGKILL while holding.
base=$(cg_nonfile "$RX_CG")
hold
zrx=$(cg_stat_wait "$RX_CG" zerocopy_rx -ge $charged)
kill -9 $RX_PID
wait $RX_PID
sleep 1
rm -f "$held"
zrx_after=$(cg_stat_wait "$RX_CG" zerocopy_rx -eq 0)
check "held: memory.stat zerocopy_rx ${zrx:-missing} >= $charged" num_cmp "$zrx" -ge $charged
check "killed receiver: zerocopy_rx back to 0 (${zrx_after:-missing})" \
	num_cmp "$zrx_after" -eq 0
now=$(cg_nonfile "$RX_CG")
check "killed receiver: memory.current less page cache back within 1 MiB ($base -> $now)" \
	num_cmp "$now" -le "$(sum "$base" $MIB)"

# 2. rmdir of the charged cgroup: the receiver moves out (to the root: the
# parent has controllers on, so it holds no task), the charge stays with the
# cgroup that mapped, which is then removed and reparented to the parent.
hold
pbase=$(cat "$RX_CG_PARENT/memory.current")
pzrx=$(cg_stat "$RX_CG_PARENT" zerocopy_rx)
echo "$RX_PID" > "$CG_ROOT/cgroup.procs"
rmdir "$RX_CG"
check "cgroup with charged pages removed" test ! -d "$RX_CG"
pzrx_rmdir=$(cg_stat_wait "$RX_CG_PARENT" zerocopy_rx -ge $charged)
pcur_rmdir=$(cat "$RX_CG_PARENT/memory.current")
rm -f "$held"
wait $RX_PID
rx_rc=$?
sleep 1
pafter=$(cat "$RX_CG_PARENT/memory.current")
pzrx_after=$(cg_stat_wait "$RX_CG_PARENT" zerocopy_rx -eq 0)
ktap_print_msg "parent: memory.current $pbase while held, $pafter after unmap;" \
	"zerocopy_rx $pzrx held, $pzrx_rmdir after rmdir, $pzrx_after after unmap"
check "receiver held its mapping through the rmdir (exit $rx_rc)" test $rx_rc -eq 0
check "after rmdir: the parent holds the charge (memory.current ${pcur_rmdir:-missing})" \
	num_cmp "$pcur_rmdir" -ge $charged
check "after rmdir: the parent's zerocopy_rx holds it (${pzrx_rmdir:-missing})" \
	num_cmp "$pzrx_rmdir" -ge $charged
check "after unmap: the reparented charge released (parent -$(( (pbase - pafter) / 1024 )) KiB)" \
	num_cmp "$(sub "$pbase" "$pafter")" -ge $charged
check "after unmap: the parent's zerocopy_rx is 0 (${pzrx_after:-missing})" \
	num_cmp "$pzrx_after" -eq 0
mkdir "$RX_CG"

# 3. Remove the device while pages are mapped, then unmap (netdevsim).
if ! is_nsim; then
	for c in "receiver verified every byte" "pools listed while held" "pools gone after unmap" \
		 "charge released"; do
		ktap_test_skip "device removed while mapped: $c (netdevsim only)"
	done
	ktap_finished
fi
ifindex=$(cat /sys/class/net/"$DEV"/ifindex)
hold
pools=$(pools_of "$ifindex")
npools=$(echo $pools | wc -w)
ktap_print_msg "pools of $DEV: $(echo $pools)"
echo "$NSIM_ID" > $NSIM_BUS/del_device
live=$(pools_listed $pools)
zrx=$(cg_stat_wait "$RX_CG" zerocopy_rx -ge $charged)
rm -f "$held"
wait $RX_PID
rc=$?
check "device removed while mapped: receiver verified every byte" verified "$out" $rc $bytes
check "device removed, pages held: ${live:-none} of its $npools pools listed (zerocopy_rx $zrx)" \
	eval 'num_cmp "$npools" -gt 0 && num_cmp "$live" -eq "$npools" &&
	      num_cmp "$zrx" -ge $charged'
left=$(pools_gone $pools)
num_cmp "$left" -eq 0 || ktap_print_msg "still listed: $(pools_show $pools)"
check "after unmap: the $npools pools are gone from netlink (${left:-none} left)" \
	eval 'num_cmp "$npools" -gt 0 && num_cmp "$left" -eq 0'
zrx=$(cg_stat_wait "$RX_CG" zerocopy_rx -eq 0)
check "after unmap: zerocopy_rx is 0 (${zrx:-missing})" num_cmp "$zrx" -eq 0
ktap_finished

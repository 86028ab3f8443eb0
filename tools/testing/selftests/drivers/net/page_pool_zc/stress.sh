#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Races, bounded in time. 1: ppzc recv -X: each verified window is zapped
# (MADV_DONTNEED) by a thread on the other CPU while the receiver maps the
# next one; every 4th window first goes through a fork()ed child, an
# O_DIRECT write to and read from /dev/ram0 (skipped without it) or a
# MSG_ZEROCOPY send over lo (page references held by skbs), each checking
# the bytes; rx-zc-memcg is toggled off and on under that traffic. Every
# byte is right, the counters of the new pools balance, the charge is back
# to its baseline. 2: the receiving netdevsim device is removed while its
# pages are held mapped; after the last unmap its pools leave netlink.
source "$(dirname "$0")/lib.sh"

out=$(mktemp)
held=$(mktemp -u)
trap 'dev_pair_del; rx_cgroup_del; rm -f "$out" "$held"' EXIT

ktap_print_header
zc_setup
ktap_set_plan 13

# 1. -X under a paced sender until rx-zc-memcg was toggled, then full speed.
bytes=$((32 * MIB))
odirect=()
[ -b /dev/ram0 ] && odirect=(-D /dev/ram0)
base=$(cg_nonfile "$RX_CG")
start=$SECONDS
rx_run "$out" -b $bytes -z -X "${odirect[@]}"
tx_paced $bytes
errors=0 under_traffic=0
for f in off on; do
	rx_zc_memcg $f || errors=$((errors + 1))
	kill -0 $RX_PID 2>/dev/null && under_traffic=$((under_traffic + 1))
done
tx_unpace
wait $TX_PID
tx_rc=$?
wait $RX_PID
rc=$?
ktap_print_msg "receiver ($((SECONDS - start)) s): $(cat "$out")"
check "rx-zc-memcg off and on, none refused, $under_traffic of 2 under traffic" \
	test $errors -eq 0 -a $under_traffic -eq 2
ok=false
[ $rc -eq 0 ] && [ $tx_rc -eq 0 ] && num_cmp "$(json_get "$out" bytes)" -eq $bytes &&
	num_cmp "$(json_get "$out" bad)" -eq 0 && ok=true
check "every byte of $bytes verified (receiver exit $rc, sender $tx_rc)" $ok

cpus=$(nproc)
ok=false
num_cmp "$(json_get "$out" stress_zapped_windows)" -gt 0 &&
	num_cmp "$(json_get "$out" stress_cpus)" -eq 2 && ok=true
desc="$(json_get "$out" stress_zapped_windows) windows zapped by a racing thread"
desc+=" on $(json_get "$out" stress_cpus) CPUs of $cpus (races need 2)"
check "$desc" $ok
ok=false
num_cmp "$(json_get "$out" fork_checks)" -gt 0 && num_cmp "$(json_get "$out" fork_bad)" -eq 0 &&
	ok=true
desc="fork: $(json_get "$out" fork_checks) children verified their window,"
desc+=" $(json_get "$out" fork_bad) bad"
check "$desc" $ok
ob=$(json_get "$out" odirect_bytes) obad=$(json_get "$out" odirect_bad)
oskip=$(json_get "$out" odirect_skipped) oerr=$(json_get "$out" odirect_errno)
what="O_DIRECT: ${ob:-no} bytes written to ${odirect[1]:-no device} and read back,"
what+=" ${obad:-no} bad, ${oskip:-no} skipped (errno ${oerr:-none})"
if [ ${#odirect[@]} -gt 0 ]; then
	ok=false
	num_cmp "$ob" -gt 0 && num_cmp "$obad" -eq 0 && num_cmp "$oskip" -eq 0 && ok=true
	check "$what" $ok
elif num_cmp "$oskip" -gt 0 && num_cmp "$obad" -eq 0 && num_cmp "$ob" -eq 0; then
	ktap_test_skip "$what: no /dev/ram0"
else
	ktap_test_fail "$what: no /dev/ram0, yet not cleanly skipped"
fi
ok=false
num_cmp "$(json_get "$out" zcsend_bytes)" -gt 0 && num_cmp "$(json_get "$out" zcsend_bad)" -eq 0 &&
	ok=true
desc="MSG_ZEROCOPY over lo: $(json_get "$out" zcsend_bytes) bytes verified by the reader,"
desc+=" $(json_get "$out" zcsend_bad) bad"
check "$desc" $ok

# The counters of the pools rx-zc-memcg on made, every page back by now.
sleep 1
mapped=$(rx_stat rx_pp_zc_mapped)
unch=$(rx_stat rx_pp_zc_uncharged)
parked=$(rx_stat rx_pp_zc_parked)
returned=$(sum "$(rx_stat rx_pp_zc_recycled)" "$(rx_stat rx_pp_zc_released)")
ktap_print_msg "since rx-zc-memcg on: mapped $mapped uncharged $unch parked $parked" \
	"recycled+released $returned"
ok=false
num_cmp "$mapped" -gt 0 && num_cmp "$unch" -eq "$mapped" && ok=true
check "rx_pp_zc_uncharged == rx_pp_zc_mapped (${mapped:-none} pages)" $ok
check "rx_pp_zc_parked == rx_pp_zc_recycled + rx_pp_zc_released" \
	num_cmp "$parked" -eq "$returned"
now=$(cg_nonfile "$RX_CG")
ok=false
num_cmp "$now" -le "$(sum "$base" $MIB)" && num_cmp "$now" -ge "$(sub "$base" $MIB)" && ok=true
check "memory.current less page cache back within 1 MiB ($base -> $now)" $ok

# 2. Remove the receiving device while its pages are held, then unmap
# (netdevsim: a NIC is not removed under a lab's feet). The pools move to
# this netns's loopback and stay listed until their last page is back.
if ! is_nsim; then
	ktap_test_skip "device removal: netdevsim only"
	ktap_test_skip "device removal: pools listed while held"
	ktap_test_skip "device removal: pools gone after unmap"
	ktap_test_skip "device removal: charge released"
	ktap_finished
fi
bytes=$((8 * MIB))
base=$(cg_nonfile "$RX_CG")
ifindex=$(cat /sys/class/net/"$DEV"/ifindex)
rx_run "$out" -b $bytes -z -m map -S "$held"
tx_run $bytes
wait_file "$held" 300 || ktap_print_msg "receiver never reported it held its pages"
pools=$(pools_of "$ifindex")
npools=$(echo $pools | wc -w)
echo "$NSIM_ID" > $NSIM_BUS/del_device
ktap_print_msg "pools of $DEV: $(echo $pools); netdevsim$NSIM_ID removed;" \
	"listed: $("$PPNL" page-pools | tr '\n' ';')"
live=$(pools_listed $pools)
rm -f "$held"
wait $RX_PID
rc=$?
ktap_print_msg "receiver: $(cat "$out")"
check "device removed while $(json_get "$out" held_bytes) bytes held: every byte verified" \
	eval 'verified "$out" $rc $bytes && num_cmp "$(json_get "$out" held_bytes)" -gt 0'
check "while held after removal: ${live:-none} of the $npools pools still listed" \
	eval 'num_cmp "$npools" -gt 0 && num_cmp "$live" -eq "$npools"'
left=$(pools_gone $pools)
num_cmp "$left" -eq 0 || ktap_print_msg "still listed: $(pools_show $pools)"
check "after the last unmap: the $npools pools gone from netlink (${left:-none} left)" \
	eval 'num_cmp "$npools" -gt 0 && num_cmp "$left" -eq 0'
now=$(cg_nonfile "$RX_CG")
check "memory.current less page cache back within 1 MiB ($base -> $now)" \
	eval 'num_cmp "$now" -le "$(sum "$base" $MIB)" && num_cmp "$now" -ge "$(sub "$base" $MIB)"'
ktap_finished

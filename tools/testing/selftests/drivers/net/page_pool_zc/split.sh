#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tcp-data-split on: the payload of a 4096-byte-MSS stream lands in whole
# pool pages and TCP_ZEROCOPY_RECEIVE maps >= 99 % of it, all pool pages.
# tcp-data-split off: no frame is split and no pool page is mapped.
source "$(dirname "$0")/lib.sh"

out=$(mktemp)
trap 'dev_pair_del; rx_cgroup_del; rm -f "$out"' EXIT

ktap_print_header
zc_setup
ktap_set_plan 9

bytes=$((32 * MIB))
stream "$out" $bytes -z
check "split on: $bytes bytes received, none corrupt" verified "$out" $? $bytes
mapped=$(json_get "$out" mapped)
ktap_print_msg "split on: mapped ${mapped:-no} of $bytes bytes"
check "split on: >= 99 % of the payload mapped" \
	num_cmp "$(sum "$mapped" 0)" -ge $((bytes * 99 / 100))
zc=$(pp_get "$out" rx_pp_zc_mapped)
pages=
num_cmp "$mapped" -ge 0 && pages=$((mapped / 4096))
check "split on: each mapped page a pool page (rx_pp_zc_mapped ${zc:-missing} = ${pages:-no})" \
	num_cmp "$zc" -eq "$pages"

ifindex=$(cat /sys/class/net/"$DEV"/ifindex)
nl=$("$PPNL" page-pool-stats "$ifindex")
ktap_print_msg "netlink page-pool-stats: $nl"
nl_mapped=$(echo "$nl" | awk '
	{ for (i = 1; i < NF; i++) if ($i == "zc-mapped") { s += $(i + 1); n++ } }
	END { if (n) print s }')
check "netlink zc-mapped (${nl_mapped:-missing}) == ethtool rx_pp_zc_mapped, > 0" \
	eval 'num_cmp "$nl_mapped" -eq "$(rx_stat rx_pp_zc_mapped)" && num_cmp "$nl_mapped" -gt 0'
rx_zc_memcg off
# The replaced opted-in pools stay listed until their last in-flight page
# comes back (the deferred-release work runs every second).
for _ in $(seq 50); do
	nl=$("$PPNL" page-pool-stats "$ifindex")
	pools=$(echo "$nl" | grep -c '^id ')
	with_zc=$(echo "$nl" | grep -vc ' none$')
	[ "$pools" -gt 0 ] && [ "$with_zc" -eq 0 ] && break
	sleep 0.2
done
ktap_print_msg "netlink page-pool-stats, rx-zc-memcg off: $nl"
check "netlink: pools not opted in report no zc attribute ($pools pools, $with_zc with)" \
	eval 'num_cmp "$pools" -gt 0 && num_cmp "$with_zc" -eq 0'
rx_zc_memcg on

rx_split off || ktap_exit_fail_msg "cannot turn tcp-data-split off"
# The device's count of header-split frames: netdevsim's rx_hds_split, or
# the one HDS_STAT names (e1000e: rx_header_split).
hds=${HDS_STAT:-rx_hds_split}
split0=$(rx_stat "$hds")
bytes=$((16 * MIB))
stream "$out" $bytes -z
check "split off: $bytes bytes received, none corrupt" verified "$out" $? $bytes
ktap_print_msg "split off: mapped $(json_get "$out" mapped) bytes (the sender's pages)"
if [ -n "$split0" ]; then
	check "split off: no frame split ($hds stays at $split0)" \
		num_cmp "$(rx_stat "$hds")" -eq "$split0"
else
	ktap_test_skip "split off: no frame split ($DEV has no $hds counter; set HDS_STAT)"
fi
check "split off: no pool page mapped (rx_pp_zc_mapped $(pp_get "$out" rx_pp_zc_mapped))" \
	num_cmp "$(pp_get "$out" rx_pp_zc_mapped)" -eq 0
state=$("$PPNL" rings-get "$DEV")
check "tcp-data-split reads back off ($state)" test "$state" = "tcp-data-split: off"
ktap_finished

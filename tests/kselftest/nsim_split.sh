#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tcp-data-split on: the payload of a 4096-byte-MSS stream lands in whole
# pool pages and TCP_ZEROCOPY_RECEIVE maps >= 99 % of it, all pool pages.
# tcp-data-split off: no frame is split and no pool page is mapped.
source "$(dirname "$0")/lib.sh"

out=$(mktemp)
trap 'dev_pair_del; rx_cgroup_del; rm -f "$out"' EXIT

ktap_print_header
ktap_set_plan 9

zc_setup

bytes=$((32 * MIB))
stream "$out" $bytes -z
ktap_test_result "split on: $bytes bytes received, none corrupt" \
	test "$(json_get "$out" bytes)" = $bytes -a "$(json_get "$out" bad)" = 0
mapped=$(json_get "$out" mapped)
ktap_print_msg "split on: mapped $mapped of $bytes bytes ($((mapped * 1000 / bytes)) per mille)"
ktap_test_result "split on: >= 99 % of the payload mapped" \
	test $((mapped * 100)) -ge $((bytes * 99))
zc=$(pp_get "$out" rx_pp_zc_mapped)
ktap_test_result "split on: every mapped page is a pool page (rx_pp_zc_mapped $zc = $((mapped / 4096)))" \
	test "$zc" = $((mapped / 4096))

ifindex=$(ip netns exec ppb cat /sys/class/net/"$NSIM_B"/ifindex)
nl=$(ip netns exec ppb "$PPNL" page-pool-stats "$ifindex")
ktap_print_msg "netlink page-pool-stats: $nl"
nl_mapped=$(echo "$nl" | awk '{ for (i = 1; i < NF; i++) if ($i == "zc-mapped") s += $(i + 1) } END { print s + 0 }')
ktap_test_result "netlink zc-mapped ($nl_mapped) == ethtool rx_pp_zc_mapped" \
	test "$nl_mapped" = "$(rx_stat rx_pp_zc_mapped)" -a "$nl_mapped" -gt 0
rx_zc_memcg off
# The replaced opted-in pools stay listed until their last in-flight page
# comes back (the deferred-release work runs every second).
# ktap_test_result word-splits its command: compare counts, not text.
for _ in $(seq 50); do
	nl=$(ip netns exec ppb "$PPNL" page-pool-stats "$ifindex")
	pools=$(echo "$nl" | grep -c '^id ')
	with_zc=$(echo "$nl" | grep -vc ' none$')
	[ "$pools" -gt 0 ] && [ "$with_zc" -eq 0 ] && break
	sleep 0.2
done
ktap_print_msg "netlink page-pool-stats, rx-zc-memcg off: $nl"
ktap_test_result "netlink: pools not opted in report no zc attribute ($pools pools, $with_zc with)" \
	test "$pools" -gt 0 -a "$with_zc" -eq 0
rx_zc_memcg on

rx_split off || ktap_exit_fail_msg "cannot turn tcp-data-split off"
split0=$(rx_stat "${HDS_STAT:-rx_hds_split}")
bytes=$((16 * MIB))
stream "$out" $bytes -z
ktap_test_result "split off: $bytes bytes received, none corrupt" \
	test "$(json_get "$out" bytes)" = $bytes -a "$(json_get "$out" bad)" = 0
ktap_print_msg "split off: mapped $(json_get "$out" mapped) bytes (the sender's pages)"
split1=$(rx_stat "${HDS_STAT:-rx_hds_split}")
ktap_test_result "split off: no frame split ($split0 -> $split1)" num_cmp "$split1" -eq "$split0"
ktap_test_result "split off: no pool page mapped" test "$(pp_get "$out" rx_pp_zc_mapped)" = 0
state=$(ip netns exec ppb "$PPNL" rings-get "$NSIM_B")
ktap_test_result "tcp-data-split reads back off ($state)" test "${state#*: }" = off
ktap_finished

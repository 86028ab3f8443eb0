#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Several queues: 8 flows spread over the receiver's RX queues (netdevsim:
# 4 queues each side, the sender's TX queue picks the peer's RX queue; a
# NIC: its own RSS), each queue with its own pool. Every byte right, pages
# mapped from more than one queue's pool, all held at once charged to the
# receiver's cgroup and uncharged after.
source "$(dirname "$0")/lib.sh"

flows=8
dir=$(mktemp -d)
trap 'dev_pair_del; rx_cgroup_del; rm -rf "$dir"' EXIT

ktap_print_header
zc_setup 4
nq=$(ls -d /sys/class/net/"$DEV"/queues/rx-* | wc -l)
[ "$nq" -gt 1 ] || skip_test "$DEV has one RX queue"
ktap_set_plan 4

ifindex=$(cat /sys/class/net/"$DEV"/ifindex)
# zc_mapped_pools: how many of DEV's pools mapped pages (netlink stats).
zc_mapped_pools()
{
	"$PPNL" page-pool-stats "$ifindex" |
		awk '{ for (i = 1; i < NF; i++) if ($i == "zc-mapped" && $(i + 1) > 0) n++ }
		     END { print n + 0 }'
}

bytes=$((4 * MIB))
pids=()
seeds=()
for i in $(seq $flows); do
	seeds+=($((RANDOM + 1)))
	rx_run "$dir/$i" -p $((6000 + i)) -s "${seeds[-1]}" -b $bytes -z -k -S "$dir/held.$i"
	pids+=("$RX_PID")
done
for i in $(seq $flows); do
	tx_run $bytes -p $((6000 + i)) -s "${seeds[$((i - 1))]}" &
done
for i in $(seq $flows); do
	wait_file "$dir/held.$i" 300 || ktap_print_msg "flow $i never reported it held its pages"
done
zrx=$(cg_stat_wait "$RX_CG" zerocopy_rx -ge "$(zc_charged_bytes)")
pools=$(zc_mapped_pools)
rm -f "$dir"/held.*
bad=0
for i in $(seq $flows); do
	wait "${pids[$((i - 1))]}" || bad=$((bad + 1))
	num_cmp "$(json_get "$dir/$i" bad)" -eq 0 || bad=$((bad + 1))
done
wait
zrx_idle=$(cg_stat_wait "$RX_CG" zerocopy_rx -eq 0)
hb=$(sum $(for i in $(seq $flows); do json_get "$dir/$i" held_bytes; done))
ktap_print_msg "$nq RX queues; pools that mapped pages: $pools; held $hb bytes, zerocopy_rx $zrx"
check "$flows flows over $nq queues, every byte verified" num_cmp $bad -eq 0
check "pages mapped from the pools of ${pools:-no} queues (> 1)" num_cmp "$pools" -gt 1
check "all held at once: zerocopy_rx ${zrx:-missing} >= the ${hb:-no} bytes held" \
	eval 'num_cmp "$hb" -gt 0 && num_cmp "$zrx" -ge "$hb"'
check "once idle: zerocopy_rx is 0 (${zrx_idle:-missing})" num_cmp "$zrx_idle" -eq 0
ktap_finished

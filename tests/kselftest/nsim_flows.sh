#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# 8 concurrent flows keep their mappings and release them in a random
# order; once idle the counters balance: mapped == uncharged and
# parked == recycled + released, and the cgroup is back to its baseline
# (page cache aside).
source "$(dirname "$0")/lib.sh"

flows=8
dir=$(mktemp -d)
trap 'dev_pair_del; rx_cgroup_del; rm -rf "$dir"' EXIT

ktap_print_header
ktap_set_plan 4

zc_setup

bytes=$((2 * MIB))
base=$(cg_nonfile "$RX_CG")
s0=$(ip netns exec ppb ethtool -S "$NSIM_B")
pids=()
for i in $(seq $flows); do
	rx_run "$dir/$i" -p $((5000 + i)) -s $((RANDOM + 1)) -b $bytes -z -k -r
	pids+=("$RX_PID")
done
for i in $(seq $flows); do
	seed=$(ps -o args= -p "${pids[$((i - 1))]}" | sed -n 's/.* -s \([0-9]*\).*/\1/p')
	tx_run $bytes -p $((5000 + i)) -s "$seed" &
done
bad=0
for i in $(seq $flows); do
	wait "${pids[$((i - 1))]}" || bad=$((bad + 1))
	[ "$(json_get "$dir/$i" bad)" = 0 ] || bad=$((bad + 1))
done
wait
sleep 1
delta() { echo $(( $(rx_stat "$1") - $(echo "$s0" | awk -v n="$1:" '$1 == n { print $2 }') )); }
mapped=$(delta rx_pp_zc_mapped)
ktap_print_msg "mapped $mapped uncharged $(delta rx_pp_zc_uncharged) parked $(delta rx_pp_zc_parked) recycled $(delta rx_pp_zc_recycled) released $(delta rx_pp_zc_released)"
ktap_test_result "$flows flows, every byte verified" test $bad -eq 0
ktap_test_result "mapped ($mapped) == uncharged" test "$mapped" -gt 0 -a "$(delta rx_pp_zc_uncharged)" = "$mapped"
ktap_test_result "parked == recycled + released" \
	test "$(delta rx_pp_zc_parked)" = $(( $(delta rx_pp_zc_recycled) + $(delta rx_pp_zc_released) ))
now=$(cg_nonfile "$RX_CG")
ktap_test_result "memory.current less page cache back within 1 MiB ($base -> $now)" test $((now - base)) -le $MIB
ktap_finished

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# 8 concurrent flows keep their mappings, all held at once charged to the
# receiver's cgroup (memory.stat zerocopy_rx), and release them in a random
# order; once idle the receiver's cgroup holds no zero-copy charge and is
# back to its baseline (page cache aside), and the pools' counters balance:
# mapped == uncharged, parked == recycled + released.
source "$(dirname "$0")/lib.sh"

flows=8
dir=$(mktemp -d)
trap 'dev_pair_del; rx_cgroup_del; rm -rf "$dir"' EXIT

ktap_print_header
zc_setup
ktap_set_plan 6

bytes=$((2 * MIB))
base=$(cg_nonfile "$RX_CG")
s0=$(ethtool -S "$DEV")
pids=()
seeds=()
for i in $(seq $flows); do
	seeds+=($((RANDOM + 1)))
	rx_run "$dir/$i" -p $((5000 + i)) -s "${seeds[-1]}" -b $bytes -z -k -r \
		-S "$dir/held.$i"
	pids+=("$RX_PID")
done
for i in $(seq $flows); do
	tx_run $bytes -p $((5000 + i)) -s "${seeds[$((i - 1))]}" &
done
for i in $(seq $flows); do
	wait_file "$dir/held.$i" 300 || ktap_print_msg "flow $i never reported it held its pages"
done
zrx=$(cg_stat_wait "$RX_CG" zerocopy_rx -ge "$(zc_charged_bytes)")
rm -f "$dir"/held.*
bad=0
for i in $(seq $flows); do
	wait "${pids[$((i - 1))]}" || bad=$((bad + 1))
	num_cmp "$(json_get "$dir/$i" bad)" -eq 0 || bad=$((bad + 1))
done
wait
sleep 1
delta() { sub "$(rx_stat "$1")" "$(echo "$s0" | awk -v n="$1:" '$1 == n { print $2 }')"; }
mapped=$(delta rx_pp_zc_mapped)
ktap_print_msg "mapped $mapped uncharged $(delta rx_pp_zc_uncharged)" \
	"parked $(delta rx_pp_zc_parked) recycled $(delta rx_pp_zc_recycled)" \
	"released $(delta rx_pp_zc_released)"
check "$flows flows, every byte verified" num_cmp $bad -eq 0
hb=$(sum $(for i in $(seq $flows); do json_get "$dir/$i" held_bytes; done))
check "all held at once: memory.stat zerocopy_rx ${zrx:-missing} >= the ${hb:-no} bytes held" \
	eval 'num_cmp "$hb" -gt 0 && num_cmp "$zrx" -ge "$hb"'
check "mapped (${mapped:-missing}) == uncharged" \
	eval 'num_cmp "$mapped" -gt 0 && num_cmp "$(delta rx_pp_zc_uncharged)" -eq "$mapped"'
check "parked == recycled + released" \
	num_cmp "$(delta rx_pp_zc_parked)" -eq \
		"$(sum "$(delta rx_pp_zc_recycled)" "$(delta rx_pp_zc_released)")"
zrx=$(cg_stat_wait "$RX_CG" zerocopy_rx -eq 0)
check "memory.stat zerocopy_rx is 0 once idle (${zrx:-missing})" num_cmp "$zrx" -eq 0
now=$(cg_nonfile "$RX_CG")
check "memory.current less page cache back within 1 MiB ($base -> $now)" \
	num_cmp "$now" -le "$(sum "$base" $MIB)"
ktap_finished

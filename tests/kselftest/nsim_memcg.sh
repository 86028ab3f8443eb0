#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# While >= 32 MiB of pool pages are held mapped, the receiver's cgroup is
# charged for them; after munmap the charge is back to the baseline and
# every mapped page was uncharged. Then: steady-state traffic with
# rx-zc-memcg on allocates <= 1 % as many pool pages as with it off.
source "$(dirname "$0")/lib.sh"

out=$(mktemp)
held=$(mktemp -u)
trap 'dev_pair_del; rx_cgroup_del; rm -f "$out" "$held"' EXIT

ktap_print_header
ktap_set_plan 8

zc_setup

bytes=$((36 * MIB))
rx_run "$out" -b $bytes -z -m map -S "$held"
tx_run $bytes
wait_file "$held" 300
cur=$(cat "$RX_CG/memory.current")
mapped_now=$(rx_stat rx_pp_zc_mapped)
unch_now=$(rx_stat rx_pp_zc_uncharged)
rm -f "$held"
wait $RX_PID
ktap_print_msg "receiver: $(cat "$out")"
base=$(json_get "$out" memcg_before)
hb=$(json_get "$out" held_bytes)
ktap_print_msg "memory.current: baseline $base, held $cur with $hb bytes mapped, after $(json_get "$out" memcg_after)"
ktap_test_result "held >= 32 MiB of mapped pool pages ($hb bytes)" test "$hb" -ge $((32 * MIB))
ktap_test_result "while held: pages charged (mapped $mapped_now, uncharged $unch_now)" \
	test $((mapped_now - unch_now)) -ge $((hb / 4096))
ktap_test_result "while held: memory.current >= baseline + held - 1 MiB" \
	test "$cur" -ge $((base + hb - MIB))
after=$(json_get "$out" memcg_after)
ktap_test_result "after munmap: memory.current within 1 MiB of baseline" \
	test $((after - base)) -le $MIB -a $((base - after)) -le $MIB
ktap_test_result "rx_pp_zc_uncharged == rx_pp_zc_mapped" \
	test "$(pp_get "$out" rx_pp_zc_uncharged)" = "$(pp_get "$out" rx_pp_zc_mapped)"

# Steady state: a warm-up stream (the pool grows to the flow's working
# set), then count slow-path pool allocations (bulk refills). 64 MiB, so
# that one stray refill is 0.4 % of off's, not above the 1 % asked.
slow_per_gib()
{
	stream "$out" $((16 * MIB)) -z > /dev/null
	stream "$out" $1 -z || return 1
	echo $(( $(pp_get "$out" rx_pp_alloc_slow) * 1024 * MIB / $1 ))
}
bytes=$((64 * MIB))
rx_zc_memcg off
off=$(slow_per_gib $bytes | tail -n 1)
rx_zc_memcg on
on=$(slow_per_gib $bytes | tail -n 1)
ktap_print_msg "slow-path pool allocations per GiB: rx-zc-memcg off $off, on $on"
ktap_test_result "rx-zc-memcg off: mapped pages leave the pool ($off slow allocations/GiB)" \
	test "${off:-0}" -gt 0
ktap_test_result "rx-zc-memcg on: <= 1 % of the slow allocations of off" \
	test $(( ${on:-999999} * 100 )) -le "${off:-0}"
ktap_test_result "no memcg OOM kill" \
	test "$(awk '$1 == "oom_kill" { print $2 }' "$RX_CG/memory.events")" = 0
ktap_finished

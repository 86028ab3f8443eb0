#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# 1. Toggle rx-zc-memcg (pools recreated) and tcp-data-split under
# traffic: every byte arrives intact, and the console stays clean (checked
# by the harness).
# 2. Toggle rx-zc-memcg while the receiver holds 8 MiB mapped: the old pool
# is destroyed under the mapping. The device's counters keep it until its
# last page is back (the held pages still count as charged after the
# toggle, and the charge stays on memory.current); once idle, after more
# traffic through the new pool, the invariants hold over the device's
# pools, and the pools of the held pages are freed.
# 3. Once idle, every pool the toggles destroyed is freed: a page a driver
# forgets at ring teardown keeps its pool listed with pages in flight.
source "$(dirname "$0")/lib.sh"

out=$(mktemp)
held=$(mktemp -u)
trap 'dev_pair_del; rx_cgroup_del; rm -f "$out" "$held"' EXIT

ktap_print_header
zc_setup
ktap_set_plan 10
ifindex=$(cat /sys/class/net/"$DEV"/ifindex)
# Pools of earlier tests, which this one does not answer for.
pools_before=" $(pools_of "$ifindex" | xargs) "

# The sender is paced while the toggles run, then let go.
bytes=$((48 * MIB))
rx_run "$out" -b $bytes -z
tx_paced $bytes
toggles=0 errors=0 under_traffic=0
for _ in 1 2; do
	for f in off on; do
		rx_zc_memcg $f || errors=$((errors + 1))
		kill -0 $RX_PID 2>/dev/null && under_traffic=$((under_traffic + 1))
		rx_split $f || errors=$((errors + 1))
		kill -0 $RX_PID 2>/dev/null && under_traffic=$((under_traffic + 1))
		toggles=$((toggles + 2))
	done
done
tx_unpace
wait $TX_PID
tx_rc=$?
wait $RX_PID
rx_rc=$?
ktap_print_msg "receiver: $(cat "$out")"
check "$toggles toggles, none refused" test $errors -eq 0
check "$under_traffic of $toggles toggles while the receiver ran" test $under_traffic -eq $toggles
check "sender completed" test $tx_rc -eq 0
check "receiver got $bytes bytes, none corrupt" verified "$out" $rx_rc $bytes

# 2.
keep=$((8 * MIB))
bytes=$((keep + 8 * MIB))
rx_run "$out" -b $bytes -z -K $keep -S "$held"
tx_run $bytes
wait_file "$held" 300 || ktap_print_msg "receiver never reported it held its pages"
# The pools in use now ("id N ifindex I inflight X detached 0|1"); the
# ones this test destroys are check 10's, older ones earlier tests'.
held_pools=$("$PPNL" page-pools "$ifindex" | awk '$8 == 0 { print $2 }')
rx_zc_memcg off
cur=$(cat "$RX_CG/memory.current")
charged=$(sub "$(rx_stat rx_pp_zc_mapped)" "$(rx_stat rx_pp_zc_uncharged)")
ktap_print_msg "after the toggle: pools $(pools_show $held_pools)"
rx_zc_memcg on
rm -f "$held"
wait $RX_PID
rx_rc=$?
ktap_print_msg "receiver: $(cat "$out")"
hb=$(json_get "$out" held_bytes)
base=$(json_get "$out" memcg_before)
ok=false
verified "$out" $rx_rc $bytes && num_cmp "$hb" -ge $keep && ok=true
check "receiver held ${hb:-no} bytes (>= $keep) across the toggle, got $bytes, none corrupt" $ok
check "after the toggle: ${charged:-no} pages still charged, >= the $((keep / 4096)) held" \
	num_cmp "$charged" -ge $((keep / 4096))
check "after the toggle: memory.current $cur >= baseline ${base:-none} + held - 1 MiB" \
	num_cmp "$cur" -ge "$(sum "$base" "$hb" -$MIB)"

# 4 MiB more through the new pool, so that the idle figures are not 0 == 0.
rx_run "$out" -b $((4 * MIB)) -z
tx_run $((4 * MIB))
wait $RX_PID
ktap_print_msg "after: $(cat "$out")"

# Idle: each page is back with its own pool (hand-backs may be deferred).
for _ in $(seq 50); do
	mapped=$(rx_stat rx_pp_zc_mapped)
	unch=$(rx_stat rx_pp_zc_uncharged)
	parked=$(rx_stat rx_pp_zc_parked)
	returned=$(sum "$(rx_stat rx_pp_zc_recycled)" "$(rx_stat rx_pp_zc_released)")
	num_cmp "$unch" -eq "$mapped" && num_cmp "$parked" -eq "$returned" && break
	sleep 0.1
done
ktap_print_msg "idle: mapped $mapped uncharged $unch parked $parked recycled+released $returned"
ok=false
num_cmp "$mapped" -gt 0 && num_cmp "$unch" -eq "$mapped" && num_cmp "$parked" -eq "$returned" &&
	ok=true
desc="idle: rx_pp_zc_uncharged == rx_pp_zc_mapped (${mapped:-none}, > 0),"
check "$desc parked == recycled + released" $ok
left=$(pools_gone $held_pools)
check "the pools of the held pages are freed (${left:-?} left: $(pools_show $held_pools))" \
	num_cmp "$left" -eq 0

# 3.
destroyed=
for id in $("$PPNL" page-pools "$ifindex" | awk '$8 == 1 { print $2 }'); do
	[[ $pools_before == *" $id "* ]] || destroyed+=" $id"
done
left=$(pools_gone $destroyed)
check "every pool the toggles destroyed is freed (${left:-?} left: $(pools_show $destroyed))" \
	num_cmp "$left" -eq 0
ktap_finished

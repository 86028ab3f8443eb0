#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Toggle rx-zc-memcg (pools recreated) and tcp-data-split under traffic:
# every byte arrives intact, and the console stays clean (checked by the
# harness).
source "$(dirname "$0")/lib.sh"

out=$(mktemp)
trap 'dev_pair_del; rx_cgroup_del; rm -f "$out"' EXIT

ktap_print_header
zc_setup
ktap_set_plan 4

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
ktap_finished

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# memory.max a few MiB above the baseline: a 256 MiB zero-copy transfer
# completes with every byte verified; the charges that do not fit fail and
# those bytes are copied instead; no OOM kill.
source "$(dirname "$0")/lib.sh"

out=$(mktemp)
trap 'dev_pair_del; rx_cgroup_del; rm -f "$out"' EXIT

ktap_print_header
ktap_set_plan 3

dev_pair 4148 && rx_cgroup && rx_zc_memcg on && rx_split on ||
	ktap_exit_fail_msg "cannot set up the device pair"

bytes=$((${PPKIT_MAX_MIB:-256} * MIB))
limit=$(( $(cat "$RX_CG/memory.current") + 4 * MIB ))
echo $limit > "$RX_CG/memory.max"
# Keep every mapping: the charge has to hit the limit.
stream "$out" $bytes -z -k -c $((1 * MIB))
rc=$?
ktap_test_result "$bytes bytes under memory.max $limit, none corrupt" \
	test $rc -eq 0 -a "$(json_get "$out" bytes)" = $bytes -a "$(json_get "$out" bad)" = 0
ktap_test_result "charges failed and fell back to copy ($(pp_get "$out" rx_pp_zc_charge_fail) failed, $(json_get "$out" copied) bytes copied)" \
	test "$(pp_get "$out" rx_pp_zc_charge_fail)" -gt 0
ktap_test_result "no OOM kill" \
	test "$(awk '$1 == "oom_kill" { print $2 }' "$RX_CG/memory.events")" = 0
ktap_finished

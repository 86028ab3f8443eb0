#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# memory.max 2.25 MiB above the baseline, the receiver's socket buffer
# 2 MiB (SO_RCVBUF 1 MiB): a 256 MiB zero-copy transfer completes with every
# byte verified; the page charges that would leave the socket less room than
# its receive buffer fail and those bytes are copied instead; no OOM kill.
# Then a limit that leaves ordinary room, 64 MiB above the baseline, with
# the receive buffer left to autotuning: at least 90 % of the stream is
# mapped, and charged (the pages rx_pp_zc_mapped counts, not nocharge).
source "$(dirname "$0")/lib.sh"

out=$(mktemp)
trap 'dev_pair_del; rx_cgroup_del; rm -f "$out"' EXIT

ktap_print_header
zc_setup
ktap_set_plan 8

bytes=$((${PPKIT_MAX_MIB:-256} * MIB))
# Whatever the kit does, a receiver at its limit is OOM-killed if reclaim
# evicts its text (refault) or its socket outgrows the headroom (the
# socket's charge in process context): it locks its pages (-L) and bounds
# its receive buffer (-B). The baseline is taken with it started.
# PPKIT_MAX_RCVBUF_KIB=auto leaves the receive buffer to autotuning (the
# measurement in Documentation/networking/page_pool_zc_memcg.rst).
window=$((${PPKIT_MAX_WINDOW_KIB:-2048} * 1024))
rcvbuf=(-B "${PPKIT_MAX_RCVBUF_KIB:-1024}K")
[ "${PPKIT_MAX_RCVBUF_KIB:-}" = auto ] && rcvbuf=()
rx_run "$out" -b $bytes -z -c $window -L "${rcvbuf[@]}"
rx_listening 4242 || ktap_exit_fail_msg "receiver did not start"
base=$(cat "$RX_CG/memory.current")
limit=$((base + ${PPKIT_MAX_HEADROOM_KIB:-2304} * 1024))
echo $limit > "$RX_CG/memory.max"
ktap_print_msg "baseline $base, memory.max $limit"
tx_run $bytes
wait $RX_PID
rc=$?
ktap_print_msg "receiver: $(cat "$out")"
ktap_print_msg "memory.events: $(tr '\n' ' ' < "$RX_CG/memory.events")"
got=$(json_get "$out" bytes)
bad=$(json_get "$out" bad)
fails=$(pp_get "$out" rx_pp_zc_charge_fail)
check "$bytes bytes under memory.max $limit, none corrupt" verified "$out" $rc $bytes
check "charges failed, copied instead (${fails:-no}, $(json_get "$out" copied) bytes copied)" \
	num_cmp "$fails" -gt 0
mapped=$(json_get "$out" mapped)
check "the rest still mapped: ${mapped:-no} bytes, over half" \
	num_cmp "$mapped" -gt $((bytes / 2))
check "no OOM kill" \
	num_cmp "$(awk '$1 == "oom_kill" { print $2 }' "$RX_CG/memory.events")" -eq 0

# Ordinary room: memory.max 64 MiB above the running receiver, autotuned
# socket buffer.
echo max > "$RX_CG/memory.max"
rx_run "$out" -b $bytes -z -c $window -L
rx_listening 4242 || ktap_exit_fail_msg "receiver did not start"
base=$(cat "$RX_CG/memory.current")
limit=$((base + ${PPKIT_MAX_ROOM_MIB:-64} * MIB))
echo $limit > "$RX_CG/memory.max"
ktap_print_msg "room: baseline $base, memory.max $limit"
tx_run $bytes
wait $RX_PID
rc=$?
ktap_print_msg "receiver: $(cat "$out")"
check "room: $bytes bytes under memory.max $limit, none corrupt" verified "$out" $rc $bytes
mapped=$(json_get "$out" mapped)
check "room: ${mapped:-no} bytes mapped, at least 90 %" \
	num_cmp "$mapped" -ge $((bytes * 9 / 10))
charged=$(pp_get "$out" rx_pp_zc_mapped)
check "room: ${charged:-no} pages mapped charged (not nocharge), at least 90 %" \
	num_cmp "$charged" -ge $((bytes / 4096 * 9 / 10))
check "room: no OOM kill" \
	num_cmp "$(awk '$1 == "oom_kill" { print $2 }' "$RX_CG/memory.events")" -eq 0
ktap_finished

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A plain 64 MiB TCP stream over the device pair at MTU 1500, copied by
# recv(), every byte verified by the receiver: the pair works before the
# zero-copy tests lean on it.
source "$(dirname "$0")/lib.sh"

bytes=$((64 * MIB))
out=$(mktemp)
trap 'dev_pair_del; rm -f "$out"' EXIT

ktap_print_header
dev_pair 1500 || ktap_exit_fail_msg "cannot set up the device pair"
ktap_set_plan 2

"$PPZC" recv "${RX_V6[@]}" -p 4242 -b $bytes > "$out" &
rx=$!
remote_exec "$REMOTE_PPZC" send -H "$RX_ADDR" -p 4242 -b $bytes -w 30
tx_rc=$?
wait $rx
rx_rc=$?
ktap_print_msg "receiver: $(cat "$out")"
check "sender wrote $bytes bytes" num_cmp $tx_rc -eq 0
check "receiver got $bytes bytes, none corrupt" verified "$out" $rx_rc $bytes
ktap_finished

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A 64 MiB TCP stream over a linked netdevsim pair in two network
# namespaces, every byte verified by the receiver.
source "$(dirname "$0")/lib.sh"

bytes=$((64 << 20))
out=$(mktemp)
trap 'nsim_pair_del; rm -f "$out"' EXIT

ktap_print_header
ktap_set_plan 3

if nsim_pair 1500; then
	ktap_test_pass "netdevsim pair linked across namespaces"
else
	ktap_test_fail "netdevsim pair linked across namespaces"
	ktap_exit_fail_msg "cannot set up the netdevsim pair"
fi

ip netns exec ppb "$PPZC" recv -p 4242 -b $bytes > "$out" &
rx=$!
ip netns exec ppa "$PPZC" send -H 192.0.2.2 -p 4242 -b $bytes
tx_rc=$?
wait $rx
rx_rc=$?
ktap_print_msg "receiver: $(cat "$out")"

ktap_test_result "sender wrote $bytes bytes" test $tx_rc -eq 0
ok=false
[ $rx_rc -eq 0 ] && [ "$(json_get "$out" bytes)" = $bytes ] &&
	[ "$(json_get "$out" bad)" = 0 ] && ok=true
ktap_test_result "receiver got $bytes bytes, none corrupt" $ok
ktap_finished

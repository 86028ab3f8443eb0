#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Pages handed to a pipe (vmsplice), a forked child or an RDMA memory region
# (FOLL_PIN on soft-RoCE) after munmap are not driver-only: they stay
# charged to the receiver's cgroup until the pipe, the child or the pin
# goes, then they are uncharged and recycled. io_uring's write pin is
# refused on the read-only mapping, cleanly.
source "$(dirname "$0")/lib.sh"

out=$(mktemp)
held=$(mktemp -u)
trap 'dev_pair_del; rx_cgroup_del; rm -f "$out" "$held"' EXIT

ktap_print_header
zc_setup
ktap_set_plan 13

bytes=$((8 * MIB))
modes=$("$PPZC" modes)
for mode in vmsplice fork rdma; do
	if ! echo "$modes" | grep -qx $mode; then
		for c in "every byte verified" "held pages stay charged" \
			 "released, then uncharged"; do
			ktap_test_skip "$mode: $c (ppzc built without it)"
		done
		continue
	fi
	extra=()
	[ $mode = rdma ] && extra=(-R "$DEV")
	rx_run "$out" -b $bytes -z -m $mode -S "$held" "${extra[@]}"
	tx_run $bytes
	wait_file "$held" 300 || ktap_print_msg "$mode: receiver never reported it held its pages"
	zrx=$(cg_stat_wait "$RX_CG" zerocopy_rx -ge "$(zc_charged_bytes)")
	rm -f "$held"
	wait $RX_PID
	rc=$?
	zrx_after=$(cg_stat_wait "$RX_CG" zerocopy_rx -eq 0)
	ktap_print_msg "$mode: $(cat "$out")"
	hb=$(json_get "$out" held_bytes)
	check "$mode: every byte verified, ${hb:-no} bytes held" \
		eval 'verified "$out" $rc $bytes && num_cmp "$hb" -gt 0'
	check "$mode: after munmap, held pages charged (zerocopy_rx ${zrx:-missing} >= ${hb:-no})" \
		num_cmp "$zrx" -ge "$hb"
	check "$mode: released, uncharged (zerocopy_rx ${zrx_after:-missing}), back to the pool" \
		eval 'num_cmp "$zrx_after" -eq 0 &&
		      num_cmp "$(pp_get "$out" rx_pp_zc_parked)" -eq \
			      "$(sum "$(pp_get "$out" rx_pp_zc_recycled)" \
				     "$(pp_get "$out" rx_pp_zc_released)")"'
done
if echo "$modes" | grep -qx rdma; then
	check "rdma: write pin of the mapping refused ($(json_get "$out" write_pin_errno))" \
		num_cmp "$(json_get "$out" write_pin_errno)" -gt 0
else
	ktap_test_skip "rdma: the write pin is refused (ppzc built without rdma)"
fi
if ! echo "$modes" | grep -qx iouring; then
	for c in "register_buffers refused" "mapping intact" "all uncharged"; do
		ktap_test_skip "iouring: $c (ppzc built without it)"
	done
	ktap_finished
fi

rx_run "$out" -b $bytes -z -m iouring -S "$held"
tx_run $bytes
wait_file "$held" 300 || ktap_print_msg "iouring: receiver never reported it held its pages"
rm -f "$held"
wait $RX_PID
rc=$?
zrx_after=$(cg_stat_wait "$RX_CG" zerocopy_rx -eq 0)
ktap_print_msg "iouring: $(cat "$out")"
check "iouring: register_buffers refused (errno $(json_get "$out" iouring_errno))" \
	num_cmp "$(json_get "$out" iouring_errno)" -gt 0
check "iouring: the refusal left the mapping intact, every byte verified" \
	eval 'verified "$out" $rc $bytes && grep -q "\"iouring_intact\": true" "$out"'
check "iouring: all uncharged (zerocopy_rx ${zrx_after:-missing})" num_cmp "$zrx_after" -eq 0
ktap_finished

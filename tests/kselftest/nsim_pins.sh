#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Pages handed to a pipe (vmsplice), a forked child or an RDMA memory region
# (FOLL_PIN on soft-RoCE) after munmap are not driver-only: they stay
# charged until the pipe, the child or the pin goes, then they are
# uncharged and recycled. io_uring's write pin is refused on the read-only
# mapping, cleanly.
source "$(dirname "$0")/lib.sh"

out=$(mktemp)
held=$(mktemp -u)
trap 'dev_pair_del; rx_cgroup_del; rm -f "$out" "$held"' EXIT

ktap_print_header
ktap_set_plan 13

zc_setup

bytes=$((8 * MIB))
for mode in vmsplice fork rdma; do
	extra=()
	[ $mode = rdma ] && extra=(-R "$NSIM_B")
	rx_run "$out" -b $bytes -z -m $mode -S "$held" "${extra[@]}"
	tx_run $bytes
	wait_file "$held" 300
	charged=$(( $(rx_stat rx_pp_zc_mapped) - $(rx_stat rx_pp_zc_uncharged) ))
	rm -f "$held"
	wait $RX_PID
	rc=$?
	ktap_print_msg "$mode: $(cat "$out")"
	hb=$(json_get "$out" held_bytes)
	ktap_test_result "$mode: every byte verified, $hb bytes held" \
		test $rc -eq 0 -a "$(json_get "$out" bad)" = 0 -a "${hb:-0}" -gt 0
	ktap_test_result "$mode: held pages stay charged after munmap ($charged pages)" \
		test "$charged" -ge $((hb / 4096))
	ktap_test_result "$mode: released, then all uncharged and back to the pool" \
		test "$(pp_get "$out" rx_pp_zc_uncharged)" = "$(pp_get "$out" rx_pp_zc_mapped)" \
		-a "$(pp_get "$out" rx_pp_zc_parked)" = \
		   $(( $(pp_get "$out" rx_pp_zc_recycled) + $(pp_get "$out" rx_pp_zc_released) ))
done
ktap_test_result "rdma: the write pin of the read-only mapping is refused ($(json_get "$out" write_pin_errno))" \
	test "$(json_get "$out" write_pin_errno)" -gt 0

rx_run "$out" -b $bytes -z -m iouring -S "$held"
tx_run $bytes
wait_file "$held" 300
rm -f "$held"
wait $RX_PID
rc=$?
ktap_print_msg "iouring: $(cat "$out")"
ktap_test_result "iouring: register_buffers refused (errno $(json_get "$out" iouring_errno))" \
	test "$(json_get "$out" iouring_errno)" -gt 0
ktap_test_result "iouring: the refusal left the mapping intact, every byte verified" \
	test $rc -eq 0 -a "$(json_get "$out" bad)" = 0 -a \
	"$(grep -c '"iouring_intact": true' "$out")" = 1
ktap_test_result "iouring: all uncharged" \
	test "$(pp_get "$out" rx_pp_zc_uncharged)" = "$(pp_get "$out" rx_pp_zc_mapped)"
ktap_finished

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A parked pool page belongs to its pool alone. The receiver (ppsteal, in
# the receiver's cgroup) maps a pool page P with TCP_ZEROCOPY_RECEIVE,
# gifts it to a pipe with vmsplice(SPLICE_F_GIFT), lets its skb go (P is
# parked) and unmaps it: the pipe holds P's only reference. As a FUSE
# server of its own it answers a page-cache READ of its file by
# splice(pipe, /dev/fuse, SPLICE_F_MOVE), which moves a stealable page
# into the page cache instead of copying it. P must not be taken: the file
# reads back P's bytes from a page of its own, and once the file is
# truncated and the pipe closed, the charge is gone and every parked page
# went back to its pool.
source "$(dirname "$0")/lib.sh"

PPSTEAL=$PPZC_DIR/ppsteal
out=$(mktemp)
mnt=$(mktemp -d)
trap 'umount -l "$mnt" 2>/dev/null; rmdir "$mnt"; dev_pair_del; rx_cgroup_del; rm -f "$out"' EXIT

ktap_print_header
[ -c /dev/fuse ] || skip_test "no /dev/fuse (CONFIG_FUSE_FS)"
zc_setup
ktap_set_plan 7

bytes=$((256 * 1024))
stats=(rx_pp_zc_parked rx_pp_zc_recycled rx_pp_zc_released)
declare -A before
for s in "${stats[@]}"; do
	before[$s]=$(rx_stat "$s")
done
nf_before=$(cg_nonfile "$RX_CG")
sh -c 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"' \
	sh "$RX_CG" "$PPSTEAL" -d "$mnt" "${RX_V6[@]}" -g "$RX_CG" > "$out" &
rx_pid=$!
tx_run $bytes
wait $rx_pid
rc=$?
ktap_print_msg "ppsteal: $(cat "$out")"

check "a whole pool page mapped, the stream of $bytes bytes verified (exit $rc)" \
	eval '[ $rc -eq 0 ] && num_cmp "$(json_get "$out" bytes)" -eq $bytes &&
	      num_cmp "$(json_get "$out" bad)" -eq 0 &&
	      num_cmp "$(json_get "$out" mapped)" -ge 4096'
zpipe=$(json_get "$out" pipe_zerocopy_rx)
check "gifted, parked, unmapped: the pipe alone holds it, charged (zerocopy_rx ${zpipe:-missing})" \
	num_cmp "$zpipe" -ge 4096
check "the file reads back the page's stream bytes (bad: read $(json_get "$out" read_bad), mmap $(json_get "$out" file_bad))" \
	eval 'num_cmp "$(json_get "$out" read_bad)" -eq 0 &&
	      num_cmp "$(json_get "$out" file_bad)" -eq 0'
ppfn=$(json_get "$out" pool_pfn)
fpfn=$(json_get "$out" file_pfn)
check "the file's page-cache page is not the pool page (pfn ${fpfn:-missing}, pool page ${ppfn:-missing})" \
	eval 'num_cmp "$fpfn" -gt 0 && num_cmp "$ppfn" -gt 0 && num_cmp "$fpfn" -ne "$ppfn"'

# After truncate and close: memory.stat is flushed lazily (up to ~2 s).
for ((i = 0; i < 50; i++)); do
	zrx=$(cg_stat "$RX_CG" zerocopy_rx)
	num_cmp "$zrx" -eq 0 && break
	sleep 0.1
done
nf_after=$(cg_nonfile "$RX_CG")
check "truncated, pipe closed: zerocopy_rx ${zrx:-missing} is 0 ($(json_get "$out" zerocopy_rx_after) in ppsteal)" \
	num_cmp "$zrx" -eq 0
base=$(json_get "$out" memcg_before)
after=$(json_get "$out" memcg_after)
ktap_print_msg "memory.current: $base before the stream, $after after truncate;" \
	"less page cache: $nf_before before, $nf_after after exit"
check "memory.current within 1 MiB of baseline, after truncate and after exit (page cache aside)" \
	eval 'num_cmp "$after" -le "$(sum "$base" $MIB)" &&
	      num_cmp "$after" -ge "$(sub "$base" $MIB)" &&
	      num_cmp "$nf_after" -le "$(sum "$nf_before" $MIB)"'
# The hand-back is synchronous, but give a deferred one (irqs off) time.
declare -A delta
for ((i = 0; i < 50; i++)); do
	for s in "${stats[@]}"; do
		delta[$s]=$(sub "$(rx_stat "$s")" "${before[$s]}")
	done
	num_cmp "${delta[rx_pp_zc_parked]}" -eq \
		"$(sum "${delta[rx_pp_zc_recycled]}" "${delta[rx_pp_zc_released]}")" && break
	sleep 0.1
done
ktap_print_msg "rx_pp_zc_: parked ${delta[rx_pp_zc_parked]} recycled ${delta[rx_pp_zc_recycled]}" \
	"released ${delta[rx_pp_zc_released]}"
check "rx_pp_zc_parked (${delta[rx_pp_zc_parked]:-missing}) >= 1, == rx_pp_zc_recycled + rx_pp_zc_released" \
	eval 'num_cmp "${delta[rx_pp_zc_parked]}" -ge 1 &&
	      num_cmp "${delta[rx_pp_zc_parked]}" -eq \
		      "$(sum "${delta[rx_pp_zc_recycled]}" "${delta[rx_pp_zc_released]}")"'
ktap_finished

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
tmp=$(mktemp -d)
out=$tmp/ppsteal.json
mnt=$tmp/mnt
trap 'umount -l "$mnt" 2>/dev/null; rm -rf "$tmp"; dev_pair_del; rx_cgroup_del' EXIT

ktap_print_header
[ -c /dev/fuse ] || skip_test "no /dev/fuse (CONFIG_FUSE_FS)"
mkdir "$mnt" || ktap_exit_fail_msg "cannot make $mnt"
zc_setup
ktap_set_plan 7

# The values below are read without a process each: under QEMU TCG every
# fork costs about a second.

# json_all FILE: the integer fields of ppsteal's JSON line into J, the
# line into JSON.
declare -A J
json_all()
{
	local line re='"([a-z_]+)": (-?[0-9]+)(.*)'

	J=()
	read -r line < "$1" || return 1
	JSON=$line
	while [[ $line =~ $re ]]; do
		J[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
		line=${BASH_REMATCH[3]}
	done
}

# pp_read: the receiving port's counters of parked pages into PP.
declare -A PP
pp_read()
{
	local name val

	PP=()
	while read -r name val; do
		case "$name" in
		rx_pp_zc_parked:|rx_pp_zc_recycled:|rx_pp_zc_released:)
			PP[${name%:}]=$val ;;
		esac
	done < <(ethtool -S "$DEV")
}

# cg_read: RX_CG's memory.stat zerocopy_rx into ZRX, memory.current less
# its page cache into NONFILE (empty if unreadable).
cg_read()
{
	local k v file="" cur=""

	ZRX="" NONFILE=""
	while read -r k v; do
		case "$k" in
		zerocopy_rx) ZRX=$v ;;
		file) file=$v ;;
		esac
	done < "$RX_CG/memory.stat"
	read -r cur < "$RX_CG/memory.current"
	[[ $cur =~ ^[0-9]+$ && $file =~ ^[0-9]+$ ]] && NONFILE=$((cur - file))
}

# balanced: parked pages since the start all went back (recycled or
# released), and there was at least one.
balanced()
{
	local p r l c

	zc_delta="counters missing"
	for c in "${PP[@]}" "$pp0_parked" "$pp0_recycled" "$pp0_released"; do
		num_cmp "$c" -ge 0 || return 1
	done
	[ ${#PP[@]} -eq 3 ] || return 1
	p=$((PP[rx_pp_zc_parked] - pp0_parked))
	r=$((PP[rx_pp_zc_recycled] - pp0_recycled))
	l=$((PP[rx_pp_zc_released] - pp0_released))
	zc_delta="parked $p, recycled $r, released $l"
	[ $p -ge 1 ] && [ $p -eq $((r + l)) ]
}

bytes=$((256 * 1024))
pp_read
pp0_parked=${PP[rx_pp_zc_parked]} pp0_recycled=${PP[rx_pp_zc_recycled]}
pp0_released=${PP[rx_pp_zc_released]}
cg_read
nf_before=$NONFILE
sh -c 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"' \
	sh "$RX_CG" "$PPSTEAL" -d "$mnt" "${RX_V6[@]}" -g "$RX_CG" > "$out" &
rx_pid=$!
tx_run $bytes
wait $rx_pid
rc=$?
json_all "$out"
ktap_print_msg "ppsteal (exit $rc): ${JSON:-no output}"

check "a whole pool page mapped, the stream of $bytes bytes verified (exit $rc)" \
	eval '[ $rc -eq 0 ] && num_cmp "${J[bytes]}" -eq $bytes && num_cmp "${J[bad]}" -eq 0 &&
	      num_cmp "${J[mapped]}" -ge 4096'
zpipe=${J[pipe_zerocopy_rx]:-missing}
check "gifted, parked, unmapped: the pipe alone holds it, charged (zerocopy_rx $zpipe)" \
	num_cmp "${J[pipe_zerocopy_rx]}" -ge 4096
bad_msg="read ${J[read_bad]:-missing}, mmap ${J[file_bad]:-missing}"
check "the file reads back the page's stream bytes (bad: $bad_msg)" \
	eval 'num_cmp "${J[read_bad]}" -eq 0 && num_cmp "${J[file_bad]}" -eq 0'
pfns="pfn ${J[file_pfn]:-missing}, pool page ${J[pool_pfn]:-missing}"
check "the file's page-cache page is not the pool page ($pfns)" \
	eval 'num_cmp "${J[file_pfn]}" -gt 0 && num_cmp "${J[pool_pfn]}" -gt 0 &&
	      num_cmp "${J[file_pfn]}" -ne "${J[pool_pfn]}"'

# After truncate and close. memory.stat is flushed lazily (up to ~2 s):
# poll, sleeping only when not there yet.
for ((i = 0; i < 50; i++)); do
	cg_read
	num_cmp "$ZRX" -eq 0 && break
	sleep 0.1
done
zafter=${J[zerocopy_rx_after]:-missing}
check "truncated, pipe closed: zerocopy_rx ${ZRX:-missing} is 0 ($zafter in ppsteal)" \
	num_cmp "$ZRX" -eq 0
base=${J[memcg_before]} after=${J[memcg_after]}
ktap_print_msg "memory.current: ${base:-missing} before the stream," \
	"${after:-missing} after truncate;" \
	"less page cache: ${nf_before:-missing} before, ${NONFILE:-missing} after exit"
check "memory.current within 1 MiB of baseline, after truncate and after exit (page cache aside)" \
	eval 'num_cmp "$base" -ge 0 && num_cmp "$after" -le $((base + MIB)) &&
	      num_cmp "$after" -ge $((base - MIB)) &&
	      num_cmp "$nf_before" -ge 0 && num_cmp "$NONFILE" -le $((nf_before + MIB))'
# The hand-back is synchronous; a deferred one (interrupts off) comes soon.
for ((i = 0; i < 50; i++)); do
	pp_read
	balanced && break
	sleep 0.1
done
check "rx_pp_zc_: every page parked went back to its pool ($zc_delta)" balanced
ktap_finished

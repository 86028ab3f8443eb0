#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Upstream's zero-copy receive example, net/tcp_mmap, over the device pair
# with rx-zc-memcg and tcp-data-split on: its server maps >= 99 % of what
# it receives, from the pool, charged to its cgroup and uncharged after.
# tcp_mmap's client sends 32 GiB: it is stopped after PPZC_TCP_MMAP_SECONDS
# (default 20) and the server reports what it got by then.
source "$(dirname "$0")/lib.sh"

TCP_MMAP=$KSFT_DIR/net/tcp_mmap
out=$(mktemp)
trap 'kill $srv 2>/dev/null; dev_pair_del; rx_cgroup_del; rm -f "$out"' EXIT

ktap_print_header
[ -x "$TCP_MMAP" ] || skip_test "$TCP_MMAP not installed (the net target builds it)"
zc_setup
ktap_set_plan 4

m0=$(rx_stat rx_pp_zc_mapped)
port=$((20000 + RANDOM % 10000))
# Line-buffered: the server prints its figures, then waits for the next
# connection until it is killed (stdio buffers are not flushed then).
sh -c 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"' sh "$RX_CG" \
	stdbuf -oL "$TCP_MMAP" -s -z -4 -p $port > "$out" 2>&1 &
srv=$!
rx_listening $port || ktap_exit_fail_msg "tcp_mmap server did not listen"
remote_exec timeout "${PPZC_TCP_MMAP_SECONDS:-20}" "$KSFT_DIR/net/tcp_mmap" -4 \
	-H "$LOCAL_V4" -p $port > /dev/null 2>&1
for _ in $(seq 100); do
	grep -q "mmap'ed" "$out" && break
	sleep 0.1
done
kill $srv 2>/dev/null
wait $srv 2>/dev/null
zrx=$(cg_stat_wait "$RX_CG" zerocopy_rx -eq 0)
ktap_print_msg "tcp_mmap server: $(tr '\n' ' ' < "$out")"
mb=$(sed -n "s/^received \([0-9.]*\) MB.*/\1/p" "$out" | cut -d. -f1)
pct=$(sed -n "s/.*MB (\([0-9.]*\) % mmap'ed).*/\1/p" "$out" | cut -d. -f1)
check "tcp_mmap received ${mb:-no} MB" num_cmp "$mb" -gt 0
check "tcp_mmap mapped ${pct:-no} % of it (>= 99)" num_cmp "$pct" -ge 99
check "mapped pages from the pool (rx_pp_zc_mapped +$(sub "$(rx_stat rx_pp_zc_mapped)" "$m0"))" \
	num_cmp "$(sub "$(rx_stat rx_pp_zc_mapped)" "$m0")" -gt 0
check "server gone: memory.stat zerocopy_rx is 0 (${zrx:-missing})" num_cmp "$zrx" -eq 0
ktap_finished

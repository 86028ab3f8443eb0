#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Shared helpers of the page_pool_zc shell tests (sourced).
#
# The device pair follows tools/testing/selftests/drivers/net/README.rst:
# NETIF is the device under test, here the receiver, in this netns;
# LOCAL_V4/LOCAL_V6 its addresses; REMOTE_V4/REMOTE_V6 the sender's;
# REMOTE_TYPE (netns or ssh) and REMOTE_ARGS (the netns name or the ssh
# destination) say where the sender runs. They come from the environment
# or from a net.config file beside the tests (KEY=VALUE lines, # comments).
# Without NETIF the tests make a netdevsim pair, as NetDrvEpEnv does: one
# port here (192.0.2.1, 2001:db8::1), its peer in a netns of its own
# (192.0.2.2, 2001:db8::2). The addresses are documentation ranges
# (RFC 5737, RFC 3849): they never clash with a real network.

PPZC_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KSFT_DIR=$(cd "$PPZC_DIR/../../.." && pwd)
# shellcheck source=/dev/null
source "$KSFT_DIR/kselftest/ktap_helpers.sh"

PPZC=$PPZC_DIR/ppzc
PPNL=$PPZC_DIR/ppnl
NSIM_BUS=/sys/bus/netdevsim
MIB=$((1 << 20))

if [ -f "$PPZC_DIR/net.config" ]; then
	while IFS= read -r line; do
		line=${line%%#*}
		line=$(echo "$line" | xargs)
		[ -n "$line" ] || continue
		case "$line" in
		[A-Z]*=*) export "${line%%=*}=${line#*=}" ;;
		*) echo "net.config: cannot parse '$line'" >&2; exit 1 ;;
		esac
	done < "$PPZC_DIR/net.config"
fi

# check DESCRIPTION COMMAND...: one KTAP result, COMMAND run with its
# arguments quoted (ktap_test_result splits them, so that an empty value
# vanishes and "test $a = $b" passes with both counters missing). Compare
# counters with num_cmp, which fails on an empty or non-numeric value.
check()
{
	local desc=$1

	shift
	if "$@"; then
		ktap_test_pass "$desc"
	else
		ktap_test_fail "$desc"
	fi
}

# num_cmp A OP B: test A OP B for two integers (-eq, -ge, ...); false if A
# or B is empty or not a number.
num_cmp()
{
	[ $# -eq 3 ] && [[ $1 =~ ^-?[0-9]+$ && $3 =~ ^-?[0-9]+$ ]] && test "$@"
}

# sum V...: the sum of the integers V, or nothing if one is empty or not a
# number (call it quoted).
sum()
{
	local v t=0

	[ $# -gt 0 ] || return 1
	for v in "$@"; do
		[[ $v =~ ^-?[0-9]+$ ]] || return 1
		t=$((t + v))
	done
	echo $t
}

# sub A B: A - B for two integers, or nothing if either is not one.
sub()
{
	[[ $1 =~ ^-?[0-9]+$ && $2 =~ ^-?[0-9]+$ ]] && echo $(($1 - $2))
}

# json_get FILE KEY: one integer field of ppzc's JSON line.
json_get()
{
	sed -n "s/.*\"$2\": \(-\{0,1\}[0-9]*\).*/\1/p" "$1"
}

# remote_exec CMD...: run CMD where the sender is.
remote_exec()
{
	case "$REMOTE_TYPE" in
	netns)	ip netns exec "$REMOTE_ARGS" "$@" ;;
	ssh)	# shellcheck disable=SC2029
		ssh -n "$REMOTE_ARGS" "$(printf '%q ' "$@")" ;;
	*)	echo "REMOTE_TYPE '$REMOTE_TYPE': netns or ssh" >&2; return 2 ;;
	esac
}

# nsim_new ID QUEUES [NETNS]: a netdevsim device of one port with QUEUES
# queues, moved to NETNS if given; prints the port's name.
nsim_new()
{
	local dev

	echo "$1 1 $2" > $NSIM_BUS/new_device || return 1
	udevadm settle 2>/dev/null
	dev=$(ls $NSIM_BUS/devices/netdevsim"$1"/net/) || return 1
	if [ -n "${3:-}" ]; then
		ip link set "$dev" netns "$3" || return 1
	fi
	echo "$dev"
}

# nsim_pair MTU QUEUES: the default device pair, linked back to back.
nsim_pair()
{
	local mtu=$1 queues=$2 fl fr ir

	NSIM_ID=$((1000 + RANDOM % 1000))
	NSIM_PEER_ID=$((NSIM_ID + 1000))
	REMOTE_TYPE=netns
	REMOTE_ARGS=ppzc-remote-$$
	ip netns add "$REMOTE_ARGS" || return 1
	DEV=$(nsim_new $NSIM_ID "$queues") || return 1
	REMOTE_DEV=$(nsim_new $NSIM_PEER_ID "$queues" "$REMOTE_ARGS") || return 1
	exec {fl}</proc/self/ns/net {fr}</run/netns/"$REMOTE_ARGS"
	ir=$(remote_exec cat /sys/class/net/"$REMOTE_DEV"/ifindex)
	echo "$fl:$(cat /sys/class/net/"$DEV"/ifindex) $fr:$ir" > $NSIM_BUS/link_device ||
		{ exec {fl}<&- {fr}<&-; return 1; }
	exec {fl}<&- {fr}<&-
	LOCAL_V4=192.0.2.1 REMOTE_V4=192.0.2.2
	LOCAL_V6=2001:db8::1 REMOTE_V6=2001:db8::2
	ip addr add $LOCAL_V4/24 dev "$DEV" &&
		ip -6 addr add $LOCAL_V6/64 dev "$DEV" nodad &&
		remote_exec ip addr add $REMOTE_V4/24 dev "$REMOTE_DEV" &&
		remote_exec ip -6 addr add $REMOTE_V6/64 dev "$REMOTE_DEV" nodad &&
		ip link set "$DEV" mtu "$mtu" up &&
		remote_exec ip link set "$REMOTE_DEV" mtu "$mtu" up &&
		remote_exec ip link set lo up
}

# nic_pair MTU: the lab's pair named by NETIF and REMOTE_*; the MTUs are
# restored by dev_pair_del.
nic_pair()
{
	local mtu=$1 raddr=${REMOTE_V4:-$REMOTE_V6}

	[ -n "${REMOTE_TYPE:-}" ] && [ -n "${REMOTE_ARGS:-}" ] && [ -n "$raddr" ] &&
		[ -n "${LOCAL_V4:-$LOCAL_V6}" ] || {
		echo "NETIF=$NETIF needs LOCAL_V4/V6, REMOTE_V4/V6, REMOTE_TYPE and REMOTE_ARGS" \
			"(drivers/net/README.rst)" >&2
		return 1
	}
	DEV=$NETIF
	REMOTE_DEV=$(remote_exec ip -o addr show to "$raddr" | awk '{ print $2; exit }')
	[ -n "$REMOTE_DEV" ] || { echo "no remote device holds $raddr" >&2; return 1; }
	SAVED_MTU=$(cat /sys/class/net/"$DEV"/mtu) &&
		SAVED_REMOTE_MTU=$(remote_exec cat /sys/class/net/"$REMOTE_DEV"/mtu) &&
		ip link set "$DEV" mtu "$mtu" up &&
		remote_exec ip link set "$REMOTE_DEV" mtu "$mtu" up || return 1
	if [ "$REMOTE_TYPE" = ssh ]; then
		REMOTE_TMP=$(ssh -n "$REMOTE_ARGS" mktemp -d) &&
			scp -q "$PPZC" "$REMOTE_ARGS:$REMOTE_TMP/" || return 1
		REMOTE_PPZC=$REMOTE_TMP/ppzc
	fi
}

# dev_pair [MTU [QUEUES]]: the device pair, up, with MTU (default 1500) and
# QUEUES receive and transmit queues (netdevsim only; a NIC keeps its own).
# Sets DEV (the receiver), REMOTE_DEV, the addresses and the remote; the
# sender is at REMOTE_V4 (IPVER=6: REMOTE_V6), the receiver at LOCAL_V4.
dev_pair()
{
	local mtu=${1:-1500} queues=${2:-1}

	REMOTE_PPZC=$PPZC
	if [ -n "${NETIF:-}" ]; then
		nic_pair "$mtu" || return 1
	else
		nsim_pair "$mtu" "$queues" || return 1
	fi
	if [ "${IPVER:-4}" = 6 ]; then
		RX_ADDR=$LOCAL_V6 RX_V6=(-6)
	else
		RX_ADDR=$LOCAL_V4 RX_V6=()
	fi
	[ -n "$RX_ADDR" ] || { echo "no IPv${IPVER:-4} address for the receiver" >&2; return 1; }
}

dev_pair_del()
{
	skb_defer_restore
	if [ -n "${NETIF:-}" ]; then
		[ -z "${SAVED_SPLIT:-}" ] || rx_split "$SAVED_SPLIT"
		ethtool --set-priv-flags "$DEV" rx-zc-memcg off 2>/dev/null
		[ -z "${SAVED_MTU:-}" ] || ip link set "$DEV" mtu "$SAVED_MTU"
		[ -z "${SAVED_REMOTE_MTU:-}" ] ||
			remote_exec ip link set "$REMOTE_DEV" mtu "$SAVED_REMOTE_MTU"
		[ -z "${REMOTE_TMP:-}" ] || ssh -n "$REMOTE_ARGS" rm -rf "$REMOTE_TMP"
		SAVED_SPLIT= SAVED_MTU= SAVED_REMOTE_MTU= REMOTE_TMP=
	elif [ -n "${NSIM_ID:-}" ]; then
		ip netns del "$REMOTE_ARGS" 2>/dev/null
		echo "$NSIM_ID" > $NSIM_BUS/del_device 2>/dev/null
		echo "$NSIM_PEER_ID" > $NSIM_BUS/del_device 2>/dev/null
		NSIM_ID=
	fi
	return 0
}

# is_nsim: the pair is the default netdevsim one (tests that use
# netdevsim's own knobs skip on a real NIC).
is_nsim()
{
	[ -z "${NETIF:-}" ]
}

# skb_defer_off: an skb freed on another CPU than the one that allocated
# it may wait on that CPU's defer list (net.core.skb_defer_max per CPU)
# until the CPU next runs its receive softirq, its pages still charged.
# The checks "once idle" need every skb freed: defer none while the test
# runs. dev_pair_del restores the setting.
SKB_DEFER_MAX=/proc/sys/net/core/skb_defer_max
skb_defer_off()
{
	[ -n "${SKB_DEFER_SAVED:-}" ] || SKB_DEFER_SAVED=$(cat $SKB_DEFER_MAX) || return 1
	echo 0 > $SKB_DEFER_MAX
}

skb_defer_restore()
{
	[ -z "${SKB_DEFER_SAVED:-}" ] || echo "$SKB_DEFER_SAVED" > $SKB_DEFER_MAX
	SKB_DEFER_SAVED=
}

# zc_setup [QUEUES]: the usual test bed: the device pair at MTU 4148 (a
# 4096-byte payload per segment), the receiver's cgroup, rx-zc-memcg and
# tcp-data-split on, no deferred skb frees. Bails out of the test if any
# of it fails; skips it if the device lacks rx-zc-memcg or tcp-data-split.
# Call it before ktap_set_plan.
zc_setup()
{
	skb_defer_off && dev_pair 4148 "${1:-1}" && rx_cgroup ||
		ktap_exit_fail_msg "cannot set up the device pair"
	if [ -n "${NETIF:-}" ]; then
		SAVED_SPLIT=$("$PPNL" rings-get "$DEV" | awk '{ print $2 }')
		[ "$SAVED_SPLIT" = n/a ] && SAVED_SPLIT=
	fi
	rx_zc_memcg on || skip_test "$DEV has no rx-zc-memcg private flag"
	rx_split on || skip_test "$DEV cannot turn tcp-data-split on"
}

# skip_test WHY: the whole test skips (call it before ktap_set_plan).
skip_test()
{
	ktap_skip_all "$*"
	exit "$KSFT_SKIP"
}

# rx_split on|off: tcp-data-split on the receiving port. ethtool 6.1 does not
# know the parameter; ppnl sends the same ethtool netlink request.
rx_split()
{
	ethtool -G "$DEV" tcp-data-split "$1" 2>/dev/null ||
		"$PPNL" rings-set "$DEV" tcp-data-split "$1"
}

# rx_zc_memcg on|off: the accounting private flag on the receiving port.
rx_zc_memcg()
{
	ethtool --set-priv-flags "$DEV" rx-zc-memcg "$1"
}

# rx_stat NAME: one ethtool -S counter of the receiving port.
rx_stat()
{
	ethtool -S "$DEV" | awk -v n="$1:" '$1 == n { print $2 }'
}

# rx_cgroup: a memory cgroup for the receiver, RX_CG, in a parent of its
# own, RX_CG_PARENT.
CG_ROOT=/sys/fs/cgroup
rx_cgroup()
{
	[ -f $CG_ROOT/cgroup.subtree_control ] ||
		{ echo "cgroup2 is not mounted at $CG_ROOT" >&2; return 1; }
	RX_CG_PARENT=$CG_ROOT/ppzc-$$
	RX_CG=$RX_CG_PARENT/rx
	grep -qw memory $CG_ROOT/cgroup.subtree_control ||
		echo +memory > $CG_ROOT/cgroup.subtree_control
	mkdir -p "$RX_CG_PARENT" &&
		echo +memory > "$RX_CG_PARENT/cgroup.subtree_control" &&
		mkdir -p "$RX_CG"
}

# cg_nonfile CG: memory.current of CG less its page cache. Processes that
# ran in CG leave their binaries and libraries charged to it after they
# exit; the zero-copy charge is kernel memory, never file.
cg_nonfile()
{
	local cur file

	cur=$(cat "$1/memory.current") &&
		file=$(cg_stat "$1" file) &&
		sub "$cur" "$file"
}

# memory.stat in 6.12 (mm/memcontrol.c) shows sums of per-CPU counts that
# are folded in lazily. An update adds its pages to its CPU's pending count
# and, once that reaches MEMCG_CHARGE_BATCH (64), to the cgroup's; a read of
# memory.stat folds the counts in (an rstat flush) only when the cgroup's
# exceeds 64 x online CPUs; the stats worker folds in everything every 2 s.
# On the test VM's 2 CPUs a read can miss 128 + 2 x 63 = 254 page updates
# for up to 2 s: 127 pages of zerocopy_rx (a zero-copy page is two updates,
# kernel and zerocopy_rx). Reading the cgroup's cpu.stat flushes every
# controller's per-CPU counts in its subtree (cgroup_rstat_flush_hold()),
# so cg_stat reads it first and is exact on 6.12; cg_stat_wait polls, and
# the stats worker's 2 s period bounds the wait even without that flush.

# cg_stat CG KEY: one memory.stat field of CG, counts folded in first.
cg_stat()
{
	cat "$1/cpu.stat" > /dev/null
	awk -v k="$2" '$1 == k { print $2 }' "$1/memory.stat"
}

# cg_stat_wait CG KEY OP VALUE: cg_stat CG KEY every 0.1 s until "KEY OP
# VALUE" holds (num_cmp), PPZC_STAT_WAIT seconds at most (default 5, up to
# 1 s more); prints the last value read, which the check tests again.
# Use it for a value that stays once reached: ">= the bytes held" while
# they are held, "-eq 0" once they are released (the last reference of a
# page can go a little after the event that frees it: a skb free, a
# deferred hand-back). A wrong kernel fails the check after the wait.
cg_stat_wait()
{
	local cg=$1 key=$2 op=$3 want=$4 v end

	end=$((SECONDS + ${PPZC_STAT_WAIT:-5} + 1))
	while :; do
		v=$(cg_stat "$cg" "$key")
		num_cmp "$v" "$op" "$want" && break
		[ $SECONDS -lt $end ] || break
		sleep 0.1
	done
	echo "$v"
}

# zc_charged_bytes: bytes of DEV's pool pages charged now by the pools' own
# count (rx_pp_zc_mapped - rx_pp_zc_uncharged), what zerocopy_rx of the
# receivers' cgroup reaches while they hold their pages (the held bytes are
# known only once they exit).
zc_charged_bytes()
{
	local pages

	pages=$(sub "$(rx_stat rx_pp_zc_mapped)" "$(rx_stat rx_pp_zc_uncharged)") &&
		echo $((pages * 4096))
}

rx_cgroup_del()
{
	[ -n "${RX_CG:-}" ] || return 0
	rmdir "$RX_CG" "$RX_CG_PARENT" 2>/dev/null
	return 0
}

# rx_run OUT ARGS...: ppzc recv in the cgroup RX_CG, in the background
# (RX_PID), JSON to OUT.
rx_run()
{
	local out=$1

	shift
	sh -c 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"' \
		sh "$RX_CG" "$PPZC" recv "${RX_V6[@]}" -i "$DEV" -g "$RX_CG" "$@" > "$out" &
	RX_PID=$!
}

# tx_run BYTES [ARGS...]: the sender, remote, waiting for the receiver.
tx_run()
{
	local bytes=$1

	shift
	remote_exec "$REMOTE_PPZC" send -H "$RX_ADDR" -b "$bytes" -w 30 "$@"
}

# tx_paced BYTES: the sender in the background (TX_PID), paced at 256 KiB/s
# until tx_unpace, so that settings changes land under traffic however fast
# the pair is. On a netns remote TX_PID is ppzc itself (ip netns exec execs
# it), so the signal reaches it and not a subshell. Returns once the
# connection is up: ppzc blocks SIGUSR1 before it connects, and a signal
# that came earlier would kill it.
tx_paced()
{
	local bytes=$1 i

	if [ "$REMOTE_TYPE" = netns ]; then
		ip netns exec "$REMOTE_ARGS" "$REMOTE_PPZC" send -H "$RX_ADDR" -b "$bytes" \
			-w 30 -P 256K &
	else
		tx_run "$bytes" -P 256K &
	fi
	TX_PID=$!
	for ((i = 0; i < 600; i++)); do
		ss -Htn state established "sport = :4242" | grep -q . && return 0
		sleep 0.1
	done
	echo "tx_paced: no connection to the receiver in 60 s" >&2
	return 1
}

# tx_unpace: let the sender of tx_paced go at full speed.
tx_unpace()
{
	if [ "$REMOTE_TYPE" = netns ]; then
		kill -USR1 "$TX_PID"
	else
		remote_exec pkill -USR1 -f "^$REMOTE_PPZC send"
	fi
}

# stream OUT BYTES [RECV ARGS...]: one verified transfer, receiver in RX_CG.
stream()
{
	local out=$1 bytes=$2 rc

	shift 2
	rx_run "$out" -b "$bytes" "$@"
	tx_run "$bytes" || { kill $RX_PID 2>/dev/null; wait $RX_PID; return 1; }
	wait $RX_PID
	rc=$?
	ktap_print_msg "receiver: $(cat "$out")"
	return $rc
}

# verified OUT RC BYTES: the receiver exited 0 and got BYTES, all right.
verified()
{
	[ "$2" -eq 0 ] && num_cmp "$(json_get "$1" bytes)" -eq "$3" &&
		num_cmp "$(json_get "$1" bad)" -eq 0
}

# pp_get FILE NAME: a counter delta from the final "pp" object of ppzc.
pp_get()
{
	sed -n 's/.*"pp": {\([^}]*\)}.*/\1/p' "$1" |
		sed -n "s/.*\"$2\": \([0-9]*\).*/\1/p"
}

# wait_file FILE SECONDS: until FILE exists.
wait_file()
{
	local i

	for ((i = 0; i < $2 * 10; i++)); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# rx_listening PORT: until the receiver listens (30 s at most).
rx_listening()
{
	local i

	for ((i = 0; i < 300; i++)); do
		ss -Hltn "sport = :$1" | grep -q . && return 0
		sleep 0.1
	done
	return 1
}

# pools_of IFINDEX: the ids of the page pools netlink lists for IFINDEX.
pools_of()
{
	"$PPNL" page-pools "$1" | awk '{ print $2 }'
}

# pools_listed IDS...: how many of the pools IDS netlink lists (here).
pools_listed()
{
	local list id n=0

	list=$("$PPNL" page-pools) || return 1
	for id in "$@"; do
		echo "$list" | grep -q "^id $id " && n=$((n + 1))
	done
	echo $n
}

# pools_show IDS...: netlink's line (inflight, detached) for each of the
# pools IDS it still lists, one line: what a "pools gone" failure needs to
# tell pages in flight (a leak) from a release not yet run.
pools_show()
{
	local id

	for id in "$@"; do
		"$PPNL" page-pools | grep "^id $id "
	done | paste -sd ';'
}

# pools_gone IDS...: wait up to 10 s for the pools IDS to leave netlink
# (the deferred-release work runs every second); prints how many are
# still listed.
pools_gone()
{
	local left

	for _ in $(seq 50); do
		left=$(pools_listed "$@")
		num_cmp "$left" -eq 0 && break
		sleep 0.2
	done
	echo "$left"
}

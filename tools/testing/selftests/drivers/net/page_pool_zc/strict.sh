#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# net.core.zerocopy_rx_strict: with 1, zero-copy receive maps only pages it
# charged to the receiver's memcg; every other page goes by copy (through
# recv_skip_hint), nothing lost. With 0 (the default) pages of pools that
# did not opt in are mapped uncharged, as without the kit.
source "$(dirname "$0")/lib.sh"

SYSCTL=/proc/sys/net/core/zerocopy_rx_strict
out=$(mktemp)
trap 'echo 0 > $SYSCTL; dev_pair_del; rx_cgroup_del; rm -f "$out"' EXIT

ktap_print_header
[ -w $SYSCTL ] || ktap_exit_fail_msg "$SYSCTL missing"
zc_setup
ktap_set_plan 8
bytes=$((16 * MIB))
most=$((bytes * 99 / 100))

# 1. Strict, opted-in pool, receiver in a memcg: charged, so mapped.
echo 1 > $SYSCTL
stream "$out" $bytes -z
rc=$?
ok=false
verified "$out" $rc $bytes && num_cmp "$(json_get "$out" mapped)" -ge $most &&
	num_cmp "$(pp_get "$out" rx_pp_zc_nocharge)" -eq 0 && ok=true
desc="strict, rx-zc-memcg on, receiver in a memcg:"
desc+=" $(json_get "$out" mapped) of $bytes bytes mapped, all charged"
check "$desc" $ok
check "strict: rx_pp_zc_mapped $(pp_get "$out" rx_pp_zc_mapped) pages == rx_pp_zc_uncharged" \
	num_cmp "$(pp_get "$out" rx_pp_zc_mapped)" -eq "$(pp_get "$out" rx_pp_zc_uncharged)"

# 2. Strict, receiver in the root cgroup: nothing can be charged.
sh -c 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"' sh "$CG_ROOT" \
	"$PPZC" recv "${RX_V6[@]}" -i "$DEV" -b $bytes -z > "$out" &
RX_PID=$!
tx_run $bytes
wait $RX_PID
rc=$?
ktap_print_msg "receiver (root cgroup): $(cat "$out")"
ok=false
verified "$out" $rc $bytes && num_cmp "$(json_get "$out" mapped)" -eq 0 &&
	num_cmp "$(json_get "$out" copied)" -eq $bytes && ok=true
check "strict, receiver in the root cgroup: nothing mapped, all $bytes bytes copied and right" $ok
fails=$(pp_get "$out" rx_pp_zc_charge_fail) nocharge=$(pp_get "$out" rx_pp_zc_nocharge)
ok=false
num_cmp "$fails" -gt 0 && num_cmp "$nocharge" -eq 0 && ok=true
desc="strict, root cgroup: rx_pp_zc_charge_fail ${fails:-missing} > 0,"
desc+=" rx_pp_zc_nocharge ${nocharge:-missing} == 0"
check "$desc" $ok

# 3. Strict, pool not opted in: its pages cannot be charged.
rx_zc_memcg off || ktap_exit_fail_msg "cannot turn rx-zc-memcg off"
stream "$out" $bytes -z
rc=$?
ok=false
verified "$out" $rc $bytes && num_cmp "$(json_get "$out" mapped)" -eq 0 && ok=true
check "strict, rx-zc-memcg off: nothing mapped, all $bytes bytes copied and right" $ok
zrx=$(cg_stat_wait "$RX_CG" zerocopy_rx -eq 0)
check "strict, rx-zc-memcg off: memory.stat zerocopy_rx ${zrx:-missing} is 0" num_cmp "$zrx" -eq 0

# 4. Not strict (the default), pool not opted in: mapped, uncharged.
echo 0 > $SYSCTL
stream "$out" $bytes -z
rc=$?
ok=false
verified "$out" $rc $bytes && num_cmp "$(json_get "$out" mapped)" -ge $most && ok=true
desc="not strict, rx-zc-memcg off: $(json_get "$out" mapped) of $bytes bytes mapped,"
desc+=" as without the kit"
check "$desc" $ok
check "the sysctl reads back 0" num_cmp "$(cat $SYSCTL)" -eq 0
ktap_finished

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The receiver keeps the first 16 MiB of a stream mapped (ppzc -K) while
# over 64 MiB more flow through the same page pool into a reused window.
# The held pages are charged to the receiver's cgroup while held, none of
# them changes (every held byte is verified again at release: a page the
# pool handed out again while still mapped would show), and after release
# the charge is back to its baseline and the counters balance.
source "$(dirname "$0")/lib.sh"

out=$(mktemp)
held=$(mktemp -u)
trap 'dev_pair_del; rx_cgroup_del; rm -f "$out" "$held"' EXIT

ktap_print_header
zc_setup
ktap_set_plan 13

keep=$((16 * MIB))
# 64 MiB after the held bytes, and 2 MiB for the last held window (up to a
# chunk past -K) and the bytes that are copied, not mapped.
bytes=$((keep + 66 * MIB))
nf_before=$(cg_nonfile "$RX_CG")
start=$SECONDS
rx_run "$out" -b $bytes -z -K $keep -S "$held"
tx_run $bytes
wait_file "$held" 300 || ktap_print_msg "receiver never reported it held its pages"
cur=$(cat "$RX_CG/memory.current")
mapped_now=$(rx_stat rx_pp_zc_mapped)
unch_now=$(rx_stat rx_pp_zc_uncharged)
zrx_held=$(cg_stat_wait "$RX_CG" zerocopy_rx -ge "$(zc_charged_bytes)")
rm -f "$held"
wait $RX_PID
rc=$?
ktap_print_msg "receiver ($((SECONDS - start)) s): $(cat "$out")"
sleep 1
nf_after=$(cg_nonfile "$RX_CG")
zrx_after=$(cg_stat_wait "$RX_CG" zerocopy_rx -eq 0)

got=$(json_get "$out" bytes)
hb=$(json_get "$out" held_bytes)
mapped=$(json_get "$out" mapped)
base=$(json_get "$out" memcg_before)
after=$(json_get "$out" memcg_after)
ktap_print_msg "memory.current: baseline $base, $cur while $hb bytes held, $after after munmap;" \
	"less page cache: $nf_before before, $nf_after after exit"

ok=false
[ $rc -eq 0 ] && num_cmp "$got" -eq $bytes && num_cmp "$(json_get "$out" bad)" -eq 0 && ok=true
check "receiver got $bytes bytes, none corrupt (exit $rc)" $ok
check "held >= 16 MiB of mapped pool pages ($hb bytes)" num_cmp "$hb" -ge $keep
rest=$(sub "$mapped" "$hb")
check "after the held bytes, >= 64 MiB more through the pool (${rest:-no} bytes mapped)" \
	num_cmp "$rest" -ge $((64 * MIB))
check "every held byte read again at release ($(json_get "$out" held_reverified_bytes) bytes)" \
	num_cmp "$(json_get "$out" held_reverified_bytes)" -eq "$hb"
check "no held byte changed while held ($(json_get "$out" held_bad_bytes) bad)" \
	num_cmp "$(json_get "$out" held_bad_bytes)" -eq 0
charged=$(sub "$mapped_now" "$unch_now")
held_pages=
num_cmp "$hb" -ge 0 && held_pages=$((hb / 4096))
check "while held: ${charged:-no} pages charged, >= the ${held_pages:-no} held" \
	num_cmp "$charged" -ge "$held_pages"
check "while held: memory.current >= baseline + held - 1 MiB" \
	num_cmp "$cur" -ge "$(sum "$base" "$hb" -$MIB)"
check "while held: memory.stat zerocopy_rx ${zrx_held:-missing} >= the $hb bytes held" \
	num_cmp "$zrx_held" -ge "$hb"
check "after exit: memory.stat zerocopy_rx ${zrx_after:-missing} is 0" \
	num_cmp "$zrx_after" -eq 0
ok=false
num_cmp "$after" -le "$(sum "$base" $MIB)" && num_cmp "$after" -ge "$(sub "$base" $MIB)" &&
	num_cmp "$nf_after" -le "$(sum "$nf_before" $MIB)" && ok=true
check "after munmap: memory.current within 1 MiB of baseline, and after exit (page cache aside)" $ok

zmapped=$(pp_get "$out" rx_pp_zc_mapped)
zunch=$(pp_get "$out" rx_pp_zc_uncharged)
zparked=$(pp_get "$out" rx_pp_zc_parked)
zreturned=$(sum "$(pp_get "$out" rx_pp_zc_recycled)" "$(pp_get "$out" rx_pp_zc_released)")
ktap_print_msg "rx_pp_zc_: mapped $zmapped uncharged $zunch parked $zparked" \
	"recycled+released $zreturned"
check "rx_pp_zc_mapped > 0 pages (${zmapped:-none})" num_cmp "$zmapped" -gt 0
check "rx_pp_zc_uncharged == rx_pp_zc_mapped" num_cmp "$zunch" -eq "$zmapped"
check "rx_pp_zc_parked == rx_pp_zc_recycled + rx_pp_zc_released" \
	num_cmp "$zparked" -eq "$zreturned"
ktap_finished

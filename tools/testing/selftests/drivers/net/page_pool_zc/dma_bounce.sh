#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The receive pools map their pages for DMA, and with swiotlb=force every
# mapping is a bounce slot: the device writes the slot, and only the
# driver's sync for the CPU brings the bytes to the page that zero-copy
# receive maps. The receiver holds 8 MiB mapped while 16 MiB more flow,
# then rx-zc-memcg goes off, which destroys the pools with the held pages
# still mapped in user space: the destroy must unmap them (their slots come
# back while they are held), the held bytes must not change, and once the
# devices are gone every slot is back.
#
# Needs a kernel booted with swiotlb=force (make check-full's second boot)
# and debugfs; skips otherwise.
source "$(dirname "$0")/lib.sh"

SWIOTLB=/sys/kernel/debug/swiotlb
# Slots are 2 KiB (IO_TLB_SHIFT); a pool page takes PAGE_SIZE / 2 KiB.
SLOTS_PER_PAGE=$(($(getconf PAGESIZE) / 2048))

out=$(mktemp)
held=$(mktemp -u)
trap 'dev_pair_del; rx_cgroup_del; rm -f "$out" "$held"' EXIT

ktap_print_header
grep -qE '(^| )swiotlb=([^ ]*,)?force( |,|$)' /proc/cmdline ||
	skip_test "the kernel was not booted with swiotlb=force"
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
[ -r $SWIOTLB/io_tlb_used ] || skip_test "no $SWIOTLB/io_tlb_used (debugfs)"
slots_used() { cat $SWIOTLB/io_tlb_used; }

slots_before=$(slots_used)
zc_setup
ktap_set_plan 7
ifindex=$(cat "/sys/class/net/$DEV/ifindex")

keep=$((8 * MIB))
bytes=$((keep + 18 * MIB))
rx_run "$out" -b $bytes -z -K $keep -S "$held"
# A receive path that corrupts headers as well never connects: end the
# receiver then, so that the checks fail instead of waiting.
if ! tx_run $bytes; then
	ktap_print_msg "the sender failed"
	kill $RX_PID 2>/dev/null
elif ! wait_file "$held" 300; then
	ktap_print_msg "receiver never reported it held its pages"
	kill $RX_PID 2>/dev/null
fi
slots_held=$(slots_used)
pools=$(pools_of "$ifindex" | xargs)
rx_zc_memcg off
slots_destroyed=$(slots_used)
ktap_print_msg "after the toggle: pools $(pools_show $pools)"
rm -f "$held"
wait $RX_PID
rc=$?
ktap_print_msg "receiver: $(cat "$out")"

hb=$(json_get "$out" held_bytes)
# Empty when the receiver failed, so that the slot checks fail too.
held_slots=
num_cmp "$hb" -gt 0 && held_slots=$((hb / 4096 * SLOTS_PER_PAGE))
ktap_print_msg "swiotlb slots in use: $slots_before before, $slots_held while" \
	"${held_slots:-no} slots' worth held, $slots_destroyed after the pools were destroyed"

ok=false
[ $rc -eq 0 ] && num_cmp "$(json_get "$out" bytes)" -eq $bytes &&
	num_cmp "$(json_get "$out" bad)" -eq 0 && ok=true
check "receiver got $bytes bytes through bounce buffers, none corrupt (exit $rc)" $ok
check "held >= 8 MiB of mapped pool pages (${hb:-no} bytes)" num_cmp "$hb" -ge $keep
check "while held: bounce slots in use grew by >= $SLOTS_PER_PAGE per held page" \
	num_cmp "$(sub "$slots_held" "$slots_before")" -ge "$held_slots"
check "pool destroy with the pages held gave back >= their slots" \
	num_cmp "$(sub "$slots_held" "$slots_destroyed")" -ge "$held_slots"
check "every held byte read again at release ($(json_get "$out" held_reverified_bytes) bytes)" \
	num_cmp "$(json_get "$out" held_reverified_bytes)" -eq "$hb"
check "no held byte changed across the pool destroy ($(json_get "$out" held_bad_bytes) bad)" \
	num_cmp "$(json_get "$out" held_bad_bytes)" -eq 0

pools=$(pools_of "$ifindex" | xargs)
dev_pair_del
left=$(pools_gone $pools)
slots_after=$(slots_used)
ktap_print_msg "after the devices are gone: $slots_after slots in use, ${left:-?} pools listed"
# Other devices of the VM may hold a few slots for a moment.
check "every slot back once the devices are gone ($slots_after <= $slots_before + 16)" \
	num_cmp "$slots_after" -le "$(sum "$slots_before" 16)"
ktap_finished

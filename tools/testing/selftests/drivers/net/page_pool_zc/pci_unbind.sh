#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The receiving NIC's PCI driver is unbound while the receiver holds its
# pool pages mapped (parked, still DMA-mapped for the device), then the
# pages are unmapped: every byte still right, the charge released, the
# pools gone from netlink; no splat, no leak (the console and kmemleak
# scans of the run). The port is bound again at the end. A NIC pair
# (NETIF) whose receiver is a PCI device; skips on netdevsim.
source "$(dirname "$0")/lib.sh"

out=$(mktemp)
held=$(mktemp -u)
trap 'rm -f "$held"; rebind; dev_pair_del; rx_cgroup_del; rm -f "$out"' EXIT

# rebind: the unbound port back to its driver, so that the lab's NIC is
# left as it was found.
rebind()
{
	[ -n "${pci:-}" ] && [ ! -e "$dev/driver" ] || return 0
	echo "$pci" > "$drv/bind"
	for _ in $(seq 100); do
		[ -e /sys/class/net/"$DEV" ] && return 0
		sleep 0.1
	done
}

ktap_print_header
is_nsim && skip_test "needs a PCI NIC pair (NETIF), not netdevsim"
dev=$(readlink -e /sys/class/net/"$NETIF"/device)
[ "$(basename "$(readlink -f "$dev/subsystem")")" = pci ] ||
	skip_test "$NETIF is not a PCI device (${dev:-none})"
pci=$(basename "$dev")
drv=$(readlink -f "$dev/driver")
zc_setup
ktap_set_plan 6

bytes=$((8 * MIB))
base=$(cg_nonfile "$RX_CG")
ifindex=$(cat /sys/class/net/"$DEV"/ifindex)
rx_run "$out" -b $bytes -z -m map -S "$held"
tx_run $bytes
wait_file "$held" 300 || ktap_print_msg "receiver never reported it held its pages"
pools=$(pools_of "$ifindex")
npools=$(echo $pools | wc -w)
charged=$(cg_stat_wait "$RX_CG" zerocopy_rx -ge $((7 * MIB)))
ktap_print_msg "held: zerocopy_rx $charged bytes, pools of $DEV: $(pools_show $pools)"
check "held: >= 7 MiB of pool pages charged (zerocopy_rx ${charged:-missing})" \
	num_cmp "$charged" -ge $((7 * MIB))

echo "$pci" > "$drv/unbind"
check "$pci unbound from $(basename "$drv") while mapped" test ! -e "$dev/driver"

rm -f "$held"
wait $RX_PID
rc=$?
ktap_print_msg "receiver: $(cat "$out")"
check "unbound while mapped: receiver verified every byte" verified "$out" $rc $bytes

charged=$(cg_stat_wait "$RX_CG" zerocopy_rx -eq 0)
check "after unmap: zerocopy_rx 0 (${charged:-missing})" num_cmp "$charged" -eq 0
now=$(cg_nonfile "$RX_CG")
check "after unmap: memory.current less page cache back within 1 MiB ($base -> $now)" \
	num_cmp "$now" -le "$(sum "$base" $MIB)"

# The unregistered device's pools move to this netns's loopback, then go
# with their last page (the deferred-release work runs every second).
left=$(pools_gone $pools)
num_cmp "$left" -eq 0 || ktap_print_msg "still listed: $(pools_show $pools)"
check "after unmap: the $npools pools are gone from netlink (${left:-none} left)" \
	eval 'num_cmp "$npools" -gt 0 && num_cmp "$left" -eq 0'
ktap_finished

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The receiving NIC's PCI driver is unbound while the receiver holds its
# pool pages mapped (parked, still DMA-mapped for the device), then the
# pages are unmapped: every byte still right, the charge released, the
# pools gone from netlink; no splat, no leak (the console scan and the
# final kmemleak scan of the run). The port is bound again at teardown.
# Needs a PCI NIC pair (PPKIT_DEV_SETUP, e.g. tools/vm/e1000e-pair).
source "$(dirname "$0")/lib.sh"

out=$(mktemp)
held=$(mktemp -u)
trap 'rm -f "$held"; dev_pair_del; rx_cgroup_del; rm -f "$out"' EXIT

ktap_print_header
if [ -z "${PPKIT_DEV_SETUP:-}" ]; then
	ktap_skip_all "needs a PCI NIC pair (PPKIT_DEV_SETUP), not netdevsim"
	exit "$KSFT_SKIP"
fi
zc_setup
dev=$(ip netns exec ppb readlink -e /sys/class/net/"$NSIM_B"/device)
if [ "$(basename "$(readlink -f "$dev/subsystem")")" != pci ]; then
	ktap_skip_all "$NSIM_B is not a PCI device (${dev:-none})"
	exit "$KSFT_SKIP"
fi
pci=$(basename "$dev")
drv=$(readlink -f "$dev/driver")
ktap_set_plan 6

# zerocopy_rx of memory.stat: bytes of zero-copy-mapped pages charged.
zc_charged()
{
	awk '$1 == "zerocopy_rx" { print $2 }' "$RX_CG/memory.stat"
}

bytes=$((8 * MIB))
base=$(cg_nonfile "$RX_CG")
ifindex=$(ip netns exec ppb cat /sys/class/net/"$NSIM_B"/ifindex)
rx_run "$out" -b $bytes -z -m map -S "$held"
tx_run $bytes
wait_file "$held" 300 || ktap_print_msg "receiver never reported it held its pages"
pools=$(ip netns exec ppb "$PPNL" page-pools "$ifindex" | awk '{ print $2 }')
charged=$(zc_charged)
ktap_print_msg "held: zerocopy_rx $charged bytes, pools of $NSIM_B: $(echo $pools)"
ktap_test_result "held: >= 7 MiB of pool pages charged (zerocopy_rx $charged)" \
	num_cmp "$charged" -ge $((7 * MIB))

echo "$pci" > "$drv/unbind"
ktap_test_result "$pci unbound from $(basename "$drv") while mapped" \
	test ! -e "$dev/driver"

rm -f "$held"
wait $RX_PID
ktap_print_msg "receiver: $(cat "$out")"
ktap_test_result "unbound while mapped: receiver verified every byte" \
	test "$(json_get "$out" bad)" = 0 -a "$(json_get "$out" bytes)" = $bytes

charged=$(zc_charged)
ktap_test_result "after unmap: zerocopy_rx 0 ($charged)" num_cmp "$charged" -eq 0
now=$(cg_nonfile "$RX_CG")
ktap_test_result "after unmap: memory.current less page cache back within 1 MiB ($base -> $now)" \
	num_cmp "$now" -le "$(sum "$base" $MIB)"

# The unregistered device's pools move to the netns's loopback, then go
# with their last page (the deferred-release work runs every second).
left=0
for _ in $(seq 50); do
	left=0
	list="$("$PPNL" page-pools) $(ip netns exec ppb "$PPNL" page-pools)"
	for id in $pools; do
		echo "$list" | grep -q "^id $id " && left=$((left + 1))
	done
	[ $left -eq 0 ] && break
	sleep 0.2
done
ktap_test_result "after unmap: the ${pools:+$(echo $pools | wc -w) }pools are gone from netlink ($left left)" \
	test -n "$pools" -a $left -eq 0
ktap_finished

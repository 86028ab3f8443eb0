#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the kit's shell kselftests (sourced).
# KTAP output comes from the kernel tree's own ktap_helpers.sh.

: "${PPKIT_KIT:?run through tests/kselftest/run}"
: "${PPKIT_TREE:=$PPKIT_KIT/build/linux}"
# shellcheck source=/dev/null
source "$PPKIT_TREE/tools/testing/selftests/kselftest/ktap_helpers.sh"

PPZC=$PPKIT_KIT/build/tools/ppzc
NSIM_BUS=/sys/bus/netdevsim

# nsim_pair: two linked netdevsim ports, NSIM_A in netns ppa (10.99.0.1)
# and NSIM_B in netns ppb (10.99.0.2), both up with MTU $1 (default 1500).
nsim_pair()
{
	local mtu=${1:-1500} fa fb ia ib

	NSIM_ID_A=$((1000 + RANDOM % 1000))
	NSIM_ID_B=$((NSIM_ID_A + 1000))
	echo "$NSIM_ID_A 1" > $NSIM_BUS/new_device || return 1
	echo "$NSIM_ID_B 1" > $NSIM_BUS/new_device || return 1
	NSIM_A=$(ls $NSIM_BUS/devices/netdevsim$NSIM_ID_A/net/)
	NSIM_B=$(ls $NSIM_BUS/devices/netdevsim$NSIM_ID_B/net/)
	ip netns add ppa && ip netns add ppb || return 1
	ip link set "$NSIM_A" netns ppa && ip link set "$NSIM_B" netns ppb || return 1
	exec {fa}</run/netns/ppa {fb}</run/netns/ppb
	ia=$(ip netns exec ppa cat /sys/class/net/"$NSIM_A"/ifindex)
	ib=$(ip netns exec ppb cat /sys/class/net/"$NSIM_B"/ifindex)
	echo "$fa:$ia $fb:$ib" > $NSIM_BUS/link_device || return 1
	exec {fa}<&- {fb}<&-
	ip -n ppa addr add 10.99.0.1/24 dev "$NSIM_A" &&
	ip -n ppb addr add 10.99.0.2/24 dev "$NSIM_B" &&
	ip -n ppa link set "$NSIM_A" mtu "$mtu" up &&
	ip -n ppb link set "$NSIM_B" mtu "$mtu" up &&
	ip -n ppa link set lo up && ip -n ppb link set lo up
}

nsim_pair_del()
{
	ip netns del ppa 2>/dev/null
	ip netns del ppb 2>/dev/null
	echo "$NSIM_ID_A" > $NSIM_BUS/del_device 2>/dev/null
	echo "$NSIM_ID_B" > $NSIM_BUS/del_device 2>/dev/null
	return 0
}

# json_get FILE KEY: one integer field of ppzc's JSON line.
json_get()
{
	sed -n "s/.*\"$2\": \(-\{0,1\}[0-9]*\).*/\1/p" "$1"
}

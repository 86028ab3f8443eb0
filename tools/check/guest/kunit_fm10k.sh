#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run the fm10k_zc KUnit suite (drivers/net/ethernet/intel/fm10k/
# fm10k_zc_test.c): a module that calls into fm10k, also a module, loaded
# first (no device is needed).
source "$(dirname "$0")/lib.sh"
: "${PPKIT_KIT:?run through tools/check/guest/kunit-modules}"

dir=$PPKIT_KIT/build/obj-${PPKIT_VARIANT:-debug}/drivers/net/ethernet/intel/fm10k
kunit_driver_module fm10k_zc "$dir/fm10k.ko" "$dir/fm10k_zc_test.ko"

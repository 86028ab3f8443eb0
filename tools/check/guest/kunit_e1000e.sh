#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run the e1000e_zc KUnit suite (drivers/net/ethernet/intel/e1000e/
# e1000e_zc_test.c): a module that calls into e1000e, which is built in
# (no device is needed).
source "$(dirname "$0")/lib.sh"

dir=$PPKIT_KIT/build/obj-${PPKIT_VARIANT:-debug}/drivers/net/ethernet/intel/e1000e
kunit_module e1000e_zc "$dir/e1000e_zc_test.ko"

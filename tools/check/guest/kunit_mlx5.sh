#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run the mlx5e_zc_memcg KUnit suite (drivers/net/ethernet/mellanox/mlx5/
# core/en/zc_memcg_test.c): a module that calls into mlx5_core, also a
# module, loaded first (no device is needed).
source "$(dirname "$0")/lib.sh"
: "${PPKIT_KIT:?run through tools/check/guest/kunit-modules}"

dir=$PPKIT_KIT/build/obj-${PPKIT_VARIANT:-debug}/drivers/net/ethernet/mellanox/mlx5/core
kunit_driver_module mlx5e_zc_memcg "$dir/mlx5_core.ko" "$dir/mlx5e_zc_memcg_test.ko"

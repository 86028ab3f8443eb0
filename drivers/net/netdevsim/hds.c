// SPDX-License-Identifier: GPL-2.0
/*
 * The header/data split engine, which a real NIC runs in its firmware:
 * the kit keeps it in firmware/ so host tests and the fuzzer build the same
 * source.
 */
#include "../../../firmware/hds.c"

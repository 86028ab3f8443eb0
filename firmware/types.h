/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's fixed-width type names for the device-side sources in
 * firmware/, which build into the kernel, host tests and a fuzzer alike.
 */
#ifndef _PPKIT_FIRMWARE_TYPES_H
#define _PPKIT_FIRMWARE_TYPES_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stddef.h>
#include <stdint.h>
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
#endif

#endif /* _PPKIT_FIRMWARE_TYPES_H */

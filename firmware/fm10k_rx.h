/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A model of what the FM10000 writes when it receives a frame: which bytes
 * go to the header buffer and to each packet buffer, and the write-back of
 * each descriptor. It follows the fields of the FM10000 base code (Intel's
 * BSD-licensed fm10k_type.h, as DPDK carries it): SRRCTL's header split
 * with its header kinds, w.hdr_info's SPH and header length, the HBO
 * status bit, buffer chaining with EOP on the last descriptor. Where the
 * base code is silent (a frame not split, or whose headers overflow the
 * header buffer), the model writes the whole frame into the packet
 * buffers, as the 82599 family does.
 *
 * Plain C without kernel or libc dependencies: KUnit runs the fm10k
 * driver's receive code against it (fm10k_zc_test.c).
 */
#ifndef _PPKIT_FIRMWARE_FM10K_RX_H
#define _PPKIT_FIRMWARE_FM10K_RX_H

#include "types.h"

/* Write-back bits, as the base code defines them. */
#define FM10K_RX_MODEL_DD		0x0001	/* staterr: descriptor done */
#define FM10K_RX_MODEL_EOP		0x0002	/* staterr: end of packet */
#define FM10K_RX_MODEL_HBO		0x0400	/* staterr: header overrun */
#define FM10K_RX_MODEL_SPH		0x8000	/* hdr_info: split header */
#define FM10K_RX_MODEL_HDR_LEN_SHIFT	5	/* hdr_info: header bytes */

/**
 * struct fm10k_rx_model_cfg - how the driver programmed the queue
 * @pkt_buf_len: SRRCTL.BSIZEPKT in bytes
 * @hdr_buf_len: SRRCTL.BSIZEHDR in bytes with DESCTYPE header split (and
 *	the L2, IPv4, IPv6, TCP and UDP header kinds); 0 without header split
 */
struct fm10k_rx_model_cfg {
	u32 pkt_buf_len;
	u32 hdr_buf_len;
};

/**
 * struct fm10k_rx_model_wb - the write-back of one descriptor
 * @hdr_info: w.hdr_info
 * @staterr: d.staterr (w.status in its low half)
 * @length: w.length, bytes in this descriptor's packet buffer
 */
struct fm10k_rx_model_wb {
	u16 hdr_info;
	u32 staterr;
	u16 length;
};

unsigned int fm10k_rx_model_hdr_len(const u8 *frame, size_t len);
unsigned int fm10k_rx_model_place(const struct fm10k_rx_model_cfg *cfg,
				  const u8 *frame, size_t len, u8 *hdr_buf,
				  u8 *const *bufs, unsigned int nbufs,
				  struct fm10k_rx_model_wb *wb);

#endif /* _PPKIT_FIRMWARE_FM10K_RX_H */

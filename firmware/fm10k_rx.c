// SPDX-License-Identifier: GPL-2.0
/*
 * The FM10000 receive model: see fm10k_rx.h.
 */
#include "fm10k_rx.h"

#define ETH_HLEN_	14
#define VLAN_HLEN_	4

static u16 get_be16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static void copy(u8 *dst, const u8 *src, size_t n)
{
	while (n--)
		*dst++ = *src++;
}

/**
 * fm10k_rx_model_hdr_len() - where the device ends the headers of a frame
 * @frame: the frame, from the destination MAC
 * @len: its length
 *
 * The header kinds header split is programmed for: Ethernet (one VLAN tag
 * at most), IPv4 with options or IPv6 without extension headers, then TCP
 * with options or UDP. A fragment, another protocol or a frame that ends
 * inside its headers is not split.
 *
 * Return: the bytes of headers, 0 for a frame the device does not split.
 */
unsigned int fm10k_rx_model_hdr_len(const u8 *frame, size_t len)
{
	unsigned int off = ETH_HLEN_, l4;
	u16 proto;
	u8 next;

	if (len < ETH_HLEN_)
		return 0;
	proto = get_be16(frame + 12);
	if (proto == 0x8100) {
		if (len < ETH_HLEN_ + VLAN_HLEN_)
			return 0;
		proto = get_be16(frame + 16);
		off += VLAN_HLEN_;
	}
	if (proto == 0x0800) {
		if (len < off + 20 || (frame[off] >> 4) != 4 ||
		    (frame[off] & 0xf) < 5)
			return 0;
		/* MF or a fragment offset */
		if (get_be16(frame + off + 6) & 0x3fff)
			return 0;
		next = frame[off + 9];
		l4 = off + (frame[off] & 0xf) * 4;
	} else if (proto == 0x86dd) {
		if (len < off + 40 || (frame[off] >> 4) != 6)
			return 0;
		next = frame[off + 6];
		l4 = off + 40;
	} else {
		return 0;
	}
	if (next == 6) {
		if (len < l4 + 20 || (frame[l4 + 12] >> 4) < 5)
			return 0;
		off = l4 + (frame[l4 + 12] >> 4) * 4;
	} else if (next == 17) {
		off = l4 + 8;
	} else {
		return 0;
	}
	return off <= len ? off : 0;
}

/**
 * fm10k_rx_model_place() - receive one frame into a queue's buffers
 * @cfg: the queue's programming
 * @frame: the frame
 * @len: its length
 * @hdr_buf: the first descriptor's header buffer (@cfg->hdr_buf_len)
 * @bufs: the packet buffers of the descriptors, in ring order
 * @nbufs: how many descriptors the ring has ready
 * @wb: their write-backs, filled in
 *
 * With header split, the headers of a frame of a known kind go to the
 * header buffer (SPH, their length in hdr_info) and the rest to the packet
 * buffers from their start; headers longer than the header buffer set HBO
 * and the frame is placed whole. Without it, the whole frame goes to the
 * packet buffers. A frame longer than one packet buffer is chained over
 * the next descriptors; the last has EOP.
 *
 * Return: the descriptors used, or 0 when @nbufs are not enough (nothing
 * is written then).
 */
unsigned int fm10k_rx_model_place(const struct fm10k_rx_model_cfg *cfg,
				  const u8 *frame, size_t len, u8 *hdr_buf,
				  u8 *const *bufs, unsigned int nbufs,
				  struct fm10k_rx_model_wb *wb)
{
	unsigned int hlen = 0, n, i;
	u32 first_status = 0;
	size_t rest;

	if (!cfg->pkt_buf_len)
		return 0;
	if (cfg->hdr_buf_len) {
		hlen = fm10k_rx_model_hdr_len(frame, len);
		if (hlen > cfg->hdr_buf_len) {
			hlen = 0;
			first_status = FM10K_RX_MODEL_HBO;
		}
	}
	rest = len - hlen;
	n = rest ? (unsigned int)((rest + cfg->pkt_buf_len - 1) /
				  cfg->pkt_buf_len) : 1;
	if (n > nbufs)
		return 0;

	if (hlen)
		copy(hdr_buf, frame, hlen);
	frame += hlen;
	for (i = 0; i < n; i++) {
		size_t chunk = rest < cfg->pkt_buf_len ? rest : cfg->pkt_buf_len;

		copy(bufs[i], frame, chunk);
		frame += chunk;
		rest -= chunk;
		wb[i].hdr_info = 0;
		wb[i].length = (u16)chunk;
		wb[i].staterr = FM10K_RX_MODEL_DD |
				(i == n - 1 ? FM10K_RX_MODEL_EOP : 0);
	}
	wb[0].staterr |= first_status;
	if (hlen)
		wb[0].hdr_info = (u16)(FM10K_RX_MODEL_SPH |
				       hlen << FM10K_RX_MODEL_HDR_LEN_SHIFT);
	return n;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Header/data split engine: the device-side logic that decides where the
 * protocol headers of a received Ethernet frame end and where each block of
 * TCP payload goes. Plain C without kernel or libc dependencies, so that the
 * same source builds into netdevsim, host unit tests and a fuzzer.
 */
#ifndef _PPKIT_FIRMWARE_HDS_H
#define _PPKIT_FIRMWARE_HDS_H

#include "types.h"

#define HDS_MAX_CHUNKS 32

/**
 * enum hds_verdict - what hds_parse() decided about a frame
 * @HDS_SPLIT: headers end at &hds_result.hdr_len, TCP payload follows
 * @HDS_NO_SPLIT_L2: unknown ethertype, or more than two VLAN tags
 * @HDS_NO_SPLIT_L3: not IPv4/IPv6, bad version or IHL, an IPv6 extension
 *	header that is not understood, ESP, no next header, too many
 *	extension headers
 * @HDS_NO_SPLIT_FRAGMENT: IPv4 MF or fragment offset set, IPv6 fragment
 *	header
 * @HDS_NO_SPLIT_NOT_TCP: the L4 protocol is not TCP
 * @HDS_NO_SPLIT_TRUNCATED: the frame ends inside the headers
 * @HDS_NO_SPLIT_BAD_LENGTH: the IP total/payload length does not fit the
 *	frame or the header lengths, IPv6 jumbogram, TCP data offset < 5
 * @HDS_NO_SPLIT_NO_PAYLOAD: a valid TCP segment without payload
 * @HDS_NR_VERDICTS: number of verdicts
 */
enum hds_verdict {
	HDS_SPLIT = 0,
	HDS_NO_SPLIT_L2,
	HDS_NO_SPLIT_L3,
	HDS_NO_SPLIT_FRAGMENT,
	HDS_NO_SPLIT_NOT_TCP,
	HDS_NO_SPLIT_TRUNCATED,
	HDS_NO_SPLIT_BAD_LENGTH,
	HDS_NO_SPLIT_NO_PAYLOAD,
	HDS_NR_VERDICTS,
};

/**
 * struct hds_chunk - one block of payload, placed at offset 0 of a buffer
 * @off: offset of the block's first byte in the frame
 * @len: number of bytes in the block
 */
struct hds_chunk {
	u32 off;
	u32 len;
};

/**
 * struct hds_result - where the headers of a split frame are
 * @l3_off: offset of the IP header
 * @l4_off: offset of the TCP header
 * @hdr_len: bytes of headers: L2, L3 with options or extension headers,
 *	TCP with options; the payload starts here
 * @payload_len: TCP payload bytes according to the IP length fields;
 *	Ethernet padding after them is excluded
 */
struct hds_result {
	u16 l3_off;
	u16 l4_off;
	u16 hdr_len;
	u32 payload_len;
};

enum hds_verdict hds_parse(const u8 *frame, size_t len,
			   struct hds_result *res);
unsigned int hds_layout(const struct hds_result *res, u32 buf_size,
			struct hds_chunk *chunks, unsigned int max);
const char *hds_verdict_name(enum hds_verdict v);

#endif /* _PPKIT_FIRMWARE_HDS_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * Header/data split engine. See hds.h.
 *
 * Every field is read byte by byte after checking that it lies inside the
 * frame: the input is whatever arrived on the wire, and the same code runs
 * in the kernel and under a fuzzer.
 */
#include "hds.h"

#define HDS_ETH_HLEN		14
#define HDS_VLAN_HLEN		4
#define HDS_MAX_VLANS		2
#define HDS_IPV4_HLEN		20
#define HDS_IPV6_HLEN		40
#define HDS_TCP_HLEN		20
/* Bounds the work spent on a chain of IPv6 extension headers. */
#define HDS_MAX_EXTHDRS		8

#define HDS_ETH_P_IPV4		0x0800
#define HDS_ETH_P_IPV6		0x86dd
#define HDS_ETH_P_8021Q		0x8100
#define HDS_ETH_P_8021AD	0x88a8

#define HDS_PROTO_HOPOPTS	0
#define HDS_PROTO_TCP		6
#define HDS_PROTO_ROUTING	43
#define HDS_PROTO_FRAGMENT	44
#define HDS_PROTO_ESP		50
#define HDS_PROTO_AH		51
#define HDS_PROTO_NONE		59
#define HDS_PROTO_DSTOPTS	60
#define HDS_PROTO_MOBILITY	135
#define HDS_PROTO_HIP		139
#define HDS_PROTO_SHIM6		140
#define HDS_PROTO_EXP1		253
#define HDS_PROTO_EXP2		254

static u16 hds_get_be16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

/* Does [off, off + need) lie inside a frame of len bytes? */
static int hds_has(size_t len, size_t off, size_t need)
{
	return off <= len && need <= len - off;
}

/*
 * Common tail of IPv4 and IPv6: the TCP header at l4, the IP datagram
 * ending at ip_end (which may lie beyond the frame).
 */
static enum hds_verdict hds_tcp(const u8 *frame, size_t len, size_t l3,
				size_t l4, size_t ip_end,
				struct hds_result *res)
{
	size_t doff, hdr_len;

	if (!hds_has(len, l4, HDS_TCP_HLEN))
		return HDS_NO_SPLIT_TRUNCATED;
	doff = (size_t)(frame[l4 + 12] >> 4) * 4;
	if (doff < HDS_TCP_HLEN)
		return HDS_NO_SPLIT_BAD_LENGTH;
	if (!hds_has(len, l4, doff))
		return HDS_NO_SPLIT_TRUNCATED;
	hdr_len = l4 + doff;
	/*
	 * Headers are complete in the frame; now the IP length must cover
	 * them and the frame must hold the whole datagram (anything after
	 * it is Ethernet padding).
	 */
	if (ip_end < hdr_len || ip_end > len)
		return HDS_NO_SPLIT_BAD_LENGTH;
	/* Unreachable with the limits on each header; keeps the casts safe. */
	if (hdr_len > 0xffff)
		return HDS_NO_SPLIT_BAD_LENGTH;
	if (ip_end == hdr_len)
		return HDS_NO_SPLIT_NO_PAYLOAD;
	if (res) {
		res->l3_off = (u16)l3;
		res->l4_off = (u16)l4;
		res->hdr_len = (u16)hdr_len;
		res->payload_len = (u32)(ip_end - hdr_len);
	}
	return HDS_SPLIT;
}

static enum hds_verdict hds_ipv4(const u8 *frame, size_t len, size_t l3,
				 struct hds_result *res)
{
	size_t ihl, tot_len;
	u8 proto;

	if (!hds_has(len, l3, HDS_IPV4_HLEN))
		return HDS_NO_SPLIT_TRUNCATED;
	if (frame[l3] >> 4 != 4)
		return HDS_NO_SPLIT_L3;
	ihl = (size_t)(frame[l3] & 0x0f) * 4;
	if (ihl < HDS_IPV4_HLEN)
		return HDS_NO_SPLIT_L3;
	if (!hds_has(len, l3, ihl))
		return HDS_NO_SPLIT_TRUNCATED;
	tot_len = hds_get_be16(frame + l3 + 2);
	if (tot_len < ihl)
		return HDS_NO_SPLIT_BAD_LENGTH;
	/* MF flag or a non-zero offset: only the first bytes are here. */
	if (hds_get_be16(frame + l3 + 6) & 0x3fff)
		return HDS_NO_SPLIT_FRAGMENT;
	proto = frame[l3 + 9];
	/* IPsec: the TCP header is encrypted (ESP) or not looked for (AH). */
	if (proto == HDS_PROTO_ESP || proto == HDS_PROTO_AH)
		return HDS_NO_SPLIT_L3;
	if (proto != HDS_PROTO_TCP)
		return HDS_NO_SPLIT_NOT_TCP;
	return hds_tcp(frame, len, l3, l3 + ihl, l3 + tot_len, res);
}

static enum hds_verdict hds_ipv6(const u8 *frame, size_t len, size_t l3,
				 struct hds_result *res)
{
	size_t off, plen, hlen;
	unsigned int n;
	u8 nexthdr;

	if (!hds_has(len, l3, HDS_IPV6_HLEN))
		return HDS_NO_SPLIT_TRUNCATED;
	if (frame[l3] >> 4 != 6)
		return HDS_NO_SPLIT_L3;
	plen = hds_get_be16(frame + l3 + 4);
	/* Zero means a jumbogram whose length is in a hop-by-hop option. */
	if (!plen)
		return HDS_NO_SPLIT_BAD_LENGTH;
	nexthdr = frame[l3 + 6];
	off = l3 + HDS_IPV6_HLEN;

	for (n = 0; ; n++) {
		/* RFC 8200: hop-by-hop only right after the IPv6 header. */
		if (nexthdr == HDS_PROTO_HOPOPTS && n)
			return HDS_NO_SPLIT_L3;
		switch (nexthdr) {
		case HDS_PROTO_TCP:
			return hds_tcp(frame, len, l3, off,
				       l3 + HDS_IPV6_HLEN + plen, res);
		case HDS_PROTO_HOPOPTS:
		case HDS_PROTO_ROUTING:
		case HDS_PROTO_DSTOPTS:
		case HDS_PROTO_AH:
			break;
		case HDS_PROTO_FRAGMENT:
			return HDS_NO_SPLIT_FRAGMENT;
		case HDS_PROTO_ESP:
		case HDS_PROTO_NONE:
		case HDS_PROTO_MOBILITY:
		case HDS_PROTO_HIP:
		case HDS_PROTO_SHIM6:
		case HDS_PROTO_EXP1:
		case HDS_PROTO_EXP2:
			/* Extension headers this engine does not walk. */
			return HDS_NO_SPLIT_L3;
		default:
			return HDS_NO_SPLIT_NOT_TCP;
		}
		if (n == HDS_MAX_EXTHDRS)
			return HDS_NO_SPLIT_L3;
		if (!hds_has(len, off, 2))
			return HDS_NO_SPLIT_TRUNCATED;
		if (nexthdr == HDS_PROTO_AH)
			hlen = ((size_t)frame[off + 1] + 2) * 4;
		else
			hlen = ((size_t)frame[off + 1] + 1) * 8;
		if (!hds_has(len, off, hlen))
			return HDS_NO_SPLIT_TRUNCATED;
		nexthdr = frame[off];
		off += hlen;
	}
}

/**
 * hds_parse() - find where the headers of an Ethernet frame end
 * @frame: the frame, starting with the destination MAC address
 * @len: bytes in @frame; nothing at or past @frame + @len is read
 * @res: filled in when the verdict is %HDS_SPLIT, untouched otherwise;
 *	may be NULL
 *
 * Understands Ethernet II with up to two VLAN tags (802.1Q, 802.1ad), IPv4
 * with options, IPv6 with hop-by-hop, routing, destination options and AH
 * extension headers, and TCP with options. The IPv4 header checksum is not
 * verified. IPsec over IPv4 (ESP, AH) is %HDS_NO_SPLIT_L3. After IPv6
 * extension headers, an IPv6 extension header type this engine does not
 * walk (ESP, mobility, HIP, shim6, experimental) or no next header is
 * %HDS_NO_SPLIT_L3; any other protocol is %HDS_NO_SPLIT_NOT_TCP.
 *
 * Return: %HDS_SPLIT if the frame is a TCP segment with payload whose
 * headers end at @res->hdr_len, otherwise the reason not to split it.
 */
enum hds_verdict hds_parse(const u8 *frame, size_t len,
			   struct hds_result *res)
{
	size_t off = HDS_ETH_HLEN - 2;
	unsigned int vlans = 0;
	u16 proto;

	if (!frame)
		len = 0;
	for (;;) {
		if (!hds_has(len, off, 2))
			return HDS_NO_SPLIT_TRUNCATED;
		proto = hds_get_be16(frame + off);
		off += 2;
		if (proto != HDS_ETH_P_8021Q && proto != HDS_ETH_P_8021AD)
			break;
		if (vlans++ == HDS_MAX_VLANS)
			return HDS_NO_SPLIT_L2;
		/* Skip the tag control information to the next type. */
		off += HDS_VLAN_HLEN - 2;
	}

	switch (proto) {
	case HDS_ETH_P_IPV4:
		return hds_ipv4(frame, len, off, res);
	case HDS_ETH_P_IPV6:
		return hds_ipv6(frame, len, off, res);
	default:
		return HDS_NO_SPLIT_L2;
	}
}

/**
 * hds_layout() - place the payload of a split frame into buffers
 * @res: the result of hds_parse() for a frame it split
 * @buf_size: size of each buffer; a power of two, at least 256
 * @chunks: filled with one entry per buffer used
 * @max: number of entries in @chunks
 *
 * Each chunk starts at offset 0 of its own buffer: chunk i holds payload
 * bytes [i * @buf_size, min((i + 1) * @buf_size, payload_len)), so every
 * chunk but the last fills its buffer.
 *
 * Return: the number of chunks, or 0 if there is no payload, it needs more
 * than @max chunks, or @res or @buf_size is invalid.
 */
unsigned int hds_layout(const struct hds_result *res, u32 buf_size,
			struct hds_chunk *chunks, unsigned int max)
{
	u32 n, i, left;

	if (!res || !chunks)
		return 0;
	if (buf_size < 256 || (buf_size & (buf_size - 1)))
		return 0;
	if (res->l3_off >= res->l4_off || res->l4_off >= res->hdr_len)
		return 0;
	/* Chunk offsets are u32: so must the end of the payload be. */
	if (res->payload_len > 0xffffffffU - res->hdr_len)
		return 0;

	n = res->payload_len / buf_size + !!(res->payload_len % buf_size);
	if (!n || n > max)
		return 0;
	left = res->payload_len;
	for (i = 0; i < n; i++) {
		chunks[i].off = res->hdr_len + i * buf_size;
		chunks[i].len = left < buf_size ? left : buf_size;
		left -= chunks[i].len;
	}
	return n;
}

/**
 * hds_verdict_name() - short name of a verdict, for counters and logs
 * @v: the verdict
 *
 * Return: a static string; "invalid" for a value out of range.
 */
const char *hds_verdict_name(enum hds_verdict v)
{
	static const char * const names[HDS_NR_VERDICTS] = {
		[HDS_SPLIT]			= "split",
		[HDS_NO_SPLIT_L2]		= "l2",
		[HDS_NO_SPLIT_L3]		= "l3",
		[HDS_NO_SPLIT_FRAGMENT]		= "fragment",
		[HDS_NO_SPLIT_NOT_TCP]		= "not-tcp",
		[HDS_NO_SPLIT_TRUNCATED]	= "truncated",
		[HDS_NO_SPLIT_BAD_LENGTH]	= "bad-length",
		[HDS_NO_SPLIT_NO_PAYLOAD]	= "no-payload",
	};

	if ((unsigned int)v >= HDS_NR_VERDICTS)
		return "invalid";
	return names[v];
}

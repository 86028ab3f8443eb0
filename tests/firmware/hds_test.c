// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the header/data split engine (firmware/hds.c); TAP.
 *
 *   hds_test                    run the tests
 *   hds_test --write-corpus DIR write the seed frames for the fuzzer
 *
 * Frames are built by the small builder below from a struct fspec. Every
 * frame is handed to hds_parse() in a heap buffer of exactly its length, so
 * that AddressSanitizer catches a read one byte past the end.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hds.h"

#define MAX_FRAME	16384
#define MAX_EXT		12
#define NONE		(-1)
#define TCP		6
#define UDP		17

/* What to build; zero fields mean "the usual". */
struct fspec {
	int ntags;		/* VLAN tags */
	u16 tags[3];		/* their TPIDs */
	u16 ethertype;		/* 0: from ipv */
	int ipv;		/* 4 or 6 */
	int version;		/* 0: ipv */
	int ihl;		/* IPv4 IHL in words; 0: from ip4_opts */
	int ip4_opts;		/* IPv4 option bytes, multiple of 4 */
	u16 frag;		/* IPv4 flags and fragment offset */
	int next;		/* IPv6 extension headers */
	u8 ext[MAX_EXT];	/* their types */
	u8 ext_len[MAX_EXT];	/* their length bytes */
	int proto;		/* L4 protocol; 0: TCP */
	int doff;		/* TCP data offset in words; 0: from tcp_opts */
	int tcp_opts;		/* TCP option bytes, multiple of 4 */
	int payload;		/* TCP payload bytes; 0: 100, NONE: 0 */
	int pad;		/* Ethernet padding after the IP datagram */
	int len_delta;		/* added to the IP length field */
	int jumbo;		/* IPv6 payload length 0 */
};

struct frame {
	u8 b[MAX_FRAME];
	size_t len;
	size_t l3, l4, hdr;	/* as hds_parse() should find them */
	size_t plen;		/* payload bytes */
};

static void put16(u8 *p, unsigned int v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static size_t ext_size(u8 type, u8 len)
{
	return type == 51 ? ((size_t)len + 2) * 4 : ((size_t)len + 1) * 8;
}

static void build(const struct fspec *s, struct frame *f)
{
	int proto = s->proto ? s->proto : TCP;
	int payload = !s->payload ? 100 : s->payload == NONE ? 0 : s->payload;
	u8 *b = f->b;
	size_t o = 0, ip_end, n;
	int i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < 12; i++)
		b[o++] = i < 6 ? 0x02 + i : 0x12 + i;
	for (i = 0; i < s->ntags; i++) {
		put16(b + o, s->tags[i]);
		put16(b + o + 2, 100 + i);
		o += 4;
	}
	put16(b + o, s->ethertype ? s->ethertype :
	      s->ipv == 6 ? 0x86dd : 0x0800);
	o += 2;
	f->l3 = o;

	if (s->ipv == 4) {
		n = 20 + s->ip4_opts;
		b[o] = (s->version ? s->version : 4) << 4 |
		       (s->ihl ? s->ihl : (int)(n / 4));
		put16(b + o + 4, 0x1234);
		put16(b + o + 6, s->frag);
		b[o + 8] = 64;
		b[o + 9] = proto;
		b[o + 12] = 10;
		b[o + 15] = 1;
		b[o + 16] = 10;
		b[o + 19] = 2;
		memset(b + o + 20, 1, s->ip4_opts);	/* NOP options */
		o += n;
	} else {
		b[o] = (s->version ? s->version : 6) << 4;
		b[o + 6] = s->next ? s->ext[0] : proto;
		b[o + 7] = 64;
		b[o + 8] = 0xfe;
		b[o + 9] = 0x80;
		b[o + 23] = 1;
		b[o + 24] = 0xfe;
		b[o + 25] = 0x80;
		b[o + 39] = 2;
		o += 40;
		for (i = 0; i < s->next; i++) {
			n = ext_size(s->ext[i], s->ext_len[i]);
			memset(b + o, 0, n);
			b[o] = i + 1 < s->next ? s->ext[i + 1] : proto;
			b[o + 1] = s->ext_len[i];
			o += n;
		}
	}
	f->l4 = o;

	if (proto == TCP) {
		n = 20 + s->tcp_opts;
		put16(b + o, 40000);
		put16(b + o + 2, 5001);
		b[o + 7] = 1;
		b[o + 11] = 1;
		b[o + 12] = (s->doff ? s->doff : (int)(n / 4)) << 4;
		b[o + 13] = 0x18;		/* ACK, PSH */
		put16(b + o + 14, 512);
		memset(b + o + 20, 1, s->tcp_opts);
	} else {
		n = 8;				/* a UDP-sized header */
		put16(b + o, 40000);
		put16(b + o + 2, 5001);
		put16(b + o + 4, 8 + payload);
	}
	o += n;
	f->hdr = o;
	for (i = 0; i < payload; i++)
		b[o++] = i * 7 + 3;
	f->plen = payload;
	ip_end = o;
	if (s->ipv == 4)
		put16(f->b + f->l3 + 2, ip_end - f->l3 + s->len_delta);
	else if (!s->jumbo)
		put16(f->b + f->l3 + 4, ip_end - f->l3 - 40 + s->len_delta);
	memset(b + o, 0, s->pad);
	o += s->pad;
	f->len = o;
}

/* Parse len bytes of f from a heap buffer of exactly that size. */
static enum hds_verdict parse_exact(const struct frame *f, size_t len,
				    struct hds_result *res)
{
	enum hds_verdict v;
	u8 *p = malloc(len);

	if (p)
		memcpy(p, f->b, len);
	else if (len)
		abort();
	v = hds_parse(p, len, res);
	free(p);
	return v;
}

/* One TAP result per test; a test reports every failed check as "# ...". */
static int failed;

static void fail(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	failed = 1;
}

#define CHECK(cond, ...) do { if (!(cond)) fail(__VA_ARGS__); } while (0)

static void check_verdict(const char *what, enum hds_verdict got,
			  enum hds_verdict want)
{
	CHECK(got == want, "%s: got %s, want %s", what, hds_verdict_name(got),
	      hds_verdict_name(want));
}

/* The frame table: name, how to build it, the verdict expected. */
struct fcase {
	const char *name;
	struct fspec s;
	enum hds_verdict want;
};

#define V4(...)		{ .ipv = 4, __VA_ARGS__ }
#define V6(...)		{ .ipv = 6, __VA_ARGS__ }
#define EXT(...)	.ext = { __VA_ARGS__ }, \
			.next = sizeof((u8[]){ __VA_ARGS__ })
#define EXT_LEN(...)	.ext_len = { __VA_ARGS__ }

static const struct fcase cases[] = {
	{ "ipv4", V4(), HDS_SPLIT },
	{ "ipv4:one-byte-payload", V4(.payload = 1), HDS_SPLIT },
	{ "ipv4:options", V4(.ip4_opts = 12), HDS_SPLIT },
	{ "ipv4:max-options", V4(.ip4_opts = 40, .tcp_opts = 40), HDS_SPLIT },
	{ "ipv4:tcp-timestamps", V4(.tcp_opts = 12), HDS_SPLIT },
	{ "ipv4:df", V4(.frag = 0x4000), HDS_SPLIT },
	{ "ipv4:padding", V4(.payload = 2, .pad = 4), HDS_SPLIT },
	{ "ipv4:ip-shorter-than-frame", V4(.len_delta = -10), HDS_SPLIT },
	{ "ipv4:large", V4(.payload = 4000), HDS_SPLIT },
	{ "vlan:8021q", V4(.ntags = 1, .tags = { 0x8100 }), HDS_SPLIT },
	{ "vlan:8021ad", V4(.ntags = 1, .tags = { 0x88a8 }), HDS_SPLIT },
	{ "vlan:qinq", V4(.ntags = 2, .tags = { 0x88a8, 0x8100 },
			  .ip4_opts = 8), HDS_SPLIT },
	{ "vlan:double-8021q", V6(.ntags = 2, .tags = { 0x8100, 0x8100 }),
	  HDS_SPLIT },
	{ "vlan:three-tags", V4(.ntags = 3,
				.tags = { 0x88a8, 0x8100, 0x8100 }),
	  HDS_NO_SPLIT_L2 },
	{ "l2:arp", V4(.ethertype = 0x0806), HDS_NO_SPLIT_L2 },
	{ "l2:vlan-arp", V4(.ntags = 1, .tags = { 0x8100 },
			    .ethertype = 0x0806), HDS_NO_SPLIT_L2 },
	{ "l3:ipv4-version-6", V4(.version = 6), HDS_NO_SPLIT_L3 },
	{ "l3:ipv6-version-4", V6(.version = 4), HDS_NO_SPLIT_L3 },
	{ "l3:ihl-4", V4(.ihl = 4), HDS_NO_SPLIT_L3 },
	{ "l3:ihl-1", V4(.ihl = 1), HDS_NO_SPLIT_L3 },
	{ "l3:ipv4-esp", V4(.proto = 50), HDS_NO_SPLIT_L3 },
	{ "l3:ipv4-ah", V4(.proto = 51), HDS_NO_SPLIT_L3 },
	{ "fragment:ipv4-mf", V4(.frag = 0x2000), HDS_NO_SPLIT_FRAGMENT },
	{ "fragment:ipv4-offset", V4(.frag = 0x0001),
	  HDS_NO_SPLIT_FRAGMENT },
	{ "fragment:ipv4-df-offset", V4(.frag = 0x4100),
	  HDS_NO_SPLIT_FRAGMENT },
	{ "not-tcp:ipv4-udp", V4(.proto = UDP), HDS_NO_SPLIT_NOT_TCP },
	{ "not-tcp:ipv4-icmp", V4(.proto = 1), HDS_NO_SPLIT_NOT_TCP },
	{ "bad-length:ipv4-total-past-frame", V4(.len_delta = 1),
	  HDS_NO_SPLIT_BAD_LENGTH },
	{ "bad-length:ipv4-total-in-tcp-header",
	  V4(.len_delta = -110), HDS_NO_SPLIT_BAD_LENGTH },
	{ "bad-length:ipv4-total-below-ihl", V4(.len_delta = -121),
	  HDS_NO_SPLIT_BAD_LENGTH },
	{ "bad-length:tcp-doff-4", V4(.doff = 4), HDS_NO_SPLIT_BAD_LENGTH },
	{ "bad-length:tcp-doff-1", V6(.doff = 1),
	  HDS_NO_SPLIT_BAD_LENGTH },
	{ "no-payload:ipv4", V4(.payload = NONE), HDS_NO_SPLIT_NO_PAYLOAD },
	{ "no-payload:ipv4-min-frame", V4(.payload = NONE, .pad = 6),
	  HDS_NO_SPLIT_NO_PAYLOAD },
	{ "no-payload:ipv4-padding-not-payload",
	  V4(.payload = NONE, .pad = 200), HDS_NO_SPLIT_NO_PAYLOAD },

	{ "ipv6", V6(), HDS_SPLIT },
	{ "ipv6:tcp-options", V6(.tcp_opts = 40), HDS_SPLIT },
	{ "ipv6:padding", V6(.payload = 3, .pad = 9), HDS_SPLIT },
	{ "ipv6:hop-by-hop", V6(EXT(0)), HDS_SPLIT },
	{ "ipv6:routing", V6(EXT(43), EXT_LEN(2)), HDS_SPLIT },
	{ "ipv6:dstopts", V6(EXT(60), EXT_LEN(1)), HDS_SPLIT },
	{ "ipv6:ah", V6(EXT(51), EXT_LEN(4)), HDS_SPLIT },
	{ "ipv6:ah-min", V6(EXT(51)), HDS_SPLIT },
	{ "ipv6:big-ext", V6(EXT(60), EXT_LEN(255)), HDS_SPLIT },
	{ "ipv6:all-ext", V6(EXT(0, 60, 43, 51, 60), EXT_LEN(0, 1, 2, 3, 0)),
	  HDS_SPLIT },
	{ "ipv6:eight-ext", V6(EXT(0, 60, 43, 60, 43, 51, 51, 60)),
	  HDS_SPLIT },
	{ "l3:ipv6-nine-ext", V6(EXT(0, 60, 43, 60, 43, 51, 51, 60, 60)),
	  HDS_NO_SPLIT_L3 },
	{ "l3:ipv6-hop-by-hop-not-first", V6(EXT(60, 0)), HDS_NO_SPLIT_L3 },
	{ "l3:ipv6-esp", V6(.proto = 50), HDS_NO_SPLIT_L3 },
	{ "l3:ipv6-esp-after-ext", V6(.proto = 50, EXT(0, 60)),
	  HDS_NO_SPLIT_L3 },
	{ "l3:ipv6-no-next", V6(.proto = 59), HDS_NO_SPLIT_L3 },
	{ "l3:ipv6-mobility", V6(.proto = 135), HDS_NO_SPLIT_L3 },
	{ "l3:ipv6-experimental", V6(EXT(253)), HDS_NO_SPLIT_L3 },
	{ "fragment:ipv6", V6(EXT(44)), HDS_NO_SPLIT_FRAGMENT },
	{ "fragment:ipv6-after-dstopts", V6(EXT(60, 44)),
	  HDS_NO_SPLIT_FRAGMENT },
	{ "not-tcp:ipv6-udp", V6(.proto = UDP), HDS_NO_SPLIT_NOT_TCP },
	{ "not-tcp:ipv6-icmp6-after-hbh", V6(.proto = 58, EXT(0)),
	  HDS_NO_SPLIT_NOT_TCP },
	{ "bad-length:ipv6-jumbogram", V6(.jumbo = 1),
	  HDS_NO_SPLIT_BAD_LENGTH },
	{ "bad-length:ipv6-payload-past-frame", V6(.len_delta = 1),
	  HDS_NO_SPLIT_BAD_LENGTH },
	{ "bad-length:ipv6-payload-in-ext", V6(EXT(60), EXT_LEN(3),
					      .len_delta = -140),
	  HDS_NO_SPLIT_BAD_LENGTH },
	{ "bad-length:ipv6-payload-in-tcp-header", V6(.len_delta = -101),
	  HDS_NO_SPLIT_BAD_LENGTH },
	{ "no-payload:ipv6", V6(.payload = NONE), HDS_NO_SPLIT_NO_PAYLOAD },
	{ "no-payload:ipv6-ext-padding", V6(.payload = NONE, EXT(0), .pad = 7),
	  HDS_NO_SPLIT_NO_PAYLOAD },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The frames written to the fuzzer's seed corpus. */
static const char * const seeds[] = {
	"ipv4",
	"ipv4:max-options",
	"ipv4:padding",
	"vlan:qinq",
	"not-tcp:ipv4-udp",
	"no-payload:ipv4-padding-not-payload",
	"ipv6",
	"ipv6:all-ext",
	"fragment:ipv6",
};

static struct frame fr;

/*
 * The frame parses to the verdict expected; a split finds the builder's
 * offsets.
 */
static void test_case(const struct fcase *c)
{
	struct hds_result res;
	enum hds_verdict v;

	build(&c->s, &fr);
	memset(&res, 0xa5, sizeof(res));
	v = parse_exact(&fr, fr.len, &res);
	check_verdict("verdict", v, c->want);
	if (v != HDS_SPLIT) {
		CHECK(res.l3_off == 0xa5a5 && res.payload_len == 0xa5a5a5a5,
		      "result written on a no-split verdict");
		return;
	}
	CHECK(res.l3_off == fr.l3, "l3_off %u, want %zu", res.l3_off, fr.l3);
	CHECK(res.l4_off == fr.l4, "l4_off %u, want %zu", res.l4_off, fr.l4);
	CHECK(res.hdr_len == fr.hdr, "hdr_len %u, want %zu", res.hdr_len,
	      fr.hdr);
	CHECK(res.payload_len == fr.plen + c->s.len_delta,
	      "payload_len %u, want %zu", res.payload_len,
	      fr.plen + c->s.len_delta);
	/* A NULL result is allowed. */
	check_verdict("NULL res", parse_exact(&fr, fr.len, NULL), HDS_SPLIT);
}

/*
 * Every prefix of the frame: ending inside the headers is TRUNCATED,
 * inside the payload BAD_LENGTH (the IP length then exceeds the frame).
 * A prefix of a frame that is not split is never split.
 */
static void test_prefixes(const struct fcase *c)
{
	size_t n, ip_end;
	enum hds_verdict v;
	char what[64];

	build(&c->s, &fr);
	ip_end = fr.hdr + fr.plen + c->s.len_delta;
	for (n = 0; n < fr.len; n++) {
		v = parse_exact(&fr, n, NULL);
		snprintf(what, sizeof(what), "prefix of %zu bytes", n);
		if (c->want != HDS_SPLIT)
			CHECK(v != HDS_SPLIT, "%s: split", what);
		else if (n < fr.hdr)
			check_verdict(what, v, HDS_NO_SPLIT_TRUNCATED);
		else if (n < ip_end)
			check_verdict(what, v, HDS_NO_SPLIT_BAD_LENGTH);
		else
			check_verdict(what, v, HDS_SPLIT);
	}
}

static void test_null_frame(void)
{
	struct hds_result res;

	check_verdict("NULL, 0", hds_parse(NULL, 0, &res),
		      HDS_NO_SPLIT_TRUNCATED);
	check_verdict("NULL, 100", hds_parse(NULL, 100, &res),
		      HDS_NO_SPLIT_TRUNCATED);
}

/* A frame longer than 64 KiB: the padding is not payload. */
static void test_huge_frame(void)
{
	static const struct fspec s = V4(.payload = 10);
	struct hds_result res;
	size_t len = 70000;
	u8 *p = calloc(1, len);

	if (!p)
		abort();
	build(&s, &fr);
	memcpy(p, fr.b, fr.len);
	check_verdict("70000 bytes", hds_parse(p, len, &res), HDS_SPLIT);
	CHECK(res.payload_len == 10, "payload_len %u", res.payload_len);
	free(p);
}

/* hds.h's host typedefs stand for the kernel's fixed-width types. */
static void test_host_types(void)
{
	CHECK(sizeof(u8) == 1 && sizeof(u16) == 2 && sizeof(u32) == 4,
	      "u8/u16/u32 are %zu/%zu/%zu bytes", sizeof(u8), sizeof(u16),
	      sizeof(u32));
}

static void test_verdict_names(void)
{
	static const char * const want[] = {
		"split", "l2", "l3", "fragment", "not-tcp", "truncated",
		"bad-length", "no-payload",
	};
	unsigned int i;

	CHECK(ARRAY_SIZE(want) == HDS_NR_VERDICTS, "verdict count");
	for (i = 0; i < ARRAY_SIZE(want); i++)
		CHECK(!strcmp(hds_verdict_name(i), want[i]), "%u: %s", i,
		      hds_verdict_name(i));
	CHECK(!strcmp(hds_verdict_name(HDS_NR_VERDICTS), "invalid"),
	      "out of range");
	CHECK(!strcmp(hds_verdict_name((enum hds_verdict)-1), "invalid"),
	      "negative");
}

static const struct hds_result res54 = {
	.l3_off = 14, .l4_off = 34, .hdr_len = 54,
};

/* Lay out payload_len bytes; check the chunks when n of them are expected. */
static void layout(u32 payload_len, u32 buf_size, unsigned int max,
		   unsigned int want)
{
	struct hds_chunk ch[HDS_MAX_CHUNKS + 2];
	struct hds_result r = res54;
	unsigned int n, i;
	u32 sum = 0;

	r.payload_len = payload_len;
	memset(ch, 0xa5, sizeof(ch));
	n = hds_layout(&r, buf_size, ch, max);
	CHECK(n == want, "payload %u, buf %u, max %u: %u chunks, want %u",
	      payload_len, buf_size, max, n, want);
	if (n != want)
		return;
	for (i = 0; i < n; i++) {
		CHECK(ch[i].off == 54 + i * buf_size, "chunk %u off %u", i,
		      ch[i].off);
		CHECK(ch[i].len == buf_size || (i == n - 1 && ch[i].len &&
						ch[i].len < buf_size),
		      "chunk %u len %u", i, ch[i].len);
		sum += ch[i].len;
	}
	CHECK(sum == (n ? payload_len : 0), "chunks hold %u bytes", sum);
	CHECK(ch[n].off == 0xa5a5a5a5, "chunk %u written", n);
}

static void test_layout_exact(void)
{
	layout(4096, 4096, HDS_MAX_CHUNKS, 1);
	layout(8192, 4096, HDS_MAX_CHUNKS, 2);
	layout(65536, 2048, HDS_MAX_CHUNKS, 32);
	layout(256, 256, 1, 1);
}

static void test_layout_remainder(void)
{
	layout(1, 4096, HDS_MAX_CHUNKS, 1);
	layout(4095, 4096, HDS_MAX_CHUNKS, 1);
	layout(4097, 4096, HDS_MAX_CHUNKS, 2);
	layout(5000, 4096, HDS_MAX_CHUNKS, 2);
	layout(65535, 4096, HDS_MAX_CHUNKS, 16);
	layout(1000, 256, 4, 4);
}

static void test_layout_zero_payload(void)
{
	layout(0, 4096, HDS_MAX_CHUNKS, 0);
}

static void test_layout_too_many_chunks(void)
{
	layout(65536 + 1, 2048, HDS_MAX_CHUNKS, 0);
	layout(8193, 4096, 2, 0);
	layout(8192, 4096, 2, 2);
	layout(1, 4096, 0, 0);
}

static void test_layout_bad_buf_size(void)
{
	static const u32 bad[] = { 0, 1, 128, 255, 257, 3000, 4097,
				   0xffffffff, 0x80000001 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		layout(100, bad[i], HDS_MAX_CHUNKS, 0);
	layout(100, 256, HDS_MAX_CHUNKS, 1);
	layout(100, 0x80000000, HDS_MAX_CHUNKS, 1);
}

static void test_layout_bad_result(void)
{
	struct hds_chunk ch[HDS_MAX_CHUNKS];
	struct hds_result r = res54;

	r.payload_len = 100;
	CHECK(hds_layout(NULL, 4096, ch, HDS_MAX_CHUNKS) == 0, "NULL res");
	CHECK(hds_layout(&r, 4096, NULL, HDS_MAX_CHUNKS) == 0, "NULL chunks");
	r.hdr_len = r.l4_off;
	CHECK(hds_layout(&r, 4096, ch, HDS_MAX_CHUNKS) == 0,
	      "hdr_len == l4_off");
	r = res54;
	r.l3_off = r.l4_off;
	r.payload_len = 100;
	CHECK(hds_layout(&r, 4096, ch, HDS_MAX_CHUNKS) == 0,
	      "l3_off == l4_off");
	/* The last byte's offset would not fit in u32. */
	r = res54;
	r.payload_len = 0xffffffff - 53;
	CHECK(hds_layout(&r, 0x80000000, ch, HDS_MAX_CHUNKS) == 0,
	      "offset overflow");
	r.payload_len = 0xffffffff - 54;
	CHECK(hds_layout(&r, 0x80000000, ch, HDS_MAX_CHUNKS) == 2,
	      "largest payload");
}

/* Parse then lay out: the chunks are the frame's payload bytes. */
static void test_layout_parsed(void)
{
	static const struct fspec s = V6(.payload = 9000, EXT(0, 51),
					 .pad = 5);
	struct hds_chunk ch[HDS_MAX_CHUNKS];
	struct hds_result res;
	unsigned int n, i;
	size_t at;

	build(&s, &fr);
	check_verdict("parse", parse_exact(&fr, fr.len, &res), HDS_SPLIT);
	n = hds_layout(&res, 4096, ch, HDS_MAX_CHUNKS);
	CHECK(n == 3, "%u chunks", n);
	at = fr.hdr;
	for (i = 0; i < n; i++) {
		CHECK(ch[i].off == at, "chunk %u at %u, want %zu", i,
		      ch[i].off, at);
		at += ch[i].len;
	}
	CHECK(at == fr.hdr + 9000, "chunks end at %zu", at);
}

struct test {
	const char *name;
	void (*fn)(void);
};

static const struct test tests[] = {
	{ "host-types", test_host_types },
	{ "null-frame", test_null_frame },
	{ "huge-frame-padding", test_huge_frame },
	{ "verdict-names", test_verdict_names },
	{ "layout:exact-multiple", test_layout_exact },
	{ "layout:remainder", test_layout_remainder },
	{ "layout:zero-payload", test_layout_zero_payload },
	{ "layout:too-many-chunks", test_layout_too_many_chunks },
	{ "layout:bad-buf-size", test_layout_bad_buf_size },
	{ "layout:bad-result", test_layout_bad_result },
	{ "layout:parsed-frame", test_layout_parsed },
};

static int report(unsigned int num, const char *prefix, const char *name)
{
	printf("%s %u %s%s\n", failed ? "not ok" : "ok", num, prefix, name);
	fflush(stdout);
	return failed;
}

static int write_corpus(const char *dir)
{
	char path[4096];
	unsigned int i, j;
	FILE *f;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		for (j = 0; j < ARRAY_SIZE(seeds); j++)
			if (!strcmp(seeds[j], cases[i].name))
				break;
		if (j == ARRAY_SIZE(seeds))
			continue;
		build(&cases[i].s, &fr);
		snprintf(path, sizeof(path), "%s/%s", dir, cases[i].name);
		/* File names without ':' */
		for (j = strlen(dir); path[j]; j++)
			if (path[j] == ':')
				path[j] = '-';
		f = fopen(path, "wb");
		if (!f || fwrite(fr.b, 1, fr.len, f) != fr.len || fclose(f)) {
			perror(path);
			return 1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int i, num = 0;
	int bad = 0;

	if (argc == 3 && !strcmp(argv[1], "--write-corpus"))
		return write_corpus(argv[2]);

	printf("TAP version 13\n1..%zu\n",
	       ARRAY_SIZE(cases) + ARRAY_SIZE(tests));
	/* One result per frame spec: the frame itself and all its prefixes. */
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		failed = 0;
		test_case(&cases[i]);
		test_prefixes(&cases[i]);
		bad |= report(++num, "spec:", cases[i].name);
	}
	for (i = 0; i < ARRAY_SIZE(tests); i++) {
		failed = 0;
		tests[i].fn();
		bad |= report(++num, "", tests[i].name);
	}
	return bad;
}

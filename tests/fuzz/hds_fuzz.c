// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the header/data split engine (firmware/hds.c).
 *
 * The input is one Ethernet frame; libFuzzer hands it over in a heap
 * buffer of exactly its size, so AddressSanitizer sees any read past the
 * end. On top of memory safety it checks what a driver relies on: a split
 * has ordered offsets inside the frame, and the chunks of every layout are
 * the payload bytes, in order, each within the frame and its buffer.
 */
#include <stdio.h>
#include <stdlib.h>

#include "hds.h"

#define FAIL(...) do {					\
		fprintf(stderr, "hds_fuzz: " __VA_ARGS__);	\
		fputc('\n', stderr);				\
		abort();					\
	} while (0)

static void check_layout(const struct hds_result *res, size_t len,
			 u32 buf_size)
{
	struct hds_chunk ch[HDS_MAX_CHUNKS];
	unsigned int n, i, want;
	int valid = buf_size >= 256 && !(buf_size & (buf_size - 1));
	size_t at = res->hdr_len;

	want = valid ? (res->payload_len + buf_size - 1) / buf_size : 0;
	if (want > HDS_MAX_CHUNKS)
		want = 0;
	n = hds_layout(res, buf_size, ch, HDS_MAX_CHUNKS);
	if (n != want)
		FAIL("buf %u, payload %u: %u chunks, want %u", buf_size,
		     res->payload_len, n, want);
	for (i = 0; i < n; i++) {
		if (ch[i].off != at)
			FAIL("buf %u: chunk %u at %u, want %zu", buf_size, i,
			     ch[i].off, at);
		if (!ch[i].len || ch[i].len > buf_size ||
		    (i + 1 < n && ch[i].len != buf_size))
			FAIL("buf %u: chunk %u of %u has %u bytes", buf_size,
			     i, n, ch[i].len);
		if (ch[i].off + (size_t)ch[i].len > len)
			FAIL("buf %u: chunk %u ends past the frame", buf_size,
			     i);
		at += ch[i].len;
	}
	if (n && at != (size_t)res->hdr_len + res->payload_len)
		FAIL("buf %u: chunks end at %zu, payload at %u", buf_size, at,
		     res->hdr_len + res->payload_len);
}

/*
 * libFuzzer's entry point, LLVMFuzzerTestOneInput(). tests/firmware/run
 * compiles with -Dhds_fuzz_one=LLVMFuzzerTestOneInput: checkpatch --strict
 * rejects a CamelCase identifier in the code.
 */
int hds_fuzz_one(const u8 *data, size_t len);

int hds_fuzz_one(const u8 *data, size_t len)
{
	struct hds_result res, again;
	enum hds_verdict v;

	v = hds_parse(data, len, &res);
	if ((unsigned int)v >= HDS_NR_VERDICTS)
		FAIL("verdict %d out of range", v);
	if (hds_parse(data, len, NULL) != v)
		FAIL("verdict depends on the result pointer");
	if (v != HDS_SPLIT)
		return 0;

	if (!(res.l3_off < res.l4_off && res.l4_off < res.hdr_len &&
	      res.hdr_len <= len))
		FAIL("offsets l3 %u l4 %u hdr %u, frame %zu", res.l3_off,
		     res.l4_off, res.hdr_len, len);
	if (!res.payload_len ||
	    (size_t)res.hdr_len + res.payload_len > len)
		FAIL("hdr %u + payload %u, frame %zu", res.hdr_len,
		     res.payload_len, len);
	/* Ethernet padding is not payload: without it, the same split. */
	if (hds_parse(data, res.hdr_len + res.payload_len, &again) !=
	    HDS_SPLIT || again.hdr_len != res.hdr_len ||
	    again.payload_len != res.payload_len)
		FAIL("split changes when the padding is cut off");

	check_layout(&res, len, 256);
	check_layout(&res, len, 2048);
	check_layout(&res, len, 4096);
	/* A size taken from the frame: mostly invalid ones. */
	check_layout(&res, len, (u32)1 << (data[len - 1] & 31) |
		     (data[len - 1] & 0x40 ? 1 : 0));
	return 0;
}

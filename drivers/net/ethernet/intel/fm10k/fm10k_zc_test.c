// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for fm10k_zc.c: the RX buffer layout and sizing of each
 * mode, the tcp-data-split validation and the settings transitions, a
 * ring's life cycle on a test device, and the driver's receive code
 * against a model of the device's write-back (firmware/fm10k_rx.c). No
 * FM10000 needed, but fm10k must be loaded.
 */
#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/dma-mapping.h>
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/ethtool_netlink.h>
#include <linux/module.h>
#include <linux/netlink.h>
#include <linux/unaligned.h>
#include <net/page_pool/helpers.h>
#include <net/page_pool/types.h>

#include "fm10k.h"
#include "fm10k_zc.h"

/* The device side: a model of the FM10000's receive write-back. */
#include "../../../../../firmware/fm10k_rx.c"

#define FM10K_ZC_TEST_PP_FLAGS	(PP_FLAG_DMA_MAP | PP_FLAG_DMA_SYNC_DEV)

static void layout_default(struct kunit *test)
{
	struct fm10k_rx_layout l;

	/* Flags off: the stock 2 KiB buffers, two to a 4 KiB page. */
	KUNIT_ASSERT_EQ(test, fm10k_zc_layout(false, false, 4096, &l), 0);
	KUNIT_EXPECT_EQ(test, l.buf_len, FM10K_RX_BUFSZ);
	KUNIT_EXPECT_EQ(test, l.truesize, FM10K_RX_BUFSZ);
	KUNIT_EXPECT_TRUE(test, l.frag);
	KUNIT_EXPECT_EQ(test, l.pp_max_len, 4096);
	KUNIT_EXPECT_EQ(test, l.pp_flags, FM10K_ZC_TEST_PP_FLAGS);

	/* Larger pages: still 2 KiB buffers, the whole page synced. */
	KUNIT_ASSERT_EQ(test, fm10k_zc_layout(false, false, 65536, &l), 0);
	KUNIT_EXPECT_EQ(test, l.buf_len, FM10K_RX_BUFSZ);
	KUNIT_EXPECT_TRUE(test, l.frag);
	KUNIT_EXPECT_EQ(test, l.pp_max_len, 65536);
}

static void layout_hdr_split(struct kunit *test)
{
	struct fm10k_rx_layout l;

	KUNIT_ASSERT_EQ(test, fm10k_zc_layout(true, false, 4096, &l), 0);
	KUNIT_EXPECT_EQ(test, l.buf_len, 4096);
	KUNIT_EXPECT_EQ(test, l.truesize, 4096);
	KUNIT_EXPECT_FALSE(test, l.frag);
	KUNIT_EXPECT_EQ(test, l.pp_max_len, 4096);
	KUNIT_EXPECT_EQ(test, l.pp_flags, FM10K_ZC_TEST_PP_FLAGS);

	/* Only 4 KiB pages. */
	KUNIT_EXPECT_EQ(test, fm10k_zc_layout(true, false, 16384, &l),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, fm10k_zc_layout(true, false, 65536, &l),
			-EOPNOTSUPP);
}

static void layout_zc_memcg(struct kunit *test)
{
	unsigned int want = FM10K_ZC_TEST_PP_FLAGS;
	struct fm10k_rx_layout l;

	if (IS_ENABLED(CONFIG_PAGE_POOL_ZC_MEMCG))
		want |= PP_FLAG_ZC_MEMCG;

	KUNIT_ASSERT_EQ(test, fm10k_zc_layout(false, true, 4096, &l), 0);
	KUNIT_EXPECT_EQ(test, l.pp_flags, want);
	KUNIT_EXPECT_EQ(test, l.buf_len, FM10K_RX_BUFSZ);
	KUNIT_ASSERT_EQ(test, fm10k_zc_layout(true, true, 4096, &l), 0);
	KUNIT_EXPECT_EQ(test, l.pp_flags, want);
	KUNIT_EXPECT_EQ(test, l.buf_len, 4096);
}

static void srrctl_bsize(struct kunit *test)
{
	/* The stock value, what the driver always programmed. */
	KUNIT_EXPECT_EQ(test, fm10k_zc_srrctl_bsize(FM10K_RX_BUFSZ),
			FM10K_RX_BUFSZ >> FM10K_SRRCTL_BSIZEPKT_SHIFT);
	KUNIT_EXPECT_EQ(test, fm10k_zc_srrctl_bsize(0),
			FM10K_RX_BUFSZ >> FM10K_SRRCTL_BSIZEPKT_SHIFT);
	KUNIT_EXPECT_EQ(test, fm10k_zc_srrctl_bsize(4096), 16);
	/* No bit outside the size field. */
	KUNIT_EXPECT_EQ(test, fm10k_zc_srrctl_bsize(4096) &
			(FM10K_SRRCTL_LOOPBACK_SUPPRESS |
			 FM10K_SRRCTL_BUFFER_CHAINING_EN), 0);
}

static void srrctl_split(struct kunit *test)
{
	u32 v = fm10k_zc_srrctl_split(FM10K_ZC_HDR_BUF_LEN);

	KUNIT_EXPECT_EQ(test, fm10k_zc_srrctl_split(0), 0);
	KUNIT_EXPECT_TRUE(test, v & FM10K_SRRCTL_DESCTYPE_HDR_SPLIT);
	/* 256 bytes in 64-byte units, in bits 8-13 */
	KUNIT_EXPECT_EQ(test, v & FM10K_SRRCTL_BSIZEHDR_MASK, 4 << 8);
	KUNIT_EXPECT_EQ(test, v & (FM10K_SRRCTL_PSRTYPE_L2HDR |
				   FM10K_SRRCTL_PSRTYPE_IPV4HDR |
				   FM10K_SRRCTL_PSRTYPE_IPV6HDR |
				   FM10K_SRRCTL_PSRTYPE_TCPHDR),
			FM10K_SRRCTL_PSRTYPE_L2HDR |
			FM10K_SRRCTL_PSRTYPE_IPV4HDR |
			FM10K_SRRCTL_PSRTYPE_IPV6HDR |
			FM10K_SRRCTL_PSRTYPE_TCPHDR);
	/* nothing in the packet buffer size or the stock bits */
	KUNIT_EXPECT_EQ(test, v & (0xff | FM10K_SRRCTL_LOOPBACK_SUPPRESS |
				   FM10K_SRRCTL_BUFFER_CHAINING_EN), 0);
}

static void split_hdr_len(struct kunit *test)
{
	const u16 sph = FM10K_RXD_HDR_INFO_SPH;

	KUNIT_EXPECT_EQ(test, fm10k_zc_split_hdr_len(sph | 66 << 5, 0, 256), 66);
	KUNIT_EXPECT_EQ(test, fm10k_zc_split_hdr_len(sph | 256 << 5, 0, 256),
			256);
	/* not split, overrun, longer than the buffer */
	KUNIT_EXPECT_EQ(test, fm10k_zc_split_hdr_len(66 << 5, 0, 256), 0);
	KUNIT_EXPECT_EQ(test, fm10k_zc_split_hdr_len(sph | 66 << 5,
						     FM10K_RXD_STATUS_HBO,
						     256), 0);
	KUNIT_EXPECT_EQ(test, fm10k_zc_split_hdr_len(sph | 257 << 5, 0, 256),
			0);
	/* the other hdr_info bits are not the length */
	KUNIT_EXPECT_EQ(test, fm10k_zc_split_hdr_len(sph | 66 << 5 |
						     FM10K_RXD_HDR_INFO_XC_MASK,
						     0, 256), 66);
}

static void frame_bufs(struct kunit *test)
{
	/* MTU 1500 */
	KUNIT_EXPECT_EQ(test, fm10k_zc_frame_bufs(1518, 2048), 1);
	KUNIT_EXPECT_EQ(test, fm10k_zc_frame_bufs(1518, 4096), 1);
	/* MTU 4148: a 4096-byte TCP payload */
	KUNIT_EXPECT_EQ(test, fm10k_zc_frame_bufs(4148 + 18, 2048), 3);
	KUNIT_EXPECT_EQ(test, fm10k_zc_frame_bufs(4148 + 18, 4096), 2);
	/* the device maximum */
	KUNIT_EXPECT_EQ(test, fm10k_zc_frame_bufs(FM10K_MAX_JUMBO_FRAME_SIZE,
						  2048), 8);
	KUNIT_EXPECT_EQ(test, fm10k_zc_frame_bufs(FM10K_MAX_JUMBO_FRAME_SIZE,
						  4096), 4);
	KUNIT_EXPECT_EQ(test, fm10k_zc_frame_bufs(4096, 4096), 1);
	KUNIT_EXPECT_EQ(test, fm10k_zc_frame_bufs(4097, 4096), 2);
	KUNIT_EXPECT_EQ(test, fm10k_zc_frame_bufs(0, 2048), 1);
	KUNIT_EXPECT_EQ(test, fm10k_zc_frame_bufs(1518, 0), 0);
}

static void tds_state(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, fm10k_zc_tds_state(false),
			ETHTOOL_TCP_DATA_SPLIT_DISABLED);
	KUNIT_EXPECT_EQ(test, fm10k_zc_tds_state(true),
			ETHTOOL_TCP_DATA_SPLIT_ENABLED);
}

static void tds_check(struct kunit *test)
{
	struct netlink_ext_ack extack = {};
	bool fp;

	/* Not in the request: keep. */
	fp = true;
	KUNIT_EXPECT_EQ(test, fm10k_zc_check_tds(ETHTOOL_TCP_DATA_SPLIT_UNKNOWN,
						 false, 4096, &fp, &extack), 0);
	KUNIT_EXPECT_FALSE(test, fp);
	KUNIT_EXPECT_EQ(test, fm10k_zc_check_tds(ETHTOOL_TCP_DATA_SPLIT_UNKNOWN,
						 true, 4096, &fp, &extack), 0);
	KUNIT_EXPECT_TRUE(test, fp);

	KUNIT_EXPECT_EQ(test, fm10k_zc_check_tds(ETHTOOL_TCP_DATA_SPLIT_ENABLED,
						 false, 4096, &fp, &extack), 0);
	KUNIT_EXPECT_TRUE(test, fp);
	KUNIT_EXPECT_EQ(test, fm10k_zc_check_tds(ETHTOOL_TCP_DATA_SPLIT_DISABLED,
						 true, 4096, &fp, &extack), 0);
	KUNIT_EXPECT_FALSE(test, fp);
	KUNIT_EXPECT_NULL(test, extack._msg);

	/* Refused, with a reason, and the layout left alone. */
	fp = false;
	KUNIT_EXPECT_EQ(test, fm10k_zc_check_tds(ETHTOOL_TCP_DATA_SPLIT_ENABLED,
						 false, 65536, &fp, &extack),
			-EOPNOTSUPP);
	KUNIT_EXPECT_NOT_NULL(test, extack._msg);
	KUNIT_EXPECT_FALSE(test, fp);

	extack._msg = NULL;
	KUNIT_EXPECT_EQ(test, fm10k_zc_check_tds(ETHTOOL_TCP_DATA_SPLIT_ENABLED + 1,
						 false, 4096, &fp, &extack),
			-EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, extack._msg);
	KUNIT_EXPECT_FALSE(test, fp);
}

static void transitions(struct kunit *test)
{
	int cur, req;

	/* Any change of either setting re-creates the rings; none keeps. */
	for (cur = 0; cur < 4; cur++) {
		for (req = 0; req < 4; req++) {
			enum fm10k_zc_action a;

			a = fm10k_zc_action(cur & 1, cur & 2, req & 1, req & 2);
			KUNIT_EXPECT_EQ(test, a, cur == req ? FM10K_ZC_KEEP :
							      FM10K_ZC_REINIT);
		}
	}
}

#define FM10K_ZC_TEST_RING	128

/*
 * An RX ring on a device-less struct device (direct DMA): set up with its
 * page pool, filled as fm10k_configure_rx_ring() fills it, then freed,
 * which must give every buffer back before the pool is destroyed (KASAN
 * and the console scan would see a pool left behind).
 */
static void ring_cycle(struct kunit *test, bool hdr_split)
{
	struct fm10k_intfc *interface;
	struct net_device *netdev;
	struct fm10k_ring *ring;
	struct page *prev = NULL;
	struct device *dev;
	u32 tail = 0;
	u16 i, n;

	dev = kunit_device_register(test, "fm10k_zc_test");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	dev->dma_mask = &dev->coherent_dma_mask;
	KUNIT_ASSERT_EQ(test, dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64)),
			0);

	netdev = alloc_etherdev(sizeof(*interface));
	KUNIT_ASSERT_NOT_NULL(test, netdev);
	interface = netdev_priv(netdev);
	interface->rx_hdr_split = hdr_split;

	ring = kunit_kzalloc(test, sizeof(*ring), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ring);
	ring->netdev = netdev;
	ring->dev = dev;
	ring->count = FM10K_ZC_TEST_RING;

	if (fm10k_zc_ring_setup(ring)) {
		free_netdev(netdev);
		KUNIT_FAIL(test, "fm10k_zc_ring_setup() failed");
		return;
	}
	KUNIT_EXPECT_NOT_NULL(test, ring->page_pool);
	KUNIT_EXPECT_EQ(test, ring->rx_buf_len, hdr_split ? 4096 : 2048);
	KUNIT_EXPECT_EQ(test, ring->rx_frag, !hdr_split);
	KUNIT_EXPECT_EQ(test, !!ring->rx_hdr_buf, hdr_split);

	ring->tail = (__force u32 __iomem *)&tail;
	n = fm10k_desc_unused(ring);
	fm10k_zc_ring_fill(ring, n);
	KUNIT_EXPECT_EQ(test, tail, n);
	KUNIT_EXPECT_EQ(test, ring->next_to_use, n);

	for (i = 0; i < n; i++) {
		struct fm10k_rx_buffer *bi = &ring->rx_buffer[i];
		union fm10k_rx_desc *desc = FM10K_RX_DESC(ring, i);

		KUNIT_ASSERT_NOT_NULL(test, bi->page);
		KUNIT_EXPECT_PTR_EQ(test, bi->page->pp, ring->page_pool);
		KUNIT_EXPECT_EQ(test, le64_to_cpu(desc->q.pkt_addr),
				bi->dma + bi->page_offset);
		KUNIT_EXPECT_EQ(test, bi->dma, page_pool_get_dma_addr(bi->page));
		/* a header buffer of its own with header split, else none */
		KUNIT_EXPECT_EQ(test, le64_to_cpu(desc->q.hdr_addr),
				hdr_split ? ring->rx_hdr_dma +
					    i * FM10K_ZC_HDR_BUF_LEN : 0);
		if (hdr_split) {
			/* a whole page each, at offset 0 */
			KUNIT_EXPECT_EQ(test, bi->page_offset, 0);
			KUNIT_EXPECT_PTR_NE(test, bi->page, prev);
		} else if (PAGE_SIZE == 4096) {
			/* two halves of a page, as the stock driver had */
			KUNIT_EXPECT_EQ(test, bi->page_offset, (i & 1) * 2048);
			if (i & 1)
				KUNIT_EXPECT_PTR_EQ(test, bi->page, prev);
			else
				KUNIT_EXPECT_PTR_NE(test, bi->page, prev);
		}
		prev = bi->page;
	}

	/* Cleaning (fm10k_down()) gives every buffer back to the pool: each
	 * page whose buffers all came back goes to its ring. In the default
	 * layout the last page's other half is still the pool's.
	 */
	interface->num_rx_queues = 1;
	interface->rx_ring[0] = ring;
	fm10k_zc_rings_clean(interface);
	KUNIT_EXPECT_NULL(test, ring->rx_buffer[0].page);
#ifdef CONFIG_PAGE_POOL_STATS
	{
		struct page_pool_stats stats = {};
		u64 back;

		KUNIT_EXPECT_TRUE(test, page_pool_get_stats(ring->page_pool,
							    &stats));
		back = stats.recycle_stats.ring + stats.recycle_stats.ring_full;
		if (hdr_split)
			KUNIT_EXPECT_EQ(test, back, n);
		else if (PAGE_SIZE == 4096)
			KUNIT_EXPECT_EQ(test, back, n / 2);
	}
#endif

	fm10k_zc_ring_free(ring);
	KUNIT_EXPECT_NULL(test, ring->page_pool);
	KUNIT_EXPECT_NULL(test, ring->rx_buffer);
	KUNIT_EXPECT_NULL(test, ring->desc);
	free_netdev(netdev);
}

static void ring_cycle_default(struct kunit *test)
{
	ring_cycle(test, false);
}

static void ring_cycle_hdr_split(struct kunit *test)
{
	ring_cycle(test, true);
}

/*
 * The driver's receive code against a model of the device
 * (firmware/fm10k_rx.c): a ring set up and filled as ring_cycle() does,
 * each frame placed into its buffers and written back as the FM10000
 * would, then taken by fm10k_zc_ring_rx_frame(), the descriptor loop of
 * fm10k_clean_rx_irq().
 */
struct model_ring {
	struct net_device *netdev;
	struct fm10k_ring *ring;
	struct fm10k_rx_model_cfg cfg;
	u8 hdr_scratch[FM10K_ZC_HDR_BUF_LEN];
	u32 tail;
};

static struct model_ring *model_ring_new(struct kunit *test, bool hdr_split)
{
	struct fm10k_intfc *interface;
	struct fm10k_q_vector *qv;
	struct model_ring *m;
	struct device *dev;

	m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m);
	dev = kunit_device_register(test, "fm10k_zc_model");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	dev->dma_mask = &dev->coherent_dma_mask;
	KUNIT_ASSERT_EQ(test, dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64)),
			0);
	qv = kunit_kzalloc(test, sizeof(*qv), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, qv);
	qv->napi.list_owner = -1;

	m->netdev = alloc_etherdev(sizeof(*interface));
	KUNIT_ASSERT_NOT_NULL(test, m->netdev);
	/* napi_alloc_skb() sets skb->dev from it */
	qv->napi.dev = m->netdev;
	interface = netdev_priv(m->netdev);
	interface->rx_hdr_split = hdr_split;
	m->ring = kunit_kzalloc(test, sizeof(*m->ring), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m->ring);
	m->ring->netdev = m->netdev;
	m->ring->dev = dev;
	m->ring->q_vector = qv;
	m->ring->count = FM10K_ZC_TEST_RING;
	if (fm10k_zc_ring_setup(m->ring)) {
		free_netdev(m->netdev);
		KUNIT_FAIL_AND_ABORT(test, "fm10k_zc_ring_setup() failed");
	}
	m->ring->tail = (__force u32 __iomem *)&m->tail;
	/* what fm10k_configure_rx_ring() programs, as the device reads it */
	m->cfg.pkt_buf_len = m->ring->rx_buf_len;
	m->cfg.hdr_buf_len = m->ring->rx_hdr_buf ? FM10K_ZC_HDR_BUF_LEN : 0;
	return m;
}

static void model_ring_free(struct model_ring *m)
{
	struct fm10k_intfc *interface = netdev_priv(m->netdev);

	interface->num_rx_queues = 1;
	interface->rx_ring[0] = m->ring;
	fm10k_zc_rings_clean(interface);
	fm10k_zc_ring_free(m->ring);
	free_netdev(m->netdev);
}

#define MODEL_MAX_BUFS	8

/* The device receives @frame; the driver takes it. */
static struct sk_buff *model_rx(struct kunit *test, struct model_ring *m,
				const u8 *frame, size_t len)
{
	struct fm10k_ring *ring = m->ring;
	struct fm10k_rx_model_wb wb[MODEL_MAX_BUFS];
	u8 *bufs[MODEL_MAX_BUFS], *hdr;
	u16 ntc = ring->next_to_clean;
	unsigned int i, n;

	fm10k_zc_ring_fill(ring, fm10k_desc_unused(ring));
	for (i = 0; i < MODEL_MAX_BUFS; i++) {
		struct fm10k_rx_buffer *bi;

		bi = &ring->rx_buffer[(ntc + i) % ring->count];
		KUNIT_ASSERT_NOT_NULL(test, bi->page);
		bufs[i] = page_address(bi->page) + bi->page_offset;
	}
	hdr = ring->rx_hdr_buf ?
	      ring->rx_hdr_buf + ntc * FM10K_ZC_HDR_BUF_LEN : m->hdr_scratch;
	n = fm10k_rx_model_place(&m->cfg, frame, len, hdr, bufs,
				 MODEL_MAX_BUFS, wb);
	KUNIT_ASSERT_GT(test, n, 0);
	for (i = 0; i < n; i++) {
		union fm10k_rx_desc *d = FM10K_RX_DESC(ring,
						       (ntc + i) % ring->count);

		d->w.hdr_info = cpu_to_le16(wb[i].hdr_info);
		d->w.length = cpu_to_le16(wb[i].length);
		d->d.staterr = cpu_to_le32(wb[i].staterr);
	}
	return fm10k_zc_ring_rx_frame(ring);
}

/* What the model never writes but a device may: SPH with the headers and
 * an empty packet buffer, no EOP, then the payload in the next descriptor.
 */
static struct sk_buff *model_rx_headers_apart(struct kunit *test,
					      struct model_ring *m,
					      const u8 *frame, size_t len,
					      unsigned int hlen)
{
	struct fm10k_ring *ring = m->ring;
	u16 ntc = ring->next_to_clean, nxt = (ntc + 1) % ring->count;
	struct fm10k_rx_buffer *bi;
	union fm10k_rx_desc *d;

	fm10k_zc_ring_fill(ring, fm10k_desc_unused(ring));
	KUNIT_ASSERT_NOT_NULL(test, ring->rx_hdr_buf);
	memcpy(ring->rx_hdr_buf + ntc * FM10K_ZC_HDR_BUF_LEN, frame, hlen);
	d = FM10K_RX_DESC(ring, ntc);
	d->w.hdr_info = cpu_to_le16(FM10K_RXD_HDR_INFO_SPH |
				    hlen << FM10K_RXD_HDR_INFO_LEN_SHIFT);
	d->w.length = 0;
	d->d.staterr = cpu_to_le32(FM10K_RXD_STATUS_DD);

	bi = &ring->rx_buffer[nxt];
	memcpy(page_address(bi->page) + bi->page_offset, frame + hlen,
	       len - hlen);
	d = FM10K_RX_DESC(ring, nxt);
	d->w.hdr_info = 0;
	d->w.length = cpu_to_le16(len - hlen);
	d->d.staterr = cpu_to_le32(FM10K_RXD_STATUS_DD | FM10K_RXD_STATUS_EOP);
	return fm10k_zc_ring_rx_frame(ring);
}

/* A TCP segment: Ethernet, IPv4 (or IPv6), TCP with timestamps, @payload
 * bytes of a pattern that tells each byte's place.
 */
static u8 *tcp_frame(struct kunit *test, bool ipv6, unsigned int payload,
		     size_t *len, unsigned int *hlen)
{
	unsigned int l3 = ipv6 ? 40 : 20, i;
	u8 *f, *ip, *tcp;

	*hlen = ETH_HLEN + l3 + 32;
	*len = *hlen + payload;
	f = kunit_kzalloc(test, *len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f);
	memset(f, 0x02, 12);
	ip = f + ETH_HLEN;
	if (ipv6) {
		put_unaligned_be16(ETH_P_IPV6, f + 12);
		ip[0] = 0x60;
		put_unaligned_be16(32 + payload, ip + 4);
		ip[6] = IPPROTO_TCP;
		ip[7] = 64;
	} else {
		put_unaligned_be16(ETH_P_IP, f + 12);
		ip[0] = 0x45;
		put_unaligned_be16(20 + 32 + payload, ip + 2);
		ip[8] = 64;
		ip[9] = IPPROTO_TCP;
	}
	tcp = ip + l3;
	tcp[12] = 8 << 4;	/* doff: 32 bytes, timestamps */
	for (i = 0; i < payload; i++)
		f[*hlen + i] = (u8)(i * 7 + i / 251);
	return f;
}

/* Every byte of @skb, linear part then frags, is @frame's. */
static bool skb_is_frame(struct sk_buff *skb, const u8 *frame, size_t len)
{
	u8 *copy = kmalloc(len, GFP_KERNEL);
	bool same;

	if (!copy || skb->len != len) {
		kfree(copy);
		return false;
	}
	same = !skb_copy_bits(skb, 0, copy, len) && !memcmp(copy, frame, len);
	kfree(copy);
	return same;
}

/* A full-MSS payload is one 4096@0 frag of a pool page, headers linear. */
static void model_split_payload_is_one_page(struct kunit *test, bool ipv6)
{
	struct model_ring *m = model_ring_new(test, true);
	unsigned int hlen, round;
	struct sk_buff *skb;
	size_t len;
	u8 *frame;

	frame = tcp_frame(test, ipv6, 4096, &len, &hlen);
	for (round = 0; round < 2 * FM10K_ZC_TEST_RING; round++) {
		skb_frag_t *frag;

		skb = model_rx(test, m, frame, len);
		KUNIT_ASSERT_NOT_NULL(test, skb);
		KUNIT_EXPECT_EQ(test, skb_headlen(skb), hlen);
		KUNIT_EXPECT_TRUE(test, skb_is_frame(skb, frame, len));
		KUNIT_ASSERT_EQ(test, skb_shinfo(skb)->nr_frags, 1);
		frag = &skb_shinfo(skb)->frags[0];
		KUNIT_EXPECT_EQ(test, skb_frag_off(frag), 0);
		KUNIT_EXPECT_EQ(test, skb_frag_size(frag), 4096);
		KUNIT_EXPECT_PTR_EQ(test, skb_frag_page(frag)->pp,
				    m->ring->page_pool);
		KUNIT_EXPECT_TRUE(test, skb->pp_recycle);
		kfree_skb(skb);
		if (test->status == KUNIT_FAILURE)
			break;
	}
	model_ring_free(m);
}

static void model_split_ipv4(struct kunit *test)
{
	model_split_payload_is_one_page(test, false);
}

static void model_split_ipv6(struct kunit *test)
{
	model_split_payload_is_one_page(test, true);
}

/* Longer frames chain: each payload buffer after the first is a page too;
 * a frame the device does not split, or whose headers overran the header
 * buffer, comes whole in the packet buffer and is taken as before.
 */
static void model_split_fallbacks(struct kunit *test)
{
	struct model_ring *m = model_ring_new(test, true);
	unsigned int hlen;
	struct sk_buff *skb;
	size_t len;
	u8 *frame;

	frame = tcp_frame(test, false, 4096 + 1000, &len, &hlen);
	skb = model_rx(test, m, frame, len);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_EXPECT_TRUE(test, skb_is_frame(skb, frame, len));
	KUNIT_EXPECT_EQ(test, skb_shinfo(skb)->nr_frags, 2);
	KUNIT_EXPECT_EQ(test, skb_frag_off(&skb_shinfo(skb)->frags[1]), 0);
	kfree_skb(skb);

	/* all headers, no payload: the page goes back */
	frame = tcp_frame(test, false, 0, &len, &hlen);
	skb = model_rx(test, m, frame, len);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_EXPECT_TRUE(test, skb_is_frame(skb, frame, len));
	KUNIT_EXPECT_EQ(test, skb_shinfo(skb)->nr_frags, 0);
	kfree_skb(skb);

	/* not a kind the device splits: an ARP-sized frame, whole */
	frame = tcp_frame(test, false, 100, &len, &hlen);
	put_unaligned_be16(ETH_P_ARP, frame + 12);
	skb = model_rx(test, m, frame, len);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_EXPECT_TRUE(test, skb_is_frame(skb, frame, len));
	kfree_skb(skb);

	/* a split first buffer without payload, the frame going on: the
	 * next buffer is a tail frag, never copied over the headers
	 */
	frame = tcp_frame(test, false, 100, &len, &hlen);
	skb = model_rx_headers_apart(test, m, frame, len, hlen);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_EXPECT_EQ(test, skb_headlen(skb), hlen);
	KUNIT_EXPECT_TRUE(test, skb_is_frame(skb, frame, len));
	KUNIT_EXPECT_EQ(test, skb_shinfo(skb)->nr_frags, 1);
	kfree_skb(skb);

	/* headers over the header buffer: HBO, the frame whole */
	m->cfg.hdr_buf_len = 64;
	frame = tcp_frame(test, false, 4096, &len, &hlen);
	skb = model_rx(test, m, frame, len);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_EXPECT_TRUE(test, skb_is_frame(skb, frame, len));
	kfree_skb(skb);
	model_ring_free(m);
}

/* The stock layout, through the same loop: 2 KiB buffers, frames whole. */
static void model_default_layout(struct kunit *test)
{
	struct model_ring *m = model_ring_new(test, false);
	unsigned int hlen;
	struct sk_buff *skb;
	size_t len;
	u8 *frame;

	frame = tcp_frame(test, false, 4096, &len, &hlen);
	skb = model_rx(test, m, frame, len);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_EXPECT_TRUE(test, skb_is_frame(skb, frame, len));
	KUNIT_EXPECT_EQ(test, skb_shinfo(skb)->nr_frags, 3);
	kfree_skb(skb);
	model_ring_free(m);
}

static struct kunit_case fm10k_zc_cases[] = {
	KUNIT_CASE(layout_default),
	KUNIT_CASE(layout_hdr_split),
	KUNIT_CASE(layout_zc_memcg),
	KUNIT_CASE(srrctl_bsize),
	KUNIT_CASE(srrctl_split),
	KUNIT_CASE(split_hdr_len),
	KUNIT_CASE(frame_bufs),
	KUNIT_CASE(tds_state),
	KUNIT_CASE(tds_check),
	KUNIT_CASE(transitions),
	KUNIT_CASE(ring_cycle_default),
	KUNIT_CASE(ring_cycle_hdr_split),
	KUNIT_CASE(model_split_ipv4),
	KUNIT_CASE(model_split_ipv6),
	KUNIT_CASE(model_split_fallbacks),
	KUNIT_CASE(model_default_layout),
	{}
};

static struct kunit_suite fm10k_zc_suite = {
	.name = "fm10k_zc",
	.test_cases = fm10k_zc_cases,
};

kunit_test_suite(fm10k_zc_suite);

MODULE_DESCRIPTION("KUnit tests for the fm10k zero-copy receive settings");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for fm10k_zc.c: the RX buffer layout and sizing of each
 * mode, the tcp-data-split validation and the settings transitions. Pure
 * logic: no device needed, but fm10k must be loaded.
 */
#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/dma-mapping.h>
#include <linux/ethtool.h>
#include <linux/ethtool_netlink.h>
#include <linux/module.h>
#include <linux/netlink.h>
#include <net/page_pool/helpers.h>
#include <net/page_pool/types.h>

#include "fm10k.h"
#include "fm10k_zc.h"

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

static void layout_full_page(struct kunit *test)
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

static void zc_memcg_check(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, fm10k_zc_memcg_check(false, false), 0);
	KUNIT_EXPECT_EQ(test, fm10k_zc_memcg_check(false, true), 0);
	KUNIT_EXPECT_EQ(test, fm10k_zc_memcg_check(true, true), 0);
	KUNIT_EXPECT_EQ(test, fm10k_zc_memcg_check(true, false), -EOPNOTSUPP);
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
static void ring_cycle(struct kunit *test, bool full_page)
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
	interface->rx_full_page = full_page;

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
	KUNIT_EXPECT_EQ(test, ring->rx_buf_len, full_page ? 4096 : 2048);
	KUNIT_EXPECT_EQ(test, ring->rx_frag, !full_page);

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
		/* never a header buffer address */
		KUNIT_EXPECT_EQ(test, le64_to_cpu(desc->q.hdr_addr), 0);
		if (full_page) {
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
		if (full_page)
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

static void ring_cycle_full_page(struct kunit *test)
{
	ring_cycle(test, true);
}

static struct kunit_case fm10k_zc_cases[] = {
	KUNIT_CASE(layout_default),
	KUNIT_CASE(layout_full_page),
	KUNIT_CASE(layout_zc_memcg),
	KUNIT_CASE(srrctl_bsize),
	KUNIT_CASE(frame_bufs),
	KUNIT_CASE(tds_state),
	KUNIT_CASE(tds_check),
	KUNIT_CASE(zc_memcg_check),
	KUNIT_CASE(transitions),
	KUNIT_CASE(ring_cycle_default),
	KUNIT_CASE(ring_cycle_full_page),
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

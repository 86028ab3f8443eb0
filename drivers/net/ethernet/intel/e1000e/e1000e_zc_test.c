// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for e1000e_zc.c: page buffers per packet-split descriptor
 * for each tcp-data-split setting and MTU, the refusals, the reported
 * state, the settings transitions and the page pool parameters. Pure
 * logic and a pool on a KUnit device: no e1000e device needed.
 */
#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/dma-mapping.h>
#include <linux/ethtool.h>
#include <linux/ethtool_netlink.h>
#include <linux/if_ether.h>
#include <linux/module.h>
#include <linux/netlink.h>
#include <net/page_pool/helpers.h>
#include <net/page_pool/types.h>
#include <net/page_pool/zc_memcg.h>

#include "e1000.h"
#include "e1000e_zc.h"

#define AUTO	ETHTOOL_TCP_DATA_SPLIT_UNKNOWN
#define ON	ETHTOOL_TCP_DATA_SPLIT_ENABLED
#define OFF	ETHTOOL_TCP_DATA_SPLIT_DISABLED

/* MTU of the kit's tests: a 4096-byte TCP payload with timestamps. */
#define ZC_MTU	4148

static void ps_pages_auto(struct kunit *test)
{
	/* The stock choice: packet split for jumbo MTUs only. */
	KUNIT_EXPECT_EQ(test, e1000e_zc_ps_pages(AUTO, ETH_DATA_LEN, 4096), 0);
	KUNIT_EXPECT_EQ(test, e1000e_zc_ps_pages(AUTO, 576, 4096), 0);
	KUNIT_EXPECT_EQ(test, e1000e_zc_ps_pages(AUTO, ETH_DATA_LEN + 1, 4096),
			1);
	KUNIT_EXPECT_EQ(test, e1000e_zc_ps_pages(AUTO, 4096, 4096), 1);
	KUNIT_EXPECT_EQ(test, e1000e_zc_ps_pages(AUTO, ZC_MTU, 4096), 2);
	KUNIT_EXPECT_EQ(test, e1000e_zc_ps_pages(AUTO, 9000, 4096), 3);
	/* Large pages: never, as before. */
	KUNIT_EXPECT_EQ(test, e1000e_zc_ps_pages(AUTO, 9000, 16384), 1);
	KUNIT_EXPECT_EQ(test, e1000e_zc_ps_pages(AUTO, 9000, 65536), 0);
}

static void ps_pages_on(struct kunit *test)
{
	/* Whatever the MTU, one page at least. */
	KUNIT_EXPECT_EQ(test, e1000e_zc_ps_pages(ON, 68, 4096), 1);
	KUNIT_EXPECT_EQ(test, e1000e_zc_ps_pages(ON, ETH_DATA_LEN, 4096), 1);
	KUNIT_EXPECT_EQ(test, e1000e_zc_ps_pages(ON, ZC_MTU, 4096), 2);
	KUNIT_EXPECT_EQ(test, e1000e_zc_ps_pages(ON, 12288, 4096), 3);
	/* More than the three page buffers, or pages over 16 KiB. */
	KUNIT_EXPECT_EQ(test, e1000e_zc_ps_pages(ON, 12289, 4096),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, e1000e_zc_ps_pages(ON, ETH_DATA_LEN, 16384), 1);
	KUNIT_EXPECT_EQ(test, e1000e_zc_ps_pages(ON, ETH_DATA_LEN, 65536),
			-EOPNOTSUPP);
}

static void ps_pages_off(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, e1000e_zc_ps_pages(OFF, ETH_DATA_LEN, 4096), 0);
	KUNIT_EXPECT_EQ(test, e1000e_zc_ps_pages(OFF, ZC_MTU, 4096), 0);
	KUNIT_EXPECT_EQ(test, e1000e_zc_ps_pages(OFF, 9000, 4096), 0);
}

static void tds_state(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, e1000e_zc_tds_state(AUTO, ETH_DATA_LEN, 4096),
			OFF);
	KUNIT_EXPECT_EQ(test, e1000e_zc_tds_state(AUTO, ZC_MTU, 4096), ON);
	KUNIT_EXPECT_EQ(test, e1000e_zc_tds_state(ON, ETH_DATA_LEN, 4096), ON);
	KUNIT_EXPECT_EQ(test, e1000e_zc_tds_state(OFF, ZC_MTU, 4096), OFF);
	KUNIT_EXPECT_EQ(test, e1000e_zc_tds_state(ON, ZC_MTU, 65536), OFF);
}

static void check_tds(struct kunit *test)
{
	struct netlink_ext_ack extack = {};
	u8 tds = 0xff;

	/* Not in the request: the setting stays. */
	KUNIT_EXPECT_EQ(test, e1000e_zc_check_tds(AUTO, OFF, ZC_MTU, 4096, &tds,
						  &extack), 0);
	KUNIT_EXPECT_EQ(test, tds, OFF);
	KUNIT_EXPECT_EQ(test, e1000e_zc_check_tds(AUTO, AUTO, ZC_MTU, 4096,
						  &tds, &extack), 0);
	KUNIT_EXPECT_EQ(test, tds, AUTO);

	KUNIT_EXPECT_EQ(test, e1000e_zc_check_tds(ON, OFF, ETH_DATA_LEN, 4096,
						  &tds, &extack), 0);
	KUNIT_EXPECT_EQ(test, tds, ON);
	KUNIT_EXPECT_EQ(test, e1000e_zc_check_tds(OFF, ON, ZC_MTU, 4096, &tds,
						  &extack), 0);
	KUNIT_EXPECT_EQ(test, tds, OFF);
	/* Against the automatic mode: on at 1500, off at a jumbo MTU. */
	KUNIT_EXPECT_EQ(test, e1000e_zc_check_tds(ON, AUTO, ETH_DATA_LEN, 4096,
						  &tds, &extack), 0);
	KUNIT_EXPECT_EQ(test, tds, ON);
	KUNIT_EXPECT_EQ(test, e1000e_zc_check_tds(OFF, AUTO, 9000, 4096, &tds,
						  &extack), 0);
	KUNIT_EXPECT_EQ(test, tds, OFF);
	KUNIT_EXPECT_NULL(test, extack._msg);
}

/* "ethtool -G DEV rx 1024" sends tcp-data-split as get_ringparam reported
 * it: at MTU 1500 that is off, which must not pin packet split off for a
 * later jumbo MTU (where the stock jumbo path would run with 4 KiB pages).
 */
static void check_tds_resize_keeps_auto(struct kunit *test)
{
	struct netlink_ext_ack extack = {};
	u8 reported = e1000e_zc_tds_state(AUTO, ETH_DATA_LEN, 4096);
	u8 tds = 0xff;

	KUNIT_ASSERT_EQ(test, reported, OFF);
	KUNIT_EXPECT_EQ(test, e1000e_zc_check_tds(reported, AUTO, ETH_DATA_LEN,
						  4096, &tds, &extack), 0);
	KUNIT_EXPECT_EQ(test, tds, AUTO);
	KUNIT_EXPECT_EQ(test, e1000e_zc_tds_state(tds, 9000, 4096), ON);
	KUNIT_EXPECT_EQ(test, e1000e_zc_ps_pages(tds, 9000, 4096), 3);

	/* The same at a jumbo MTU: on is reported, and kept automatic. */
	reported = e1000e_zc_tds_state(AUTO, 9000, 4096);
	KUNIT_EXPECT_EQ(test, e1000e_zc_check_tds(reported, AUTO, 9000, 4096,
						  &tds, &extack), 0);
	KUNIT_EXPECT_EQ(test, tds, AUTO);
	KUNIT_EXPECT_EQ(test, e1000e_zc_tds_state(tds, ETH_DATA_LEN, 4096),
			OFF);
	KUNIT_EXPECT_NULL(test, extack._msg);
}

static void check_tds_refused(struct kunit *test)
{
	struct netlink_ext_ack extack = {};
	u8 tds = OFF;

	KUNIT_EXPECT_EQ(test, e1000e_zc_check_tds(ON, OFF, ETH_DATA_LEN, 65536,
						  &tds, &extack), -EOPNOTSUPP);
	KUNIT_EXPECT_NOT_NULL(test, extack._msg);
	KUNIT_EXPECT_EQ(test, tds, OFF);

	extack._msg = NULL;
	KUNIT_EXPECT_EQ(test, e1000e_zc_check_tds(7, OFF, ZC_MTU, 4096, &tds,
						  &extack), -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, extack._msg);
	KUNIT_EXPECT_EQ(test, tds, OFF);
}

static void action(struct kunit *test)
{
	/* rx-zc-memcg: the pool is re-created, whatever else changes. */
	KUNIT_EXPECT_EQ(test, e1000e_zc_action(AUTO, false, AUTO, true,
					       ZC_MTU, 4096), E1000E_ZC_REINIT);
	KUNIT_EXPECT_EQ(test, e1000e_zc_action(ON, true, OFF, false,
					       ZC_MTU, 4096), E1000E_ZC_REINIT);
	/* A mode change: the receive unit is reprogrammed. */
	KUNIT_EXPECT_EQ(test, e1000e_zc_action(AUTO, false, ON, false,
					       ETH_DATA_LEN, 4096),
			E1000E_ZC_RESTART);
	KUNIT_EXPECT_EQ(test, e1000e_zc_action(AUTO, true, OFF, true,
					       ZC_MTU, 4096), E1000E_ZC_RESTART);
	/* The same mode under another name, or nothing: kept. */
	KUNIT_EXPECT_EQ(test, e1000e_zc_action(AUTO, false, ON, false,
					       ZC_MTU, 4096), E1000E_ZC_KEEP);
	KUNIT_EXPECT_EQ(test, e1000e_zc_action(AUTO, false, OFF, false,
					       ETH_DATA_LEN, 4096),
			E1000E_ZC_KEEP);
	KUNIT_EXPECT_EQ(test, e1000e_zc_action(ON, true, ON, true,
					       ZC_MTU, 4096), E1000E_ZC_KEEP);
}

static void pool_params(struct kunit *test)
{
	unsigned int want = PP_FLAG_DMA_MAP | PP_FLAG_DMA_SYNC_DEV;
	struct page_pool_params pp;

	e1000e_zc_pool_params(false, 256, 4096, &pp);
	KUNIT_EXPECT_EQ(test, pp.flags, want);
	KUNIT_EXPECT_EQ(test, pp.order, 0);
	KUNIT_EXPECT_EQ(test, pp.pool_size, 256 * E1000E_ZC_MAX_PS_PAGES);
	KUNIT_EXPECT_EQ(test, pp.max_len, 4096);
	KUNIT_EXPECT_EQ(test, pp.offset, 0);
	KUNIT_EXPECT_EQ(test, pp.dma_dir, DMA_FROM_DEVICE);
	KUNIT_EXPECT_NULL(test, pp.dev);

	if (IS_ENABLED(CONFIG_PAGE_POOL_ZC_MEMCG))
		want |= PP_FLAG_ZC_MEMCG;
	e1000e_zc_pool_params(true, E1000_MAX_RXD, 4096, &pp);
	KUNIT_EXPECT_EQ(test, pp.flags, want);
	KUNIT_EXPECT_EQ(test, pp.pool_size, E1000_MAX_RXD * 3);
}

/* A pool made from the parameters: pages are whole, mapped, at offset 0. */
static void pool_pages(struct kunit *test)
{
	struct page_pool_params pp;
	struct page_pool *pool;
	struct page *page;
	struct device *dev;

	dev = kunit_device_register(test, "e1000e_zc_test");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	dev->dma_mask = &dev->coherent_dma_mask;
	KUNIT_ASSERT_EQ(test, dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64)),
			0);

	e1000e_zc_pool_params(true, E1000_DEFAULT_RXD, PAGE_SIZE, &pp);
	pp.dev = dev;
	pool = page_pool_create(&pp);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pool);
	KUNIT_EXPECT_EQ(test, page_pool_zc_enabled(pool),
			IS_ENABLED(CONFIG_PAGE_POOL_ZC_MEMCG));

	page = page_pool_dev_alloc_pages(pool);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_NE(test, page_pool_get_dma_addr(page), 0);
	KUNIT_EXPECT_EQ(test, page_pool_get_dma_addr(page) & ~PAGE_MASK, 0);
	page_pool_put_full_page(pool, page, false);
	page_pool_destroy(pool);
}

static struct kunit_case e1000e_zc_cases[] = {
	KUNIT_CASE(ps_pages_auto),
	KUNIT_CASE(ps_pages_on),
	KUNIT_CASE(ps_pages_off),
	KUNIT_CASE(tds_state),
	KUNIT_CASE(check_tds),
	KUNIT_CASE(check_tds_resize_keeps_auto),
	KUNIT_CASE(check_tds_refused),
	KUNIT_CASE(action),
	KUNIT_CASE(pool_params),
	KUNIT_CASE(pool_pages),
	{}
};

static struct kunit_suite e1000e_zc_suite = {
	.name = "e1000e_zc",
	.test_cases = e1000e_zc_cases,
};

kunit_test_suite(e1000e_zc_suite);

MODULE_DESCRIPTION("KUnit tests for the e1000e zero-copy receive settings");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

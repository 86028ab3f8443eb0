/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the page_pool_zc KUnit suites: what TCP zero-copy receive, the
 * skb layer and the mm do to a page, played by hand.
 */
#ifndef __PAGE_POOL_ZC_TEST_H
#define __PAGE_POOL_ZC_TEST_H

#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/pagevec.h>
#include <net/page_pool/helpers.h>
#include <net/page_pool/zc_memcg.h>

static inline struct page_pool *pp_zc_pool(struct kunit *test, unsigned int flags)
{
	struct page_pool_params pp = {
		.order = 0,
		.pool_size = 64,
		.nid = NUMA_NO_NODE,
		.flags = flags,
	};
	struct page_pool *pool = page_pool_create(&pp);

	KUNIT_ASSERT_FALSE(test, IS_ERR(pool));
	return pool;
}

static inline struct page *pp_zc_alloc(struct kunit *test, struct page_pool *pool)
{
	struct page *page = page_pool_dev_alloc_pages(pool);

	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_ASSERT_EQ(test, page_ref_count(page), 1);
	return page;
}

/* tcp_zerocopy_receive(): charge, vm_insert_pages() (+1 ref), commit. */
static inline void pp_zc_map(struct kunit *test, struct page *page)
{
	KUNIT_ASSERT_EQ(test, page_pool_zc_charge(&page, 1, 0), 1U);
	get_page(page);
	page_pool_zc_commit(&page, 1, 1);
}

/* The skb that held the page is freed. */
static inline void pp_zc_skb_free(struct page_pool *pool, struct page *page)
{
	page_pool_put_full_page(pool, page, false);
}

/* munmap, madvise, exit: the zap path drops PTE refs in a batch. */
static inline void pp_zc_zap(struct page *page)
{
	struct folio_batch fbatch;

	folio_batch_init(&fbatch);
	folio_batch_add(&fbatch, page_folio(page));
	folios_put(&fbatch);
}

static inline unsigned long pp_zc_state(struct page *page)
{
	return READ_ONCE(page->pp_magic) & PP_ZC_STATE_MASK;
}

static inline struct page_pool_stats pp_zc_stats(struct page_pool *pool)
{
	struct page_pool_stats s = {};

	page_pool_get_stats(pool, &s);
	return s;
}

/* The zero-copy counters, in the order of the lifecycle. */
static inline void pp_zc_expect_counts(struct kunit *test,
				       struct page_pool *pool, u64 mapped,
				       u64 parked, u64 uncharged, u64 recycled,
				       u64 released)
{
	struct page_pool_zc_stats z = pp_zc_stats(pool).zc_stats;

	KUNIT_EXPECT_EQ(test, z.mapped, mapped);
	KUNIT_EXPECT_EQ(test, z.parked, parked);
	KUNIT_EXPECT_EQ(test, z.uncharged, uncharged);
	KUNIT_EXPECT_EQ(test, z.recycled, recycled);
	KUNIT_EXPECT_EQ(test, z.released, released);
}

/* Every page back in the pool: the invariants of the design hold. */
static inline void pp_zc_expect_idle(struct kunit *test, struct page_pool *pool)
{
	struct page_pool_zc_stats z = pp_zc_stats(pool).zc_stats;

	KUNIT_EXPECT_EQ(test, z.mapped, z.uncharged);
	KUNIT_EXPECT_EQ(test, z.parked, z.recycled + z.released);
}

#endif /* __PAGE_POOL_ZC_TEST_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for net/core/page_pool_zc.c on a device-less page pool.
 *
 * What TCP zero-copy receive, the skb layer and the mm do to a page is
 * played by hand: page_pool_zc_charge() + get_page() + page_pool_zc_commit()
 * is a mapping, page_pool_put_full_page() the skb free, and put_page(),
 * folio_put_refs() and folios_put_refs() the unmap, unpin and zap paths.
 * The suite runs at boot in the root cgroup, where nothing is charged:
 * mappings count as nocharge. The charge itself is asserted by the cases
 * in page_pool_zc_memcg_test.c.
 *
 * The cases that charge a memory cgroup are in page_pool_zc_memcg_test.c.
 */

#include <kunit/static_stub.h>
#include <kunit/test-bug.h>
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/pagevec.h>
#include <linux/pipe_fs_i.h>
#include <net/netdev_rx_queue.h>
#include <net/page_pool/helpers.h>
#include <net/page_pool/zc_driver.h>
#include <net/page_pool/zc_memcg.h>

#include "page_pool_priv.h"
#include "page_pool_zc.h"

#include "page_pool_zc_test.h"

static void pp_zc_opt_in_enables_key(struct kunit *test)
{
	struct page_pool *plain = pp_zc_pool(test, 0);
	struct page_pool *pool;

	KUNIT_EXPECT_FALSE(test, page_pool_zc_enabled(plain));
	pool = pp_zc_pool(test, PP_FLAG_ZC_MEMCG);
	KUNIT_EXPECT_TRUE(test, page_pool_zc_enabled(pool));
	KUNIT_EXPECT_TRUE(test, static_key_enabled(&page_pool_zc_key));
	page_pool_destroy(pool);
	page_pool_destroy(plain);
}

static void pp_zc_high_order_rejected(struct kunit *test)
{
	struct page_pool_params pp = {
		.order = 1,
		.pool_size = 16,
		.nid = NUMA_NO_NODE,
		.flags = PP_FLAG_ZC_MEMCG,
	};
	struct page_pool *pool = page_pool_create(&pp);

	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(pool), -EINVAL);
}

static void pp_zc_map_then_unmap(struct kunit *test)
{
	struct page_pool *pool = pp_zc_pool(test, PP_FLAG_ZC_MEMCG);
	struct page *page = pp_zc_alloc(test, pool);

	pp_zc_map(test, page);
	KUNIT_EXPECT_EQ(test, pp_zc_state(page), PP_ZC_MAPPED);
	KUNIT_EXPECT_EQ(test, page_ref_count(page), 2);
	/* Root cgroup: mapped, not charged, counted apart. */
	pp_zc_expect_counts(test, pool, 0, 1, 0, 0, 0, 0);

	put_page(page);		/* a non-final put: nothing moves */
	KUNIT_EXPECT_EQ(test, pp_zc_state(page), PP_ZC_MAPPED);
	KUNIT_EXPECT_EQ(test, page_ref_count(page), 1);

	pp_zc_skb_free(pool, page);	/* the pool holds it alone: recycled */
	KUNIT_EXPECT_EQ(test, pp_zc_state(page), 0UL);
	KUNIT_EXPECT_EQ(test, page_ref_count(page), 1);
	pp_zc_expect_counts(test, pool, 0, 1, 0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, pp_zc_stats(pool).recycle_stats.released_refcnt, 0ULL);
	pp_zc_expect_idle(test, pool);
	page_pool_destroy(pool);
}

static void pp_zc_skb_free_parks(struct kunit *test)
{
	struct page_pool *pool = pp_zc_pool(test, PP_FLAG_ZC_MEMCG);
	struct page *page = pp_zc_alloc(test, pool);
	s32 inflight = page_pool_inflight(pool, false);
	u64 ring;

	pp_zc_map(test, page);
	pp_zc_skb_free(pool, page);
	/* Parked: marked and in flight, the pool's reference dropped. */
	KUNIT_EXPECT_EQ(test, pp_zc_state(page), PP_ZC_MAPPED | PP_ZC_PARKED);
	KUNIT_EXPECT_EQ(test, page_ref_count(page), 1);
	KUNIT_EXPECT_TRUE(test, page_pool_page_is_pp(page));
	KUNIT_EXPECT_EQ(test, page_pool_inflight(pool, false), inflight);
	KUNIT_EXPECT_EQ(test, pp_zc_stats(pool).recycle_stats.released_refcnt, 0ULL);
	pp_zc_expect_counts(test, pool, 0, 1, 1, 0, 0, 0);

	ring = pp_zc_stats(pool).recycle_stats.ring;
	put_page(page);		/* the last reference hands it back */
	KUNIT_EXPECT_EQ(test, pp_zc_state(page), 0UL);
	KUNIT_EXPECT_EQ(test, page_ref_count(page), 1);
	KUNIT_EXPECT_EQ(test, pp_zc_stats(pool).recycle_stats.ring, ring + 1);
	pp_zc_expect_counts(test, pool, 0, 1, 1, 0, 1, 0);
	pp_zc_expect_idle(test, pool);
	page_pool_destroy(pool);
}

static void pp_zc_parked_page_is_reused(struct kunit *test)
{
	struct page_pool *pool = pp_zc_pool(test, PP_FLAG_ZC_MEMCG);
	struct page *page = pp_zc_alloc(test, pool);
	struct page **got;
	int n, found = -1;
	u64 slow;

	pp_zc_map(test, page);
	pp_zc_skb_free(pool, page);
	put_page(page);
	/* Once the alloc cache is drained, the page comes back out of the
	 * ring: no page is taken from the page allocator.
	 */
	got = kunit_kcalloc(test, PP_ALLOC_CACHE_SIZE + 1, sizeof(*got), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, got);
	slow = pp_zc_stats(pool).alloc_stats.slow;
	for (n = 0; n <= PP_ALLOC_CACHE_SIZE && found < 0; n++) {
		got[n] = pp_zc_alloc(test, pool);
		if (got[n] == page)
			found = n;
	}
	KUNIT_EXPECT_GE(test, found, 0);
	KUNIT_EXPECT_EQ(test, pp_zc_stats(pool).alloc_stats.slow, slow);
	while (n--)
		pp_zc_skb_free(pool, got[n]);
	page_pool_destroy(pool);
}

static void pp_zc_unmap_by_zap(struct kunit *test)
{
	struct page_pool *pool = pp_zc_pool(test, PP_FLAG_ZC_MEMCG);
	struct page *page = pp_zc_alloc(test, pool);

	pp_zc_map(test, page);
	pp_zc_skb_free(pool, page);
	pp_zc_zap(page);
	KUNIT_EXPECT_EQ(test, pp_zc_state(page), 0UL);
	KUNIT_EXPECT_EQ(test, page_ref_count(page), 1);
	pp_zc_expect_counts(test, pool, 0, 1, 1, 0, 1, 0);
	page_pool_destroy(pool);
}

static void pp_zc_pin_keeps_page(struct kunit *test)
{
	struct page_pool *pool = pp_zc_pool(test, PP_FLAG_ZC_MEMCG);
	struct page *page = pp_zc_alloc(test, pool);
	struct folio *folio = page_folio(page);

	pp_zc_map(test, page);
	folio_ref_add(folio, GUP_PIN_COUNTING_BIAS);	/* FOLL_PIN */
	pp_zc_skb_free(pool, page);
	put_page(page);					/* munmap */
	KUNIT_EXPECT_EQ(test, page_ref_count(page), GUP_PIN_COUNTING_BIAS);
	KUNIT_EXPECT_EQ(test, pp_zc_state(page), PP_ZC_MAPPED | PP_ZC_PARKED);
	pp_zc_expect_counts(test, pool, 0, 1, 1, 0, 0, 0);

	folio_put_refs(folio, GUP_PIN_COUNTING_BIAS);	/* unpin */
	KUNIT_EXPECT_EQ(test, pp_zc_state(page), 0UL);
	KUNIT_EXPECT_EQ(test, page_ref_count(page), 1);
	pp_zc_expect_counts(test, pool, 0, 1, 1, 0, 1, 0);
	page_pool_destroy(pool);
}

static void pp_zc_fork_keeps_page(struct kunit *test)
{
	struct page_pool *pool = pp_zc_pool(test, PP_FLAG_ZC_MEMCG);
	struct page *page = pp_zc_alloc(test, pool);

	pp_zc_map(test, page);
	get_page(page);			/* the child's copy of the PTE */
	pp_zc_skb_free(pool, page);
	pp_zc_zap(page);		/* parent unmaps */
	KUNIT_EXPECT_EQ(test, pp_zc_state(page), PP_ZC_MAPPED | PP_ZC_PARKED);
	KUNIT_EXPECT_EQ(test, page_ref_count(page), 1);
	pp_zc_expect_counts(test, pool, 0, 1, 1, 0, 0, 0);
	pp_zc_zap(page);		/* child exits */
	KUNIT_EXPECT_EQ(test, pp_zc_state(page), 0UL);
	pp_zc_expect_counts(test, pool, 0, 1, 1, 0, 1, 0);
	page_pool_destroy(pool);
}

static void pp_zc_pipe_keeps_page(struct kunit *test)
{
	struct page_pool *pool = pp_zc_pool(test, PP_FLAG_ZC_MEMCG);
	struct page *page = pp_zc_alloc(test, pool);

	pp_zc_map(test, page);
	get_page(page);			/* vmsplice: the pipe buffer's ref */
	pp_zc_zap(page);
	pp_zc_skb_free(pool, page);
	KUNIT_EXPECT_EQ(test, pp_zc_state(page), PP_ZC_MAPPED | PP_ZC_PARKED);
	put_page(page);			/* pipe_buf_release() */
	KUNIT_EXPECT_EQ(test, pp_zc_state(page), 0UL);
	pp_zc_expect_counts(test, pool, 0, 1, 1, 0, 1, 0);
	page_pool_destroy(pool);
}

static void pp_zc_transient_ref_unmapped_page(struct kunit *test)
{
	struct page_pool *pool = pp_zc_pool(test, PP_FLAG_ZC_MEMCG);
	struct page *page = pp_zc_alloc(test, pool);

	get_page(page);		/* e.g. skb_frag_ref() or a PFN walker */
	put_page(page);
	KUNIT_EXPECT_EQ(test, pp_zc_state(page), 0UL);
	KUNIT_EXPECT_EQ(test, page_ref_count(page), 1);
	pp_zc_expect_counts(test, pool, 0, 0, 0, 0, 0, 0);
	pp_zc_skb_free(pool, page);
	page_pool_destroy(pool);
}

static void pp_zc_transient_ref_mapped_page(struct kunit *test)
{
	struct page_pool *pool = pp_zc_pool(test, PP_FLAG_ZC_MEMCG);
	struct page *page = pp_zc_alloc(test, pool);

	pp_zc_map(test, page);
	get_page(page);
	put_page(page);		/* 3 -> 2: still mapped */
	put_page(page);		/* 2 -> 1: unmapped, the skb still holds it */
	KUNIT_EXPECT_EQ(test, pp_zc_state(page), PP_ZC_MAPPED);
	pp_zc_expect_counts(test, pool, 0, 1, 0, 0, 0, 0);
	pp_zc_skb_free(pool, page);
	KUNIT_EXPECT_EQ(test, pp_zc_state(page), 0UL);
	pp_zc_expect_idle(test, pool);
	page_pool_destroy(pool);
}

static void pp_zc_transient_ref_parked_page(struct kunit *test)
{
	struct page_pool *pool = pp_zc_pool(test, PP_FLAG_ZC_MEMCG);
	struct page *page = pp_zc_alloc(test, pool);

	pp_zc_map(test, page);
	pp_zc_skb_free(pool, page);
	get_page(page);		/* a PFN walker looks at the parked page */
	pp_zc_zap(page);	/* user unmaps: 2 -> 1 */
	KUNIT_EXPECT_EQ(test, pp_zc_state(page), PP_ZC_MAPPED | PP_ZC_PARKED);
	put_page(page);		/* the walker's drop is the last one */
	KUNIT_EXPECT_EQ(test, pp_zc_state(page), 0UL);
	KUNIT_EXPECT_EQ(test, page_ref_count(page), 1);
	pp_zc_expect_counts(test, pool, 0, 1, 1, 0, 1, 0);
	page_pool_destroy(pool);
}

static void pp_zc_destroy_with_parked_page(struct kunit *test)
{
	struct page_pool *pool = pp_zc_pool(test, PP_FLAG_ZC_MEMCG);
	struct page *page = pp_zc_alloc(test, pool);
	struct page *held = pp_zc_alloc(test, pool);

	pp_zc_map(test, page);
	pp_zc_skb_free(pool, page);
	/* The driver goes away while user space maps the page; @held keeps
	 * the pool alive after @page is gone, so that it can be inspected.
	 */
	page_pool_destroy(pool);
	KUNIT_EXPECT_EQ(test, page_pool_inflight(pool, false), 2);
	KUNIT_EXPECT_FALSE(test, page_pool_zc_all_parked(pool, 2));
	KUNIT_EXPECT_TRUE(test, page_pool_zc_all_parked(pool, 1));

	put_page(page);		/* late unmap: released, not recycled */
	KUNIT_EXPECT_EQ(test, page_pool_inflight(pool, false), 1);
	KUNIT_EXPECT_FALSE(test, page_pool_page_is_pp(page));
	pp_zc_expect_counts(test, pool, 0, 1, 1, 0, 0, 1);
	pp_zc_expect_idle(test, pool);
	/* The last page lets the pool's release worker free it. */
	pp_zc_skb_free(pool, held);
}

static void pp_zc_deferred_with_irqs_off(struct kunit *test)
{
	struct page_pool *pool = pp_zc_pool(test, PP_FLAG_ZC_MEMCG);
	struct page *page = pp_zc_alloc(test, pool);
	s32 inflight = page_pool_inflight(pool, false);
	unsigned long flags, state;
	bool deferred;
	u64 recycled;
	int ref;

	pp_zc_map(test, page);
	pp_zc_skb_free(pool, page);
	/* Handed back, the ring recycle waits for process context. Seen
	 * with interrupts still off: once they are on, a preemptible kernel
	 * may run the work on this CPU at once.
	 */
	local_irq_save(flags);
	put_page(page);
	ref = page_ref_count(page);
	state = pp_zc_state(page);
	deferred = !llist_empty(&pool->zc->deferred);
	recycled = pp_zc_stats(pool).zc_stats.recycled;
	local_irq_restore(flags);
	KUNIT_EXPECT_EQ(test, ref, 0);
	KUNIT_EXPECT_EQ(test, state, PP_ZC_MAPPED | PP_ZC_PARKED);
	KUNIT_EXPECT_TRUE(test, deferred);
	KUNIT_EXPECT_EQ(test, recycled, 0ULL);
	KUNIT_EXPECT_EQ(test, page_pool_inflight(pool, false), inflight);

	flush_work(&pool->zc->work);
	KUNIT_EXPECT_TRUE(test, llist_empty(&pool->zc->deferred));
	KUNIT_EXPECT_EQ(test, page_ref_count(page), 1);
	KUNIT_EXPECT_EQ(test, pp_zc_state(page), 0UL);
	pp_zc_expect_counts(test, pool, 0, 1, 1, 0, 1, 0);
	page_pool_destroy(pool);
}

static int pp_zc_charge_fails(struct page **pages, unsigned int nr,
			      unsigned long headroom)
{
	return -ENOMEM;
}

static void pp_zc_charge_failure_maps_nothing(struct kunit *test)
{
	struct page_pool *pool = pp_zc_pool(test, PP_FLAG_ZC_MEMCG);
	struct page *page = pp_zc_alloc(test, pool);
	unsigned long claimed;

	kunit_activate_static_stub(test, page_pool_zc_charge_pages,
				   pp_zc_charge_fails);
	KUNIT_EXPECT_EQ(test, page_pool_zc_charge(&page, 1, true, 0, &claimed), 0U);
	KUNIT_EXPECT_EQ(test, claimed, 0UL);
	page_pool_zc_commit(&page, 0, 0, claimed);
	kunit_deactivate_static_stub(test, page_pool_zc_charge_pages);

	KUNIT_EXPECT_EQ(test, pp_zc_state(page), 0UL);
	KUNIT_EXPECT_EQ(test, page_ref_count(page), 1);
	KUNIT_EXPECT_EQ(test, pp_zc_stats(pool).zc_stats.charge_fail, 1ULL);
	pp_zc_expect_counts(test, pool, 0, 0, 0, 0, 0, 0);
	pp_zc_skb_free(pool, page);
	page_pool_destroy(pool);
}

static void pp_zc_charge_failure_keeps_mapped_prefix(struct kunit *test)
{
	struct page_pool *pool = pp_zc_pool(test, PP_FLAG_ZC_MEMCG);
	struct page *pages[3];
	unsigned long claimed;
	int i;

	for (i = 0; i < 3; i++)
		pages[i] = pp_zc_alloc(test, pool);
	pp_zc_map(test, pages[0]);	/* mapped before: needs no charge */
	kunit_activate_static_stub(test, page_pool_zc_charge_pages,
				   pp_zc_charge_fails);
	KUNIT_EXPECT_EQ(test, page_pool_zc_charge(pages, 3, true, 0, &claimed), 1U);
	kunit_deactivate_static_stub(test, page_pool_zc_charge_pages);
	KUNIT_EXPECT_EQ(test, claimed, 0UL);
	KUNIT_EXPECT_EQ(test, pp_zc_state(pages[0]), PP_ZC_MAPPED);
	KUNIT_EXPECT_EQ(test, pp_zc_state(pages[1]), 0UL);
	KUNIT_EXPECT_EQ(test, pp_zc_state(pages[2]), 0UL);
	/* One batch, one charge: both pages it would have mapped failed. */
	KUNIT_EXPECT_EQ(test, pp_zc_stats(pool).zc_stats.charge_fail, 2ULL);
	put_page(pages[0]);
	for (i = 0; i < 3; i++)
		pp_zc_skb_free(pool, pages[i]);
	pp_zc_expect_idle(test, pool);
	page_pool_destroy(pool);
}

static void pp_zc_insert_failure_unmarks(struct kunit *test)
{
	struct page_pool *pool = pp_zc_pool(test, PP_FLAG_ZC_MEMCG);
	struct page *pages[2];
	unsigned long claimed;

	pages[0] = pp_zc_alloc(test, pool);
	pages[1] = pp_zc_alloc(test, pool);
	KUNIT_ASSERT_EQ(test, page_pool_zc_charge(pages, 2, true, 0, &claimed), 2U);
	KUNIT_EXPECT_EQ(test, claimed, 3UL);
	get_page(pages[0]);
	/* vm_insert_pages() mapped only the first page. */
	page_pool_zc_commit(pages, 1, 2, claimed);
	KUNIT_EXPECT_EQ(test, pp_zc_state(pages[0]), PP_ZC_MAPPED);
	KUNIT_EXPECT_EQ(test, pp_zc_state(pages[1]), 0UL);
	pp_zc_expect_counts(test, pool, 0, 1, 0, 0, 0, 0);
	put_page(pages[0]);
	pp_zc_skb_free(pool, pages[0]);
	pp_zc_skb_free(pool, pages[1]);
	pp_zc_expect_idle(test, pool);
	page_pool_destroy(pool);
}

static void pp_zc_other_pages_pass_through(struct kunit *test)
{
	struct page_pool *plain = pp_zc_pool(test, 0);
	struct page_pool *pool = pp_zc_pool(test, PP_FLAG_ZC_MEMCG);
	struct page *pages[2];
	unsigned long claimed;

	pages[0] = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages[0]);
	pages[1] = pp_zc_alloc(test, plain);
	KUNIT_EXPECT_EQ(test, page_pool_zc_charge(pages, 2, true, 0, &claimed), 2U);
	KUNIT_EXPECT_EQ(test, claimed, 0UL);
	page_pool_zc_commit(pages, 2, 2, claimed);
	KUNIT_EXPECT_EQ(test, pp_zc_state(pages[1]), 0UL);
	__free_page(pages[0]);
	pp_zc_skb_free(plain, pages[1]);
	page_pool_destroy(pool);
	page_pool_destroy(plain);
}

/* The zero paths and the stray frees compare the masked first word with
 * the pool signature and the mapped bit: an LRU folio's lru.next (a
 * pointer, bit 3 set when it points at a page's lru), the state bits
 * without the signature, a bare bit or an unmapped pool page never pass,
 * and the page is freed as usual.
 */
static void pp_zc_lookalikes_not_taken(struct kunit *test)
{
	struct page_pool *pool = pp_zc_pool(test, PP_FLAG_ZC_MEMCG);
	struct page *neighbour = alloc_page(GFP_KERNEL);
	unsigned long lookalikes[] = {
		PP_ZC_PARKED,
		PP_ZC_MAPPED,
		POISON_POINTER_DELTA | PP_ZC_STATE_MASK,	/* no PP_SIGNATURE */
		PP_SIGNATURE | PP_ZC_PARKED,			/* not mapped */
		PP_SIGNATURE,					/* a plain pool page */
		0,	/* &neighbour->lru, below */
	};
	unsigned long lru_next;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, neighbour);
	lru_next = (unsigned long)&neighbour->lru;
	lookalikes[ARRAY_SIZE(lookalikes) - 1] = lru_next;
	/* It sets the parked bit; on 64-bit never the mapped one. */
	KUNIT_ASSERT_TRUE(test, lru_next & PP_ZC_PARKED);
	if (IS_ENABLED(CONFIG_64BIT))
		KUNIT_EXPECT_FALSE(test, lru_next & PP_ZC_MAPPED);
	KUNIT_ASSERT_TRUE(test, static_key_enabled(&page_pool_zc_key));
	for (i = 0; i < ARRAY_SIZE(lookalikes); i++) {
		struct page *page = alloc_page(GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, page);
		page->pp_magic = lookalikes[i];
		KUNIT_EXPECT_FALSE(test, page_pool_zc_owned(page_folio(page)));
		KUNIT_EXPECT_FALSE(test, page_pool_zc_take_stray(page));
		page->pp_magic = 0;
		put_page(page);
	}
	__free_page(neighbour);
	pp_zc_expect_counts(test, pool, 0, 0, 0, 0, 0, 0);
	page_pool_destroy(pool);
}

static void pp_zc_plain_pool_unchanged(struct kunit *test)
{
	struct page_pool *plain = pp_zc_pool(test, 0);
	struct page *page = pp_zc_alloc(test, plain);
	unsigned long claimed = 0;
	struct page_pool_stats s;

	/* With the static key off, a mapped page leaves its pool at skb
	 * free as it always did.
	 */
	page_pool_zc_key_settle();
	KUNIT_EXPECT_FALSE(test, static_key_enabled(&page_pool_zc_key));
	KUNIT_EXPECT_EQ(test, page_pool_zc_charge(&page, 1, true, 0, &claimed), 1U);
	get_page(page);
	page_pool_zc_commit(&page, 1, 1, claimed);
	KUNIT_EXPECT_EQ(test, pp_zc_state(page), 0UL);
	pp_zc_skb_free(plain, page);
	KUNIT_EXPECT_FALSE(test, page_pool_page_is_pp(page));
	KUNIT_EXPECT_EQ(test, page_ref_count(page), 1);
	s = pp_zc_stats(plain);
	KUNIT_EXPECT_EQ(test, s.recycle_stats.released_refcnt, 1ULL);
	KUNIT_EXPECT_EQ(test, s.zc_stats.mapped + s.zc_stats.nocharge +
			s.zc_stats.parked + s.zc_stats.uncharged, 0ULL);
	put_page(page);
	page_pool_destroy(plain);
}

static void pp_zc_dma_index_keeps_state(struct kunit *test)
{
	struct page_pool *pool = pp_zc_pool(test, PP_FLAG_ZC_MEMCG);
	struct page *page = pp_zc_alloc(test, pool);
	netmem_ref netmem = page_to_netmem(page);

	pp_zc_map(test, page);
	netmem_set_dma_index(netmem, 5);
	KUNIT_EXPECT_EQ(test, netmem_get_dma_index(netmem), 5UL);
	KUNIT_EXPECT_EQ(test, pp_zc_state(page), PP_ZC_MAPPED);
	KUNIT_EXPECT_TRUE(test, page_pool_page_is_pp(page));
	netmem_set_dma_index(netmem, 0);
	KUNIT_EXPECT_EQ(test, pp_zc_state(page), PP_ZC_MAPPED);
	put_page(page);
	pp_zc_skb_free(pool, page);
	page_pool_destroy(pool);
}

static void pp_zc_ethtool_strings(struct kunit *test)
{
	static const char * const names[] = {
		"rx_pp_zc_mapped", "rx_pp_zc_charge_fail", "rx_pp_zc_parked",
		"rx_pp_zc_uncharged", "rx_pp_zc_recycled", "rx_pp_zc_released",
		"rx_pp_zc_nocharge",
	};
	int n = page_pool_ethtool_stats_get_count();
	u8 *strings;
	int i;

	KUNIT_ASSERT_GE(test, n, (int)ARRAY_SIZE(names));
	strings = kunit_kcalloc(test, n, ETH_GSTRING_LEN, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, strings);
	page_pool_ethtool_stats_get_strings(strings);
	for (i = 0; i < ARRAY_SIZE(names); i++)
		KUNIT_EXPECT_STREQ(test, (char *)strings +
				   (n - ARRAY_SIZE(names) + i) * ETH_GSTRING_LEN,
				   names[i]);
}

/* What a driver's set_ringparam gets: the core fills the request from
 * get_ringparam, so only a value other than the reported one is a change.
 */
static void pp_zc_tds_request(struct kunit *test)
{
	struct netlink_ext_ack extack = {};
	const u8 on = ETHTOOL_TCP_DATA_SPLIT_ENABLED;
	const u8 off = ETHTOOL_TCP_DATA_SPLIT_DISABLED;
	const u8 unknown = ETHTOOL_TCP_DATA_SPLIT_UNKNOWN;

	KUNIT_EXPECT_EQ(test, page_pool_zc_tds_request(unknown, off, &extack),
			PAGE_POOL_ZC_TDS_KEEP);
	KUNIT_EXPECT_EQ(test, page_pool_zc_tds_request(off, off, &extack),
			PAGE_POOL_ZC_TDS_KEEP);
	KUNIT_EXPECT_EQ(test, page_pool_zc_tds_request(on, on, &extack),
			PAGE_POOL_ZC_TDS_KEEP);
	KUNIT_EXPECT_EQ(test, page_pool_zc_tds_request(on, off, &extack),
			PAGE_POOL_ZC_TDS_ENABLE);
	KUNIT_EXPECT_EQ(test, page_pool_zc_tds_request(off, on, &extack),
			PAGE_POOL_ZC_TDS_DISABLE);
	KUNIT_EXPECT_NULL(test, extack._msg);
	KUNIT_EXPECT_EQ(test, page_pool_zc_tds_request(on + 1, off, &extack),
			-EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, extack._msg);
}

/* A driver re-creating its rings destroys the old pool while user space
 * still maps a page of it: the netdev's counters keep that pool until its
 * last page is back and it is freed, so that the invariants hold on them.
 */
static void pp_zc_dev_stats_include_detached(struct kunit *test)
{
	struct page_pool_params pp = {
		.order = 0,
		.pool_size = 64,
		.nid = NUMA_NO_NODE,
		.flags = PP_FLAG_ZC_MEMCG,
	};
	struct page_pool_stats sum;
	struct page_pool *old, *cur;
	struct net_device *dev;
	struct page *page;
	int i;

	dev = alloc_netdev(0, "ppzc%d", NET_NAME_UNKNOWN, ether_setup);
	KUNIT_ASSERT_NOT_NULL(test, dev);
	pp.netdev = dev;
	old = page_pool_create(&pp);
	KUNIT_ASSERT_FALSE(test, IS_ERR(old));
	page = pp_zc_alloc(test, old);
	pp_zc_map(test, page);
	pp_zc_skb_free(old, page);
	page_pool_destroy(old);
	cur = page_pool_create(&pp);
	KUNIT_ASSERT_FALSE(test, IS_ERR(cur));

	memset(&sum, 0, sizeof(sum));
	page_pool_dev_get_stats(dev, &sum);
	KUNIT_EXPECT_EQ(test, sum.zc_stats.mapped + sum.zc_stats.nocharge, 1);
	KUNIT_EXPECT_EQ(test, sum.zc_stats.parked, 1);

	put_page(page);		/* the late unmap */
	memset(&sum, 0, sizeof(sum));
	page_pool_dev_get_stats(dev, &sum);
	KUNIT_EXPECT_EQ(test, sum.zc_stats.mapped, sum.zc_stats.uncharged);
	KUNIT_EXPECT_EQ(test, sum.zc_stats.parked, 1);
	KUNIT_EXPECT_EQ(test, sum.zc_stats.parked,
			sum.zc_stats.recycled + sum.zc_stats.released);

	/* Its release worker frees the old pool (it retries each second);
	 * the netdev may go only once no pool of it is listed.
	 */
	page_pool_destroy(cur);
	for (i = 0; i < 50 && !hlist_empty(&dev->page_pools); i++)
		msleep(100);
	KUNIT_ASSERT_TRUE_MSG(test, hlist_empty(&dev->page_pools),
			      "the old pool was not freed in 5 s (netdev leaked)");
	free_netdev(dev);
}

static void pp_zc_many_pages_invariants(struct kunit *test)
{
	struct page_pool *pool = pp_zc_pool(test, PP_FLAG_ZC_MEMCG);
	struct page *pages[16];
	int i;

	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		pages[i] = pp_zc_alloc(test, pool);
		pp_zc_map(test, pages[i]);
	}
	/* Half unmapped before their skb goes, half after. */
	for (i = 0; i < ARRAY_SIZE(pages); i += 2)
		put_page(pages[i]);
	for (i = 0; i < ARRAY_SIZE(pages); i++)
		pp_zc_skb_free(pool, pages[i]);
	for (i = 1; i < ARRAY_SIZE(pages); i += 2)
		pp_zc_zap(pages[i]);
	pp_zc_expect_counts(test, pool, 0, 16, 8, 0, 8, 0);
	pp_zc_expect_idle(test, pool);
	KUNIT_EXPECT_EQ(test, pp_zc_stats(pool).recycle_stats.released_refcnt, 0ULL);
	page_pool_destroy(pool);
}

/* A pool page in an skb that holds no pool reference (its head was
 * reallocated, a splice into another socket) is not the pool's to keep:
 * never claimed, so the pool's own release cannot race the mark.
 */
static void pp_zc_no_pool_refs_passes_through(struct kunit *test)
{
	struct page_pool *pool = pp_zc_pool(test, PP_FLAG_ZC_MEMCG);
	struct page *page = pp_zc_alloc(test, pool);
	unsigned long claimed = ~0UL;

	KUNIT_EXPECT_EQ(test, page_pool_zc_charge(&page, 1, false, 0, &claimed), 1U);
	KUNIT_EXPECT_EQ(test, claimed, 0UL);
	KUNIT_EXPECT_EQ(test, pp_zc_state(page), 0UL);
	page_pool_zc_commit(&page, 1, 1, claimed);
	pp_zc_expect_counts(test, pool, 0, 0, 0, 0, 0, 0);
	pp_zc_skb_free(pool, page);
	page_pool_destroy(pool);
}

/* The same page twice in one batch is claimed, and counted, once. */
static void pp_zc_same_page_claimed_once(struct kunit *test)
{
	struct page_pool *pool = pp_zc_pool(test, PP_FLAG_ZC_MEMCG);
	struct page *page = pp_zc_alloc(test, pool);
	struct page *pages[2] = { page, page };
	unsigned long claimed;

	KUNIT_EXPECT_EQ(test, page_pool_zc_charge(pages, 2, true, 0, &claimed), 2U);
	KUNIT_EXPECT_EQ(test, claimed, 1UL);
	get_page(page);
	get_page(page);
	page_pool_zc_commit(pages, 2, 2, claimed);
	KUNIT_EXPECT_EQ(test, pp_zc_state(page), PP_ZC_MAPPED);
	pp_zc_expect_counts(test, pool, 0, 1, 0, 0, 0, 0);
	pp_zc_skb_free(pool, page);
	KUNIT_EXPECT_EQ(test, pp_zc_state(page), PP_ZC_MAPPED | PP_ZC_PARKED);
	put_page(page);
	put_page(page);
	KUNIT_EXPECT_EQ(test, pp_zc_state(page), 0UL);
	KUNIT_EXPECT_EQ(test, page_ref_count(page), 1);
	pp_zc_expect_counts(test, pool, 0, 1, 1, 0, 1, 0);
	page_pool_destroy(pool);
}

/* A whole-page fragment of the pool's frag allocator, mapped, whose last
 * pp reference is the pool's own bias, drained at destroy: parked, not
 * returned while user space still maps it.
 */
static void pp_zc_frag_drained_at_destroy_parks(struct kunit *test)
{
	struct page_pool *pool = pp_zc_pool(test, PP_FLAG_ZC_MEMCG);
	struct page *held = pp_zc_alloc(test, pool);
	unsigned int offset;
	struct page *page;

	page = page_pool_alloc_frag(pool, &offset, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_EQ(test, offset, 0U);
	pp_zc_map(test, page);
	pp_zc_skb_free(pool, page);	/* the pool's frag bias remains */
	KUNIT_EXPECT_EQ(test, pp_zc_state(page), PP_ZC_MAPPED);

	page_pool_destroy(pool);	/* drains the frag page */
	KUNIT_EXPECT_EQ(test, pp_zc_state(page), PP_ZC_MAPPED | PP_ZC_PARKED);
	KUNIT_EXPECT_TRUE(test, page_pool_page_is_pp(page));
	KUNIT_EXPECT_EQ(test, page_ref_count(page), 1);
	put_page(page);			/* the unmap: released, the pool is dying */
	KUNIT_EXPECT_FALSE(test, page_pool_page_is_pp(page));
	pp_zc_expect_counts(test, pool, 0, 1, 1, 0, 0, 1);
	pp_zc_skb_free(pool, held);
}

/* The faults the hand-back contains are reported through one function,
 * which these cases stub to count them.
 */
struct pp_zc_reports {
	int n;
	const char *last;
};

static void pp_zc_report_stub(const struct page *page, const char *what,
			      bool *said)
{
	struct pp_zc_reports *r = kunit_get_current_test()->priv;

	r->n++;
	r->last = what;
}

static struct pp_zc_reports *pp_zc_count_reports(struct kunit *test)
{
	struct pp_zc_reports *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	test->priv = r;
	kunit_activate_static_stub(test, __page_pool_zc_report,
				   pp_zc_report_stub);
	return r;
}

/* A mapped page, gifted to a pipe and unmapped, then parked: the pipe
 * holds the only reference, and still may not steal it (FUSE's
 * SPLICE_F_MOVE would make it page cache). An ordinary page may be.
 */
static void pp_zc_pipe_refuses_steal(struct kunit *test)
{
	struct page_pool *pool = pp_zc_pool(test, PP_FLAG_ZC_MEMCG);
	struct page *page = pp_zc_alloc(test, pool);
	struct page *other = alloc_page(GFP_KERNEL);
	struct pipe_buffer buf = {};

	KUNIT_ASSERT_NOT_NULL(test, other);
	pp_zc_map(test, page);
	get_page(page);			/* vmsplice(SPLICE_F_GIFT) */
	pp_zc_zap(page);
	pp_zc_skb_free(pool, page);
	KUNIT_ASSERT_EQ(test, pp_zc_state(page), PP_ZC_MAPPED | PP_ZC_PARKED);
	KUNIT_ASSERT_EQ(test, page_ref_count(page), 1);

	buf.page = page;
	KUNIT_EXPECT_FALSE(test, generic_pipe_buf_try_steal(NULL, &buf));
	KUNIT_EXPECT_FALSE(test, PageLocked(page));
	buf.page = other;
	KUNIT_EXPECT_TRUE(test, generic_pipe_buf_try_steal(NULL, &buf));
	unlock_page(other);
	__free_page(other);

	put_page(page);			/* the pipe is released */
	KUNIT_EXPECT_EQ(test, pp_zc_state(page), 0UL);
	pp_zc_expect_counts(test, pool, 0, 1, 1, 0, 1, 0);
	page_pool_destroy(pool);
}

/* What a page must still be to go into a ring once parked. */
enum pp_zc_fault { PP_ZC_DMA_ADDR, PP_ZC_LRU, PP_ZC_MAPPING };

static void pp_zc_unfit_page_kept_once(struct kunit *test, enum pp_zc_fault f)
{
	struct pp_zc_reports *r = pp_zc_count_reports(test);
	struct page_pool *pool = pp_zc_pool(test, PP_FLAG_ZC_MEMCG);
	struct page *page = pp_zc_alloc(test, pool);
	u64 ring = pp_zc_stats(pool).recycle_stats.ring;
	unsigned long dma = page->dma_addr;

	pp_zc_map(test, page);
	pp_zc_skb_free(pool, page);
	switch (f) {
	case PP_ZC_DMA_ADDR:		/* a page-cache index written over it */
		page->dma_addr = dma + 7;
		break;
	case PP_ZC_LRU:
		set_bit(PG_lru, &page->flags);
		break;
	case PP_ZC_MAPPING:
		page->mapping = (void *)page;
		break;
	}
	put_page(page);
	KUNIT_EXPECT_EQ(test, r->n, 1);
	KUNIT_EXPECT_EQ(test, pp_zc_stats(pool).recycle_stats.ring, ring);
	KUNIT_EXPECT_EQ(test, pp_zc_state(page), PP_ZC_MAPPED | PP_ZC_PARKED);
	KUNIT_EXPECT_EQ(test, page_ref_count(page), 0);
	pp_zc_expect_counts(test, pool, 0, 1, 1, 0, 0, 0);

	/* Repaired, the same page is taken back. */
	page->dma_addr = dma;
	clear_bit(PG_lru, &page->flags);
	page->mapping = NULL;
	KUNIT_EXPECT_TRUE(test, page_pool_zc_hand_back(page_folio(page)));
	KUNIT_EXPECT_EQ(test, r->n, 1);
	KUNIT_EXPECT_EQ(test, pp_zc_stats(pool).recycle_stats.ring, ring + 1);
	pp_zc_expect_counts(test, pool, 0, 1, 1, 0, 1, 0);
	page_pool_destroy(pool);
}

static void pp_zc_unfit_page_kept(struct kunit *test)
{
	pp_zc_unfit_page_kept_once(test, PP_ZC_DMA_ADDR);
	pp_zc_unfit_page_kept_once(test, PP_ZC_LRU);
	pp_zc_unfit_page_kept_once(test, PP_ZC_MAPPING);
}

/* Frees that skip the zero paths of the put_page() family ask
 * page_pool_zc_take_stray(), which hands a parked page back all the same.
 */
enum pp_zc_free_path {
	PP_ZC_FREE_PAGES, PP_ZC_FREE_PAGE_ADDR, PP_ZC_FRAG_FREE, PP_ZC_FRAG_DRAIN,
};

static void pp_zc_stray_free_handed_back_once(struct kunit *test,
					      enum pp_zc_free_path how)
{
	struct pp_zc_reports *r = pp_zc_count_reports(test);
	struct page_pool *pool = pp_zc_pool(test, PP_FLAG_ZC_MEMCG);
	struct page *page = pp_zc_alloc(test, pool);

	pp_zc_map(test, page);
	pp_zc_skb_free(pool, page);
	switch (how) {
	case PP_ZC_FREE_PAGES:
		__free_pages(page, 0);
		break;
	case PP_ZC_FREE_PAGE_ADDR:
		free_page((unsigned long)page_address(page));
		break;
	case PP_ZC_FRAG_FREE:
		page_frag_free(page_address(page));
		break;
	case PP_ZC_FRAG_DRAIN:
		__page_frag_cache_drain(page, 1);
		break;
	}
	KUNIT_EXPECT_EQ(test, r->n, 1);
	KUNIT_EXPECT_EQ(test, pp_zc_state(page), 0UL);
	KUNIT_EXPECT_EQ(test, page_ref_count(page), 1);
	KUNIT_EXPECT_TRUE(test, page_pool_page_is_pp(page));
	pp_zc_expect_counts(test, pool, 0, 1, 1, 0, 1, 0);
	pp_zc_expect_idle(test, pool);
	page_pool_destroy(pool);
}

static void pp_zc_stray_free_handed_back(struct kunit *test)
{
	pp_zc_stray_free_handed_back_once(test, PP_ZC_FREE_PAGES);
	pp_zc_stray_free_handed_back_once(test, PP_ZC_FREE_PAGE_ADDR);
	pp_zc_stray_free_handed_back_once(test, PP_ZC_FRAG_FREE);
	pp_zc_stray_free_handed_back_once(test, PP_ZC_FRAG_DRAIN);
}

/* A mapped page whose pool reference someone else dropped: kept, with the
 * pool's reference given back, and recycled by the pool's own release.
 */
static void pp_zc_stray_free_of_mapped_page(struct kunit *test)
{
	struct pp_zc_reports *r = pp_zc_count_reports(test);
	struct page_pool *pool = pp_zc_pool(test, PP_FLAG_ZC_MEMCG);
	struct page *page = pp_zc_alloc(test, pool);

	pp_zc_map(test, page);
	put_page(page);			/* unmapped */
	__free_pages(page, 0);		/* the pool's reference, wrongly */
	KUNIT_EXPECT_EQ(test, r->n, 1);
	KUNIT_EXPECT_EQ(test, page_ref_count(page), 1);
	KUNIT_EXPECT_EQ(test, pp_zc_state(page), PP_ZC_MAPPED);
	pp_zc_skb_free(pool, page);
	KUNIT_EXPECT_EQ(test, pp_zc_state(page), 0UL);
	KUNIT_EXPECT_EQ(test, page_ref_count(page), 1);
	page_pool_destroy(pool);
}

/* No parked page comes from a pool that did not opt in; a page that says
 * it does is refused without touching a zc state the pool has not got.
 */
static void pp_zc_hand_back_refuses_plain_pool(struct kunit *test)
{
	struct pp_zc_reports *r = pp_zc_count_reports(test);
	struct page_pool *plain = pp_zc_pool(test, 0);
	struct page *page = pp_zc_alloc(test, plain);

	page->pp_magic |= PP_ZC_STATE_MASK;
	set_page_count(page, 0);
	KUNIT_EXPECT_FALSE(test, page_pool_zc_hand_back(page_folio(page)));
	KUNIT_EXPECT_EQ(test, r->n, 1);
	page->pp_magic &= ~PP_ZC_STATE_MASK;
	set_page_count(page, 1);
	page_pool_put_full_page(plain, page, false);
	page_pool_destroy(plain);
}

/* Both CPUs: skb free against unmap (with a transient reference) of the
 * same page, many times; each page comes back once, unmapped.
 */
static void pp_zc_race_skb_free_vs_unmap(struct kunit *test)
{
	struct pp_zc_race r = { .iters = 1000 };
	struct page_pool_zc_stats z;

	r.pool = pp_zc_pool(test, PP_FLAG_ZC_MEMCG);
	KUNIT_EXPECT_EQ(test, pp_zc_race_run(test, &r), 0);
	z = pp_zc_stats(r.pool).zc_stats;
	KUNIT_EXPECT_EQ(test, z.nocharge, (u64)r.iters);
	KUNIT_EXPECT_EQ(test, z.parked, z.recycled + z.released);
	KUNIT_EXPECT_EQ(test, z.released, 0ULL);
	pp_zc_race_expect_both_orders(test, &r, z.parked);
	page_pool_destroy(r.pool);
}

/* The same with the unmap's last put with interrupts off (deferral). */
static void pp_zc_race_irqs_off(struct kunit *test)
{
	struct pp_zc_race r = { .iters = 500, .irqs_off = true };
	struct page_pool_zc_stats z;

	r.pool = pp_zc_pool(test, PP_FLAG_ZC_MEMCG);
	KUNIT_EXPECT_EQ(test, pp_zc_race_run(test, &r), 0);
	z = pp_zc_stats(r.pool).zc_stats;
	KUNIT_EXPECT_EQ(test, z.parked, z.recycled + z.released);
	KUNIT_EXPECT_TRUE(test, llist_empty(&r.pool->zc->deferred));
	pp_zc_race_expect_both_orders(test, &r, z.parked);
	page_pool_destroy(r.pool);
}

struct pp_zc_destroy_race {
	struct page_pool *pool;
	struct page *pages[64];
	atomic_t arrive;
	struct completion done;
};

static int pp_zc_destroy_race_unmap(void *arg)
{
	struct pp_zc_destroy_race *r = arg;
	unsigned long flags;
	int i;

	atomic_inc(&r->arrive);
	while (atomic_read(&r->arrive) < 2)
		cpu_relax();	/* the other side runs on the other CPU */
	for (i = 0; i < ARRAY_SIZE(r->pages); i++) {
		if (i & 1)
			local_irq_save(flags);
		put_page(r->pages[i]);
		if (i & 1)
			local_irq_restore(flags);
	}
	complete(&r->done);
	return 0;
}

/* Parked pages handed back on one CPU while the pool is destroyed on the
 * other: every page comes back once, recycled before the destroy or
 * released after it, and the pool is freed once the last is back.
 */
static void pp_zc_race_destroy_once(struct kunit *test)
{
	struct pp_zc_destroy_race *r;
	struct page_pool_zc_stats z;
	struct task_struct *t;
	struct page *held;
	int i;

	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	r->pool = pp_zc_pool(test, PP_FLAG_ZC_MEMCG);
	held = pp_zc_alloc(test, r->pool);
	for (i = 0; i < ARRAY_SIZE(r->pages); i++) {
		r->pages[i] = pp_zc_alloc(test, r->pool);
		pp_zc_map(test, r->pages[i]);
		pp_zc_skb_free(r->pool, r->pages[i]);
	}
	init_completion(&r->done);
	t = kthread_create(pp_zc_destroy_race_unmap, r, "pp_zc_unmap");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	migrate_disable();
	kthread_bind(t, cpumask_any_but(cpu_online_mask, smp_processor_id()));
	wake_up_process(t);
	atomic_inc(&r->arrive);
	while (atomic_read(&r->arrive) < 2)
		cpu_relax();
	page_pool_destroy(r->pool);
	migrate_enable();
	wait_for_completion(&r->done);
	/* Deferred pages, and pages recycled into the ring after it was
	 * emptied, go at the release worker's next run (once a second).
	 */
	for (i = 0; i < 50 && page_pool_inflight(r->pool, false) > 1; i++)
		msleep(100);
	KUNIT_EXPECT_EQ(test, page_pool_inflight(r->pool, false), 1);
	z = pp_zc_stats(r->pool).zc_stats;
	KUNIT_EXPECT_EQ(test, z.parked, (u64)ARRAY_SIZE(r->pages));
	KUNIT_EXPECT_EQ(test, z.parked, z.recycled + z.released);
	for (i = 0; i < ARRAY_SIZE(r->pages); i++)
		KUNIT_EXPECT_FALSE(test, page_pool_page_is_pp(r->pages[i]) &&
				   pp_zc_state(r->pages[i]));
	pp_zc_skb_free(r->pool, held);
}

static void pp_zc_race_destroy(struct kunit *test)
{
	int round;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two CPUs");
	for (round = 0; round < 10; round++)
		pp_zc_race_destroy_once(test);
}

static struct kunit_case page_pool_zc_cases[] = {
	/* First: before any opted-in pool exists, the key is off. */
	KUNIT_CASE(pp_zc_plain_pool_unchanged),
	KUNIT_CASE(pp_zc_opt_in_enables_key),
	KUNIT_CASE(pp_zc_high_order_rejected),
	KUNIT_CASE(pp_zc_map_then_unmap),
	KUNIT_CASE(pp_zc_skb_free_parks),
	KUNIT_CASE(pp_zc_parked_page_is_reused),
	KUNIT_CASE(pp_zc_unmap_by_zap),
	KUNIT_CASE(pp_zc_pin_keeps_page),
	KUNIT_CASE(pp_zc_fork_keeps_page),
	KUNIT_CASE(pp_zc_pipe_keeps_page),
	KUNIT_CASE(pp_zc_transient_ref_unmapped_page),
	KUNIT_CASE(pp_zc_transient_ref_mapped_page),
	KUNIT_CASE(pp_zc_transient_ref_parked_page),
	KUNIT_CASE(pp_zc_destroy_with_parked_page),
	KUNIT_CASE(pp_zc_deferred_with_irqs_off),
	KUNIT_CASE(pp_zc_charge_failure_maps_nothing),
	KUNIT_CASE(pp_zc_charge_failure_keeps_mapped_prefix),
	KUNIT_CASE(pp_zc_insert_failure_unmarks),
	KUNIT_CASE(pp_zc_other_pages_pass_through),
	KUNIT_CASE(pp_zc_lookalikes_not_taken),
	KUNIT_CASE(pp_zc_pipe_refuses_steal),
	KUNIT_CASE(pp_zc_unfit_page_kept),
	KUNIT_CASE(pp_zc_stray_free_handed_back),
	KUNIT_CASE(pp_zc_stray_free_of_mapped_page),
	KUNIT_CASE(pp_zc_hand_back_refuses_plain_pool),
	KUNIT_CASE(pp_zc_dma_index_keeps_state),
	KUNIT_CASE(pp_zc_ethtool_strings),
	KUNIT_CASE(pp_zc_tds_request),
	KUNIT_CASE(pp_zc_dev_stats_include_detached),
	KUNIT_CASE(pp_zc_many_pages_invariants),
	KUNIT_CASE(pp_zc_no_pool_refs_passes_through),
	KUNIT_CASE(pp_zc_same_page_claimed_once),
	KUNIT_CASE(pp_zc_frag_drained_at_destroy_parks),
	KUNIT_CASE(pp_zc_race_skb_free_vs_unmap),
	KUNIT_CASE(pp_zc_race_irqs_off),
	KUNIT_CASE(pp_zc_race_destroy),
	{}
};

static struct kunit_suite page_pool_zc_suite = {
	.name = "page_pool_zc",
	.test_cases = page_pool_zc_cases,
};

kunit_test_suite(page_pool_zc_suite);

MODULE_DESCRIPTION("KUnit tests for page-pool zero-copy memcg accounting");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

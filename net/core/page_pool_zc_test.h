/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the page_pool_zc KUnit suites: what TCP zero-copy receive, the
 * skb layer and the mm do to a page, played by hand.
 */
#ifndef __PAGE_POOL_ZC_TEST_H
#define __PAGE_POOL_ZC_TEST_H

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/pagevec.h>
#include <linux/random.h>
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
	unsigned long claimed;

	KUNIT_ASSERT_EQ(test, page_pool_zc_charge(&page, 1, true, 0, &claimed), 1U);
	get_page(page);
	page_pool_zc_commit(&page, 1, 1, claimed);
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

/* The zero-copy counters, in the order of the lifecycle: @mapped counts
 * charged mappings, @nocharge uncharged ones (root cgroup).
 */
static inline void pp_zc_expect_counts(struct kunit *test,
				       struct page_pool *pool, u64 mapped,
				       u64 nocharge, u64 parked, u64 uncharged,
				       u64 recycled, u64 released)
{
	struct page_pool_zc_stats z = pp_zc_stats(pool).zc_stats;

	KUNIT_EXPECT_EQ(test, z.mapped, mapped);
	KUNIT_EXPECT_EQ(test, z.nocharge, nocharge);
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

/*
 * Races on both CPUs: a kthread per CPU plays the skb side and the mm side
 * of one mapped page at the same moment, @iters times; the page must come
 * back to its pool exactly once, with its state clear and its refcount the
 * pool's, whatever order the two sides ran in.
 */
struct pp_zc_race {
	struct page_pool *pool;
	struct page *page;
	unsigned int iters;
	bool irqs_off;		/* the mm side drops its reference with irqs off */
	struct mem_cgroup *memcg;	/* charged by the skb side, or NULL */
	atomic_t arrive;
	atomic_t bad;		/* iterations that ended in a wrong state */
	struct completion done[2];
};

/* Both threads meet here; @round counts from 1. The wait yields: a
 * deferred hand-back's work item runs on the waiter's CPU.
 */
static inline void pp_zc_race_meet(struct pp_zc_race *r, unsigned int round)
{
	atomic_inc(&r->arrive);
	while (atomic_read(&r->arrive) < 2 * round)
		cond_resched();
}

/*
 * Left to themselves the two sides finish in the same order nearly every
 * time (the skb side parks first in 99 % of the iterations): every other
 * iteration, one side, chosen at random, starts up to a few thousand
 * pauses late, so that both orders come up; the others race head on.
 */
static inline void pp_zc_race_jitter(unsigned int i, int side)
{
	u32 r;

	if (!(i & 1))
		return;
	r = get_random_u32();
	if ((int)(r & 1) != side)
		return;
	for (r = (r >> 1) % 4096; r; r--)
		cpu_relax();
}

static inline int pp_zc_race_skb_side(void *arg)
{
	struct pp_zc_race *r = arg;
	unsigned int i;

	set_active_memcg(r->memcg);
	for (i = 0; i < r->iters; i++) {
		struct page *page = page_pool_dev_alloc_pages(r->pool);
		unsigned long claimed = 0;

		if (!page ||
		    page_pool_zc_charge(&page, 1, true, 0, &claimed) != 1) {
			atomic_inc(&r->bad);
			WRITE_ONCE(r->page, NULL);
		} else {
			get_page(page);			/* the PTE */
			page_pool_zc_commit(&page, 1, 1, claimed);
			WRITE_ONCE(r->page, page);
		}
		pp_zc_race_meet(r, 3 * i + 1);
		pp_zc_race_jitter(i, 0);
		if (page)
			page_pool_put_full_page(r->pool, page, false);
		pp_zc_race_meet(r, 3 * i + 2);
		/* Deferred hand-backs first: the page must be back by now. */
		flush_work(&r->pool->zc->work);
		if (page && (page_ref_count(page) != 1 ||
			     (READ_ONCE(page->pp_magic) & PP_ZC_STATE_MASK) ||
			     !page_pool_page_is_pp(page) || page->memcg_data))
			atomic_inc(&r->bad);
		pp_zc_race_meet(r, 3 * i + 3);
	}
	complete(&r->done[0]);
	return 0;
}

static inline int pp_zc_race_mm_side(void *arg)
{
	struct pp_zc_race *r = arg;
	unsigned long flags;
	unsigned int i;

	for (i = 0; i < r->iters; i++) {
		struct page *page;

		pp_zc_race_meet(r, 3 * i + 1);
		pp_zc_race_jitter(i, 1);
		page = READ_ONCE(r->page);
		if (page) {
			/* A transient reference (GUP-fast, a PFN walker),
			 * then the unmap, against the skb free.
			 */
			get_page(page);
			put_page(page);
			if (r->irqs_off)
				local_irq_save(flags);
			put_page(page);
			if (r->irqs_off)
				local_irq_restore(flags);
		}
		pp_zc_race_meet(r, 3 * i + 2);
		pp_zc_race_meet(r, 3 * i + 3);
	}
	complete(&r->done[1]);
	return 0;
}

/*
 * The race cases must produce both orders, or they tested one path many
 * times: each, the skb side parking (the mm side still held the page) and
 * the mm side letting go first, in at least PP_ZC_RACE_FLOOR_PCT percent
 * of the iterations. @parked: the pool's zc parked counter after the run.
 */
#define PP_ZC_RACE_FLOOR_PCT	5

static inline void pp_zc_race_expect_both_orders(struct kunit *test,
						 const struct pp_zc_race *r,
						 u64 parked)
{
	u64 floor = DIV_ROUND_UP(r->iters * PP_ZC_RACE_FLOOR_PCT, 100);

	kunit_info(test, "%u races: skb side parked %llu, mm side first %llu (floor %llu each)\n",
		   r->iters, parked, r->iters - parked, floor);
	KUNIT_EXPECT_GE(test, parked, floor);
	KUNIT_EXPECT_GE(test, r->iters - parked, floor);
}

/* Run the race; returns the number of bad iterations. */
static inline int pp_zc_race_run(struct kunit *test, struct pp_zc_race *r)
{
	struct task_struct *t[2];

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two CPUs");
	atomic_set(&r->arrive, 0);
	atomic_set(&r->bad, 0);
	init_completion(&r->done[0]);
	init_completion(&r->done[1]);
	t[0] = kthread_create(pp_zc_race_skb_side, r, "pp_zc_skb");
	t[1] = kthread_create(pp_zc_race_mm_side, r, "pp_zc_mm");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t[0]) || IS_ERR(t[1]));
	kthread_bind(t[0], 0);
	kthread_bind(t[1], 1);
	wake_up_process(t[0]);
	wake_up_process(t[1]);
	wait_for_completion(&r->done[0]);
	wait_for_completion(&r->done[1]);
	return atomic_read(&r->bad);
}

#endif /* __PAGE_POOL_ZC_TEST_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for net/core/page_pool_zc.c that charge a memory cgroup: the
 * memcg of the task that loads this module, which must be in one (at boot
 * there is none).
 */

#include <kunit/test.h>
#include <kunit/visibility.h>
#include <linux/memcontrol.h>
#include <linux/module.h>
#include <linux/page_counter.h>
#include <linux/sched/mm.h>

#include "page_pool_zc.h"
#include "page_pool_zc_test.h"

/* The memcg of the task that loaded the module. */
static struct mem_cgroup *pp_zc_memcg;

static int pp_zc_memcg_suite_init(struct kunit_suite *suite)
{
	pp_zc_memcg = current->mm ? get_mem_cgroup_from_mm(current->mm) : NULL;
	return 0;
}

static void pp_zc_memcg_suite_exit(struct kunit_suite *suite)
{
	mem_cgroup_put(pp_zc_memcg);
	pp_zc_memcg = NULL;
}

static int pp_zc_memcg_init(struct kunit *test)
{
	if (!pp_zc_memcg || !parent_mem_cgroup(pp_zc_memcg))
		kunit_skip(test, "load this module from a memory cgroup");
	if (!memcg_kmem_online())
		kunit_skip(test, "kernel memory accounting is off (cgroup.memory=nokmem)");
	/* init and the case run in the same kthread, which then exits. */
	set_active_memcg(pp_zc_memcg);
	return 0;
}

static void pp_zc_expect_charged(struct kunit *test, struct page *page)
{
	struct folio *folio = page_folio(page);
	struct mem_cgroup *memcg;

	/* A kmem folio's memcg is its objcg's, which reparenting can change. */
	rcu_read_lock();
	memcg = folio_memcg(folio);
	rcu_read_unlock();
	KUNIT_EXPECT_TRUE(test, folio_memcg_kmem(folio));
	KUNIT_EXPECT_PTR_EQ(test, memcg, pp_zc_memcg);
}

static void pp_zc_memcg_map_unmap(struct kunit *test)
{
	struct page_pool *pool = pp_zc_pool(test, PP_FLAG_ZC_MEMCG);
	struct page *page = pp_zc_alloc(test, pool);

	pp_zc_map(test, page);
	pp_zc_expect_charged(test, page);
	pp_zc_zap(page);
	/* Unmapped, but its skb still holds it: charged until it is back. */
	pp_zc_expect_charged(test, page);
	pp_zc_skb_free(pool, page);
	KUNIT_EXPECT_EQ(test, page->memcg_data, 0UL);
	pp_zc_expect_counts(test, pool, 1, 0, 0, 1, 0, 0);
	page_pool_destroy(pool);
}

static void pp_zc_memcg_parked_stays_charged(struct kunit *test)
{
	struct page_pool *pool = pp_zc_pool(test, PP_FLAG_ZC_MEMCG);
	struct page *page = pp_zc_alloc(test, pool);

	pp_zc_map(test, page);
	pp_zc_skb_free(pool, page);
	pp_zc_expect_charged(test, page);
	put_page(page);
	KUNIT_EXPECT_EQ(test, page->memcg_data, 0UL);
	pp_zc_expect_counts(test, pool, 1, 0, 1, 1, 1, 0);
	page_pool_destroy(pool);
}

static void pp_zc_memcg_pin_stays_charged(struct kunit *test)
{
	struct page_pool *pool = pp_zc_pool(test, PP_FLAG_ZC_MEMCG);
	struct page *page = pp_zc_alloc(test, pool);
	struct folio *folio = page_folio(page);

	pp_zc_map(test, page);
	folio_ref_add(folio, GUP_PIN_COUNTING_BIAS);
	pp_zc_zap(page);
	pp_zc_skb_free(pool, page);
	pp_zc_expect_charged(test, page);
	folio_put_refs(folio, GUP_PIN_COUNTING_BIAS);
	KUNIT_EXPECT_EQ(test, page->memcg_data, 0UL);
	pp_zc_expect_counts(test, pool, 1, 0, 1, 1, 1, 0);
	page_pool_destroy(pool);
}

static void pp_zc_memcg_unmapped_charge_dropped(struct kunit *test)
{
	struct page_pool *pool = pp_zc_pool(test, PP_FLAG_ZC_MEMCG);
	struct page *pages[2];
	unsigned long claimed;

	pages[0] = pp_zc_alloc(test, pool);
	pages[1] = pp_zc_alloc(test, pool);
	KUNIT_ASSERT_EQ(test, page_pool_zc_charge(pages, 2, true, 0, &claimed), 2U);
	pp_zc_expect_charged(test, pages[0]);
	pp_zc_expect_charged(test, pages[1]);
	get_page(pages[0]);
	page_pool_zc_commit(pages, 1, 2, claimed);
	KUNIT_EXPECT_EQ(test, pages[1]->memcg_data, 0UL);
	pp_zc_zap(pages[0]);
	pp_zc_skb_free(pool, pages[0]);
	KUNIT_EXPECT_EQ(test, pages[0]->memcg_data, 0UL);
	pp_zc_skb_free(pool, pages[1]);
	pp_zc_expect_counts(test, pool, 1, 0, 0, 1, 0, 0);
	page_pool_destroy(pool);
}

static void pp_zc_memcg_released_page_uncharged(struct kunit *test)
{
	struct page_pool *pool = pp_zc_pool(test, PP_FLAG_ZC_MEMCG);
	struct page *page = pp_zc_alloc(test, pool);
	struct page *held = pp_zc_alloc(test, pool);

	pp_zc_map(test, page);
	pp_zc_skb_free(pool, page);
	page_pool_destroy(pool);
	pp_zc_expect_charged(test, page);
	pp_zc_zap(page);	/* uncharged, then released to the allocator */
	pp_zc_expect_counts(test, pool, 1, 0, 1, 1, 0, 1);
	pp_zc_skb_free(pool, held);
}

/* The race of the boot suite, charging: every page charged once and
 * uncharged once, none left charged.
 */
static void pp_zc_memcg_race_skb_free_vs_unmap(struct kunit *test)
{
	struct pp_zc_race r = { .iters = 500, .memcg = pp_zc_memcg };
	unsigned long usage = page_counter_read(&pp_zc_memcg->memory);
	struct page_pool_zc_stats z;

	r.pool = pp_zc_pool(test, PP_FLAG_ZC_MEMCG);
	KUNIT_EXPECT_EQ(test, pp_zc_race_run(test, &r), 0);
	z = pp_zc_stats(r.pool).zc_stats;
	KUNIT_EXPECT_EQ(test, z.mapped, (u64)r.iters);
	KUNIT_EXPECT_EQ(test, z.uncharged, z.mapped);
	KUNIT_EXPECT_EQ(test, z.nocharge, 0ULL);
	KUNIT_EXPECT_EQ(test, z.parked, z.recycled + z.released);
	/* Per-CPU stock aside, the charge is back. */
	KUNIT_EXPECT_LE(test, page_counter_read(&pp_zc_memcg->memory),
			usage + 2 * MEMCG_CHARGE_BATCH);
	pp_zc_race_expect_both_orders(test, &r, z.parked);
	page_pool_destroy(r.pool);
}

/* memory.max of the test's memcg in pages; the case is skipped without one. */
static unsigned long pp_zc_memcg_max(struct kunit *test)
{
	unsigned long max = READ_ONCE(pp_zc_memcg->memory.max);

	if (max == PAGE_COUNTER_MAX)
		kunit_skip(test, "set memory.max of the loading cgroup");
	return max;
}

static void pp_zc_memcg_headroom_not_fitting(struct kunit *test)
{
	unsigned long max = pp_zc_memcg_max(test);
	struct page_pool *pool = pp_zc_pool(test, PP_FLAG_ZC_MEMCG);
	struct page *page = pp_zc_alloc(test, pool);
	unsigned long usage = page_counter_read(&pp_zc_memcg->memory);
	unsigned long claimed;

	/* Room for the page, none for a socket budget beyond memory.max:
	 * refused without charging anything, even for a moment.
	 */
	KUNIT_EXPECT_EQ(test, page_pool_zc_charge(&page, 1, true, (max + 1) * PAGE_SIZE,
						  &claimed), 0U);
	KUNIT_EXPECT_EQ(test, page->memcg_data, 0UL);
	KUNIT_EXPECT_EQ(test, pp_zc_stats(pool).zc_stats.charge_fail, 1ULL);
	KUNIT_EXPECT_LE(test, page_counter_read(&pp_zc_memcg->memory), usage);
	pp_zc_skb_free(pool, page);
	pp_zc_expect_counts(test, pool, 0, 0, 0, 0, 0, 0);
	page_pool_destroy(pool);
}

static void pp_zc_memcg_headroom_fitting(struct kunit *test)
{
	unsigned long headroom = pp_zc_memcg_max(test) / 4;
	struct page_pool *pool = pp_zc_pool(test, PP_FLAG_ZC_MEMCG);
	struct page *page = pp_zc_alloc(test, pool);
	unsigned long usage = page_counter_read(&pp_zc_memcg->memory);
	unsigned long claimed;

	KUNIT_ASSERT_GT(test, headroom, 2UL * MEMCG_CHARGE_BATCH);
	KUNIT_EXPECT_EQ(test, page_pool_zc_charge(&page, 1, true, headroom * PAGE_SIZE,
						  &claimed), 1U);
	pp_zc_expect_charged(test, page);
	/* The page only, but for per-CPU stock: the headroom is not charged. */
	KUNIT_EXPECT_LE(test, page_counter_read(&pp_zc_memcg->memory),
			usage + 1 + MEMCG_CHARGE_BATCH);
	page_pool_zc_commit(&page, 0, 1, claimed);
	KUNIT_EXPECT_EQ(test, page->memcg_data, 0UL);
	KUNIT_EXPECT_EQ(test, pp_zc_stats(pool).zc_stats.charge_fail, 0ULL);
	pp_zc_skb_free(pool, page);
	page_pool_destroy(pool);
}

static struct kunit_case page_pool_zc_memcg_cases[] = {
	KUNIT_CASE(pp_zc_memcg_map_unmap),
	KUNIT_CASE(pp_zc_memcg_parked_stays_charged),
	KUNIT_CASE(pp_zc_memcg_pin_stays_charged),
	KUNIT_CASE(pp_zc_memcg_unmapped_charge_dropped),
	KUNIT_CASE(pp_zc_memcg_released_page_uncharged),
	KUNIT_CASE(pp_zc_memcg_race_skb_free_vs_unmap),
	KUNIT_CASE(pp_zc_memcg_headroom_not_fitting),
	KUNIT_CASE(pp_zc_memcg_headroom_fitting),
	{}
};

static struct kunit_suite page_pool_zc_memcg_suite = {
	.name = "page_pool_zc_memcg",
	.suite_init = pp_zc_memcg_suite_init,
	.suite_exit = pp_zc_memcg_suite_exit,
	.init = pp_zc_memcg_init,
	.test_cases = page_pool_zc_memcg_cases,
};

kunit_test_suite(page_pool_zc_memcg_suite);

MODULE_DESCRIPTION("KUnit tests for page-pool zero-copy memcg charging");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Memcg accounting and pool recycling for page-pool pages that
 * TCP_ZEROCOPY_RECEIVE maps into user space.
 *
 * A driver opts a pool in with PP_FLAG_ZC_MEMCG (typically while its
 * "rx-zc-memcg" ethtool private flag is on). See
 * Documentation/networking/page_pool_zc_memcg.rst.
 */
#ifndef _NET_PAGE_POOL_ZC_MEMCG_H
#define _NET_PAGE_POOL_ZC_MEMCG_H

#include <linux/jump_label.h>
#include <linux/mm.h>
#include <net/page_pool/types.h>

/**
 * struct page_pool_zc_ops - owner callbacks of an opted-in pool
 * @driver_only: called when a page that is (or was) mapped into user space
 *	drops to the references its pool holds, from put_page(), folio_put(),
 *	folio_put_refs() or folios_put_refs(). It runs in any context but NMI,
 *	possibly with interrupts off, and must not sleep. The page may be in
 *	any state by the time it runs (transient references make it fire on
 *	pages that were never parked): it must check, and be idempotent.
 *	page_pool_zc_driver_only() is the default, and what an override
 *	should end with.
 */
struct page_pool_zc_ops {
	void (*driver_only)(struct page_pool *pool, struct page *page);
};

#ifdef CONFIG_PAGE_POOL_ZC_MEMCG

/**
 * page_pool_zc_enabled() - does this pool take part in zero-copy accounting
 * @pool: the pool
 *
 * Return: true if @pool was created with PP_FLAG_ZC_MEMCG.
 */
static inline bool page_pool_zc_enabled(const struct page_pool *pool)
{
	return !!pool->zc;
}

void page_pool_zc_driver_only(struct page_pool *pool, struct page *page);

/* CONFIG_PAGE_POOL_ZC_MEMCG selects CONFIG_PAGE_POOL_STATS. */
void page_pool_zc_get_stats(const struct page_pool *pool,
			    struct page_pool_zc_stats *sum);

/* Core hooks: page_pool.c and tcp.c, not drivers. */
int page_pool_zc_init(struct page_pool *pool);
void page_pool_zc_destroy(struct page_pool *pool);
bool page_pool_zc_park(struct page_pool *pool, netmem_ref netmem);
void page_pool_zc_unmapped(struct page_pool *pool, netmem_ref netmem);
unsigned int __page_pool_zc_charge(struct page **pages, unsigned int nr,
				   size_t reserve);
void __page_pool_zc_commit(struct page **pages, unsigned int nr_mapped,
			   unsigned int nr_charged);

/**
 * page_pool_zc_charge() - charge pages about to be mapped to user space
 * @pages: pages collected by TCP_ZEROCOPY_RECEIVE
 * @nr: number of pages
 * @reserve: bytes the memcg must still have room for once the pages are
 *	charged (the socket's receive budget), or 0
 *
 * Charges every page of an opted-in pool to the memcg of current, before
 * vm_insert_pages() so that file_mapped lands in that memcg. Stops at the
 * first page whose charge fails. Pages of other pools, and any other page,
 * pass uncharged. @reserve is charged before the pages and given back after
 * them: pages that would leave the memcg less room than that are not
 * charged, so that the socket's own charges, which may OOM-kill in process
 * context, still fit under memory.max.
 *
 * A macro, so that @reserve is computed only while an opted-in pool exists.
 *
 * Context: process context, may sleep (reclaim).
 * Return: the number of leading pages that may be mapped.
 */
#define page_pool_zc_charge(pages, nr, reserve) ({			\
	unsigned int __pp_zc_nr = (nr);					\
									\
	static_branch_unlikely(&page_pool_zc_key) ?			\
		__page_pool_zc_charge(pages, __pp_zc_nr, reserve) :	\
		__pp_zc_nr;						\
})

/**
 * page_pool_zc_commit() - record which charged pages were mapped
 * @pages: the pages given to page_pool_zc_charge()
 * @nr_mapped: leading pages vm_insert_pages() mapped
 * @nr_charged: what page_pool_zc_charge() returned
 *
 * Marks the mapped pages user-mapped; uncharges the charged ones that were
 * not mapped.
 */
static inline void page_pool_zc_commit(struct page **pages,
				       unsigned int nr_mapped,
				       unsigned int nr_charged)
{
	if (static_branch_unlikely(&page_pool_zc_key))
		__page_pool_zc_commit(pages, nr_mapped, nr_charged);
}

#else /* CONFIG_PAGE_POOL_ZC_MEMCG */

static inline bool page_pool_zc_enabled(const struct page_pool *pool)
{
	return false;
}

#ifdef CONFIG_PAGE_POOL_STATS
static inline void page_pool_zc_get_stats(const struct page_pool *pool,
					  struct page_pool_zc_stats *sum)
{
}
#endif

/* A driver asking for PP_FLAG_ZC_MEMCG gets a clear error, not a pool
 * that silently does not account.
 */
static inline int page_pool_zc_init(struct page_pool *pool)
{
	return pool->slow.flags & PP_FLAG_ZC_MEMCG ? -EOPNOTSUPP : 0;
}

static inline void page_pool_zc_destroy(struct page_pool *pool)
{
}

static inline bool page_pool_zc_park(struct page_pool *pool,
				     netmem_ref netmem)
{
	return false;
}

static inline void page_pool_zc_unmapped(struct page_pool *pool,
					 netmem_ref netmem)
{
}

static inline unsigned int page_pool_zc_charge(struct page **pages,
					       unsigned int nr, size_t reserve)
{
	return nr;
}

static inline void page_pool_zc_commit(struct page **pages,
				       unsigned int nr_mapped,
				       unsigned int nr_charged)
{
}

#endif /* CONFIG_PAGE_POOL_ZC_MEMCG */
#endif /* _NET_PAGE_POOL_ZC_MEMCG_H */

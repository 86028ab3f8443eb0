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

/**
 * page_pool_zc_mapped() - is a pool page mapped by TCP zero-copy receive
 * @netmem: a page or net_iov of a pool
 *
 * Never true on a pool that did not opt in: the pool's put path asks only
 * for pages that PP_ZC_MAPPED already kept off its fast path.
 *
 * Return: true if @netmem is a page with PP_ZC_MAPPED set.
 */
static inline bool page_pool_zc_mapped(netmem_ref netmem)
{
	return !netmem_is_net_iov(netmem) &&
	       (READ_ONCE(__netmem_to_page(netmem)->pp_magic) & PP_ZC_MAPPED);
}

/* CONFIG_PAGE_POOL_ZC_MEMCG selects CONFIG_PAGE_POOL_STATS. */
void page_pool_zc_get_stats(const struct page_pool *pool,
			    struct page_pool_zc_stats *sum);

/* Core hooks: page_pool.c and tcp.c, not drivers. */
int page_pool_zc_init(struct page_pool *pool);
void page_pool_zc_destroy(struct page_pool *pool);
bool page_pool_zc_release(struct page_pool *pool, netmem_ref netmem);
bool page_pool_zc_all_parked(const struct page_pool *pool, int inflight);
unsigned int __page_pool_zc_charge(struct page **pages, unsigned int nr,
				   bool pp_refs, size_t headroom,
				   unsigned long *claimed);
void __page_pool_zc_commit(struct page **pages, unsigned int nr_mapped,
			   unsigned int nr_charged, unsigned long claimed);

/**
 * page_pool_zc_charge() - charge pages about to be mapped to user space
 * @pages: pages of one skb collected by TCP_ZEROCOPY_RECEIVE, at most 32
 * @nr: number of pages
 * @pp_refs: the skb holds pool references to its pool pages
 *	(skb->pp_recycle); without them the pages are passed through
 * @headroom: bytes that must stay free below memory.max once the pages are
 *	charged (the socket's receive budget), or 0
 * @claimed: set to the pages this call charged and marked, for
 *	page_pool_zc_commit()
 *
 * Charges the pages of opted-in pools to the memcg of current in one batch,
 * before vm_insert_pages() so that file_mapped lands in that memcg, and
 * marks them mapped. Mapped pages cannot be reclaimed: pages that would
 * leave the memcg (or an ancestor) less than @headroom below memory.max are
 * not charged, so that the socket's own charges, which may OOM-kill in
 * process context, still fit. Other pages pass, uncharged, unless
 * net.core.zerocopy_rx_strict is set: then only charged pages may be
 * mapped.
 *
 * A macro, so that @headroom is computed only while the key is on.
 *
 * Context: process context, may sleep (reclaim).
 * Return: the number of leading pages that may be mapped.
 */
#define page_pool_zc_charge(pages, nr, pp_refs, headroom, claimed) ({	\
	unsigned int __pp_zc_nr = (nr);					\
									\
	static_branch_unlikely(&page_pool_zc_key) ?			\
		__page_pool_zc_charge(pages, __pp_zc_nr, pp_refs,	\
				      headroom, claimed) :		\
		__pp_zc_nr;						\
})

/**
 * page_pool_zc_commit() - record which claimed pages were mapped
 * @pages: the pages given to page_pool_zc_charge()
 * @nr_mapped: leading pages vm_insert_pages() mapped
 * @nr_charged: what page_pool_zc_charge() returned
 * @claimed: what page_pool_zc_charge() set
 *
 * Counts the mapped pages; uncharges and unmarks the claimed ones that were
 * not mapped.
 */
static inline void page_pool_zc_commit(struct page **pages,
				       unsigned int nr_mapped,
				       unsigned int nr_charged,
				       unsigned long claimed)
{
	if (static_branch_unlikely(&page_pool_zc_key) && claimed)
		__page_pool_zc_commit(pages, nr_mapped, nr_charged, claimed);
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

static inline bool page_pool_zc_release(struct page_pool *pool,
					netmem_ref netmem)
{
	return false;
}

static inline bool page_pool_zc_mapped(netmem_ref netmem)
{
	return false;
}

static inline bool page_pool_zc_all_parked(const struct page_pool *pool,
					   int inflight)
{
	return false;
}

static inline unsigned int page_pool_zc_charge(struct page **pages,
					       unsigned int nr, bool pp_refs,
					       size_t headroom,
					       unsigned long *claimed)
{
	return nr;
}

static inline void page_pool_zc_commit(struct page **pages,
				       unsigned int nr_mapped,
				       unsigned int nr_charged,
				       unsigned long claimed)
{
}

#endif /* CONFIG_PAGE_POOL_ZC_MEMCG */
#endif /* _NET_PAGE_POOL_ZC_MEMCG_H */

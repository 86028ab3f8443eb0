// SPDX-License-Identifier: GPL-2.0
/*
 * Page-pool pages mapped by TCP_ZEROCOPY_RECEIVE: memcg charge, parking, and
 * the "held only by driver" callback from the put_page() family.
 *
 * State of a page of an opted-in pool, in pp_magic (include/linux/mm.h):
 *
 *   0 --mapped--> MAPPED --skb freed, user still maps--> MAPPED|PARKED
 *   ^               |                                          |
 *   +---------------+---- refcount back to the pool's 1: ------+
 *                         uncharge; if PARKED, recycle
 *
 * The skb side (page_pool) and the mm side (put_page and friends) race, so
 * every transition is a cmpxchg of pp_magic and whoever clears the state
 * owns the uncharge and the recycle. The mm side acts only on a page whose
 * refcount is the pool's 1: a mapping, a pin, a pipe buffer or a forked
 * child's PTE each hold a reference of their own.
 */

#include <linux/err.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <kunit/static_stub.h>
#include <kunit/visibility.h>
#include <net/netdev_rx_queue.h>
#include <net/page_pool/helpers.h>
#include <net/page_pool/zc_memcg.h>

#include "page_pool_priv.h"
#include "page_pool_zc.h"

/* Charges may reclaim but must not OOM-kill: a failed charge only means
 * the bytes go by copy.
 */
#define PP_ZC_CHARGE_GFP	(GFP_KERNEL | __GFP_RETRY_MAYFAIL | __GFP_NOWARN)

DEFINE_STATIC_KEY_FALSE(page_pool_zc_key);
EXPORT_SYMBOL(page_pool_zc_key);

static const struct page_pool_zc_ops page_pool_zc_default_ops = {
	.driver_only = page_pool_zc_driver_only,
};

/* The zero-copy state of a pool page, or NULL if the page is not one. */
static struct page_pool_zc *page_pool_zc_of(struct page *page)
{
	if (!page_pool_page_is_pp(page))
		return NULL;
	return READ_ONCE(page->pp)->zc;
}

/* Set @bits if the state is exactly @from; false if it was not. */
static bool page_pool_zc_move(struct page *page, unsigned long from,
			      unsigned long bits)
{
	unsigned long old = READ_ONCE(page->pp_magic);

	do {
		if ((old & PP_ZC_STATE_MASK) != from)
			return false;
	} while (!try_cmpxchg(&page->pp_magic, &old, old | bits));
	return true;
}

/* Clear the state; return what it was (0: someone else owns the page). */
static unsigned long page_pool_zc_clear(struct page *page)
{
	unsigned long old = READ_ONCE(page->pp_magic);

	do {
		if (!(old & PP_ZC_STATE_MASK))
			return 0;
	} while (!try_cmpxchg(&page->pp_magic, &old,
			      old & ~PP_ZC_STATE_MASK));
	return old & PP_ZC_STATE_MASK;
}

static void page_pool_zc_uncharge(struct page_pool_zc *zc, struct page *page)
{
	memcg_kmem_uncharge_page(page, 0);
	this_cpu_inc(zc->stats->uncharged);
}

/*
 * Hand a parked page back: to the ring, or to the page allocator when the
 * pool is going away or its ring is full. Counters move first: once the
 * page is handed over, the pool may be freed.
 */
static void page_pool_zc_recycle(struct page_pool_zc *zc, struct page *page)
{
	struct page_pool *pool = zc->pool;
	netmem_ref netmem = page_to_netmem(page);

	if (!READ_ONCE(pool->destroy_cnt)) {
		this_cpu_inc(zc->stats->recycled);
		if (page_pool_zc_ring_put(pool, netmem))
			return;
		this_cpu_dec(zc->stats->recycled);
	}
	this_cpu_inc(zc->stats->released);
	page_pool_return_page(pool, netmem);
}

static void page_pool_zc_deferred_work(struct work_struct *work)
{
	struct page_pool_zc *zc = container_of(work, struct page_pool_zc, work);
	struct page *page;

	while ((page = ptr_ring_consume_any(&zc->deferred)))
		page_pool_zc_recycle(zc, page);
}

/**
 * page_pool_zc_driver_only() - default "held only by driver" callback
 * @pool: the pool @page belongs to
 * @page: a page whose refcount dropped to the pool's single reference
 *
 * Uncharges the page if it is still charged and, if its pool parked it,
 * recycles it into the pool's ring (or releases it if the pool is being
 * destroyed). With interrupts off the recycle waits for a workqueue. Does
 * nothing for a page that is not driver-only or is in no zero-copy state.
 *
 * Context: any but NMI; does not sleep.
 */
void page_pool_zc_driver_only(struct page_pool *pool, struct page *page)
{
	struct page_pool_zc *zc = pool->zc;
	unsigned long was;

	/* A stale trigger (a transient reference came and went) may find the
	 * page mapped again by now; only a page held by its pool alone is
	 * ours to move.
	 */
	if (page_ref_count(page) != 1)
		return;
	was = page_pool_zc_clear(page);
	if (!was)
		return;
	page_pool_zc_uncharge(zc, page);
	if (!(was & PP_ZC_PARKED))
		return;
	if (in_hardirq() || irqs_disabled()) {
		if (!ptr_ring_produce_any(&zc->deferred, page)) {
			schedule_work(&zc->work);
			return;
		}
		this_cpu_inc(zc->stats->released);
		page_pool_return_page(pool, page_to_netmem(page));
		return;
	}
	page_pool_zc_recycle(zc, page);
}
EXPORT_SYMBOL(page_pool_zc_driver_only);

/**
 * page_pool_zc_put_refs() - drop references of a page in a zero-copy state
 * @folio: an order-0 page-pool folio with PP_ZC_MAPPED or PP_ZC_PARKED set
 * @refs: references to drop
 *
 * Called instead of the plain reference drop by folio_put(),
 * folio_put_refs() and folios_put_refs() when page_pool_zc_folio() says
 * so. If only the pool's reference is left, runs the pool's callback.
 */
void page_pool_zc_put_refs(struct folio *folio, int refs)
{
	struct page *page = &folio->page;
	struct page_pool_zc *zc;
	int left;

	left = folio_ref_sub_return(folio, refs);
	if (!left) {
		/* The page left its pool while we were dropping. */
		__folio_put(folio);
		return;
	}
	if (left != 1)
		return;
	/* The pool is freed only after an RCU grace period (see
	 * page_pool_zc_destroy()), so a stale look at page->pp is safe.
	 */
	rcu_read_lock();
	zc = page_pool_zc_of(page);
	if (zc && (READ_ONCE(page->pp_magic) & PP_ZC_STATE_MASK))
		zc->ops->driver_only(zc->pool, page);
	rcu_read_unlock();
}
EXPORT_SYMBOL(page_pool_zc_put_refs);

/* Charge one page to the memcg of current; 0 or -ENOMEM. */
int page_pool_zc_charge_page(struct page *page)
{
	KUNIT_STATIC_STUB_REDIRECT(page_pool_zc_charge_page, page);
	return memcg_kmem_charge_page(page, PP_ZC_CHARGE_GFP, 0);
}

/*
 * Charge @reserve bytes to current's memcg until the pages are charged:
 * NULL if current is not charged (root memcg, cgroup.memory=nokmem),
 * ERR_PTR(-ENOMEM) if the reserve does not fit.
 */
static struct obj_cgroup *page_pool_zc_reserve(size_t reserve)
{
	struct obj_cgroup *objcg;

	if (!reserve || !memcg_kmem_online())
		return NULL;
	objcg = get_obj_cgroup_from_current();
	if (objcg && obj_cgroup_charge(objcg, PP_ZC_CHARGE_GFP, reserve)) {
		obj_cgroup_put(objcg);
		return ERR_PTR(-ENOMEM);
	}
	return objcg;
}

unsigned int __page_pool_zc_charge(struct page **pages, unsigned int nr,
				   size_t reserve)
{
	struct obj_cgroup *objcg = NULL;
	bool reserved = false;
	unsigned int i;

	for (i = 0; i < nr; i++) {
		struct page *page = pages[i];
		struct page_pool_zc *zc = page_pool_zc_of(page);

		if (!zc || (READ_ONCE(page->pp_magic) & PP_ZC_MAPPED))
			continue;
		/* Taken at the first page that needs a charge, not before. */
		if (!reserved) {
			reserved = true;
			objcg = page_pool_zc_reserve(reserve);
			if (IS_ERR(objcg)) {
				objcg = NULL;
				this_cpu_inc(zc->stats->charge_fail);
				break;
			}
		}
		if (page_pool_zc_charge_page(page)) {
			this_cpu_inc(zc->stats->charge_fail);
			break;
		}
	}
	if (objcg) {
		obj_cgroup_uncharge(objcg, reserve);
		obj_cgroup_put(objcg);
	}
	return i;
}
EXPORT_SYMBOL_IF_KUNIT(__page_pool_zc_charge);

void __page_pool_zc_commit(struct page **pages, unsigned int nr_mapped,
			   unsigned int nr_charged)
{
	unsigned int i;

	for (i = 0; i < nr_charged; i++) {
		struct page *page = pages[i];
		struct page_pool_zc *zc = page_pool_zc_of(page);

		if (!zc)
			continue;
		if (i >= nr_mapped) {
			/* Charged, then vm_insert_pages() did not map it. */
			if (!(READ_ONCE(page->pp_magic) & PP_ZC_MAPPED))
				memcg_kmem_uncharge_page(page, 0);
			continue;
		}
		/* Marked only now, after the PTE holds its reference: until
		 * here a 2->1 drop is no unmap of ours.
		 */
		if (page_pool_zc_move(page, 0, PP_ZC_MAPPED))
			this_cpu_inc(zc->stats->mapped);
	}
}
EXPORT_SYMBOL_IF_KUNIT(__page_pool_zc_commit);

/**
 * page_pool_zc_park() - keep a user-mapped page when its skb lets go of it
 * @pool: the page's pool
 * @netmem: a page whose last pp reference was just dropped, refcount > 1
 *
 * Return: true if the page is mapped and charged and now parked: it stays
 * in flight, marked and DMA-mapped, until the mm side gives it back.
 */
bool page_pool_zc_park(struct page_pool *pool, netmem_ref netmem)
{
	struct page *page;

	if (!pool->zc || netmem_is_net_iov(netmem))
		return false;
	page = netmem_to_page(netmem);
	if (!page_pool_zc_move(page, PP_ZC_MAPPED, PP_ZC_PARKED))
		return false;
	this_cpu_inc(pool->zc->stats->parked);
	return true;
}

/**
 * page_pool_zc_unmapped() - a page the pool is about to recycle or release
 * @pool: the page's pool
 * @netmem: the page
 *
 * Uncharges a page whose mapping went away without the callback seeing it
 * (unmapped while its skb still held it, in the window before it was marked).
 */
void page_pool_zc_unmapped(struct page_pool *pool, netmem_ref netmem)
{
	struct page *page;

	if (!pool->zc || netmem_is_net_iov(netmem))
		return;
	page = netmem_to_page(netmem);
	if (page_pool_zc_clear(page))
		page_pool_zc_uncharge(pool->zc, page);
}

int page_pool_zc_init(struct page_pool *pool)
{
	struct page_pool_zc *zc;

	if (!(pool->slow.flags & PP_FLAG_ZC_MEMCG))
		return 0;
	/* Parking and the callback work on whole order-0 pages. */
	if (pool->p.order || (pool->slow.flags & PP_FLAG_ALLOW_UNREADABLE_NETMEM))
		return -EINVAL;

	zc = kzalloc(sizeof(*zc), GFP_KERNEL);
	if (!zc)
		return -ENOMEM;
	zc->stats = alloc_percpu(struct page_pool_zc_stats);
	if (!zc->stats)
		goto err_free;
	if (ptr_ring_init(&zc->deferred, PP_ZC_DEFER_RING, GFP_KERNEL))
		goto err_stats;
	INIT_WORK(&zc->work, page_pool_zc_deferred_work);
	zc->pool = pool;
	zc->ops = pool->slow.zc_ops ?: &page_pool_zc_default_ops;
	pool->zc = zc;
	static_branch_inc(&page_pool_zc_key);
	return 0;

err_stats:
	free_percpu(zc->stats);
err_free:
	kfree(zc);
	return -ENOMEM;
}

void page_pool_zc_destroy(struct page_pool *pool)
{
	struct page_pool_zc *zc = pool->zc;

	if (!zc)
		return;
	/* No page is in flight any more, so nothing is parked or deferred;
	 * wait for a deferred run still draining, and for callbacks that
	 * looked up this pool from a page just before it left.
	 */
	cancel_work_sync(&zc->work);
	synchronize_rcu();
	WARN_ON_ONCE(!ptr_ring_empty_any(&zc->deferred));
	ptr_ring_cleanup(&zc->deferred, NULL);
	free_percpu(zc->stats);
	kfree(zc);
	pool->zc = NULL;
	static_branch_dec(&page_pool_zc_key);
}

void page_pool_zc_get_stats(const struct page_pool *pool,
			    struct page_pool_zc_stats *sum)
{
	int cpu;

	if (!pool->zc)
		return;
	for_each_possible_cpu(cpu) {
		const struct page_pool_zc_stats *s = per_cpu_ptr(pool->zc->stats, cpu);

		sum->mapped += s->mapped;
		sum->charge_fail += s->charge_fail;
		sum->parked += s->parked;
		sum->uncharged += s->uncharged;
		sum->recycled += s->recycled;
		sum->released += s->released;
	}
}

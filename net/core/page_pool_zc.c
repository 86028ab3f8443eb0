// SPDX-License-Identifier: GPL-2.0
/*
 * Page-pool pages mapped by TCP_ZEROCOPY_RECEIVE: memcg charge, parking, and
 * the hand-back to the pool when the last reference goes.
 *
 * State of a page of an opted-in pool, in pp_magic (include/linux/mm.h):
 *
 *   0 --charge, map--> MAPPED --skb freed, user holds it--> MAPPED|PARKED
 *   ^                    |                                        |
 *   +--------------------+ skb freed, the pool holds it alone:    |
 *   |                      uncharge, recycle as usual             |
 *   +---------------------------------------------- refcount 0: --+
 *                              uncharge, refcount 1, ring (or release)
 *
 * Until a page is parked its pool holds a reference and only the pool side
 * changes its state. Parking drops that reference: from then on the page is
 * user space's, and whoever takes its refcount to zero, which happens once,
 * owns it and hands it back (the mm's zero paths in mm/swap.c, or the pool
 * itself if user space let go first). Nothing else reads the state, so a
 * non-final put runs nothing new and no stale trigger exists. Only the
 * claim is contended (the same page in two batches, or mapped by two
 * sockets through shared frags): it is a test-and-set.
 *
 * A parked page is its pool's alone: nothing may take it for its own on
 * the strength of a refcount of one or an empty ->mapping (pipes refuse to
 * steal pool pages), and the hand-back checks that it is still the page
 * the pool parked before a ring gets it. A parked page freed by a path that
 * skips the zero paths (__free_pages(), page_frag_free()) is caught there
 * and handed back.
 */

#include <linux/err.h>
#include <linux/jump_label_ratelimit.h>
#include <linux/llist.h>
#include <linux/page-flags.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/sysctl.h>
#include <linux/workqueue.h>
#include <kunit/static_stub.h>
#include <kunit/visibility.h>
#include <net/net_namespace.h>
#include <net/netdev_rx_queue.h>
#include <net/page_pool/helpers.h>
#include <net/page_pool/zc_memcg.h>

#include "page_pool_priv.h"
#include "page_pool_zc.h"

/* Charges may reclaim but must not OOM-kill: a failed charge only means
 * the bytes go by copy.
 */
#define PP_ZC_CHARGE_GFP	(GFP_KERNEL | __GFP_RETRY_MAYFAIL | __GFP_NOWARN)

/* TCP_ZEROCOPY_PAGE_BATCH_SIZE: the pages of one vm_insert_pages() call. */
#define PP_ZC_BATCH_MAX		32

/* On while a PP_FLAG_ZC_MEMCG pool exists or net.core.zerocopy_rx_strict is
 * set, and for a second after: pools come and go in bursts (a ring resize,
 * a flag toggle, a device reset), and each off-on flip patches the kernel
 * text on every CPU.
 */
DEFINE_STATIC_KEY_FALSE(page_pool_zc_key);
EXPORT_SYMBOL_GPL(page_pool_zc_key);

static void page_pool_zc_key_off(struct work_struct *work)
{
	static_branch_dec(&page_pool_zc_key);
}

static DECLARE_DELAYED_WORK(page_pool_zc_key_off_work, page_pool_zc_key_off);

static void page_pool_zc_key_get(void)
{
	static_branch_inc(&page_pool_zc_key);
}

/* The last holder's decrement waits PP_ZC_KEY_LINGER; a get in between
 * takes the count back up without patching anything.
 */
#define PP_ZC_KEY_LINGER	HZ

static void page_pool_zc_key_put(void)
{
	__static_key_slow_dec_deferred(&page_pool_zc_key.key,
				       &page_pool_zc_key_off_work,
				       PP_ZC_KEY_LINGER);
}

/* Let a lingering key go off now (tests that need it off). */
VISIBLE_IF_KUNIT void page_pool_zc_key_settle(void)
{
	flush_delayed_work(&page_pool_zc_key_off_work);
}
EXPORT_SYMBOL_IF_KUNIT(page_pool_zc_key_settle);

static int page_pool_zc_strict;
static DEFINE_MUTEX(page_pool_zc_strict_lock);

/* The zero-copy state of a pool page, or NULL if the page is not one. The
 * caller holds the page in an skb, which keeps its pool.
 */
static struct page_pool_zc *page_pool_zc_of(struct page *page)
{
	if (!page_pool_page_is_pp(page))
		return NULL;
	return READ_ONCE(page->pp)->zc;
}

static void page_pool_zc_update(struct page *page, unsigned long clear,
				unsigned long set)
{
	unsigned long old = READ_ONCE(page->pp_magic);

	while (!try_cmpxchg(&page->pp_magic, &old, (old & ~clear) | set))
		;
}

/* Set PP_ZC_MAPPED unless it is set already; true if this call set it. */
static bool page_pool_zc_claim(struct page *page)
{
	unsigned long old = READ_ONCE(page->pp_magic);

	do {
		if (old & PP_ZC_MAPPED)
			return false;
	} while (!try_cmpxchg(&page->pp_magic, &old, old | PP_ZC_MAPPED));
	return true;
}

static void page_pool_zc_uncharge(struct page_pool_zc *zc, struct page *page)
{
	if (memcg_kmem_uncharge_zc_page(page))
		this_cpu_inc(zc->stats->uncharged);
}

/* Where a page may not be uncharged or recycled: the ring's producer lock,
 * the DMA index xarray and, on PREEMPT_RT, the memcg stock's local lock
 * sleep or need BH.
 */
static bool page_pool_zc_must_defer(void)
{
	return in_hardirq() || irqs_disabled() ||
	       (IS_ENABLED(CONFIG_PREEMPT_RT) && !preemptible());
}

/* Each kind of fault is a bug elsewhere that this code contained: said
 * once per boot, with the stack that got there. The KUnit suite intercepts
 * it.
 */
VISIBLE_IF_KUNIT void __page_pool_zc_report(const struct page *page,
					    const char *what, bool *said)
{
	KUNIT_STATIC_STUB_REDIRECT(__page_pool_zc_report, page, what, said);
	if (READ_ONCE(*said))
		return;
	WRITE_ONCE(*said, true);
	pr_warn("page_pool_zc: %s: pfn %#lx pp_magic %#lx\n", what,
		page_to_pfn(page), READ_ONCE(page->pp_magic));
	dump_stack();
}
EXPORT_SYMBOL_IF_KUNIT(__page_pool_zc_report);

#define page_pool_zc_report(page, what) do {				\
	static bool __said;						\
									\
	__page_pool_zc_report(page, what, &__said);			\
} while (0)

/* A parked page's pp_ref_count is unused while its refcount is zero: it
 * links the page into the deferral list.
 */
static struct llist_node *page_pool_zc_node(struct page *page)
{
	BUILD_BUG_ON(sizeof(page->pp_ref_count) < sizeof(struct llist_node));
	return (struct llist_node *)&page->pp_ref_count;
}

static struct page *page_pool_zc_node_page(struct llist_node *node)
{
	return container_of((atomic_long_t *)node, struct page, pp_ref_count);
}

/*
 * While a page is parked, its pp_ref_count is unused: it keeps the DMA
 * address the pool mapped, which the hand-back compares with dma_addr, the
 * word a page-cache index would overwrite.
 */
static void page_pool_zc_park_record(struct page *page)
{
	atomic_long_set(&page->pp_ref_count, (long)page->dma_addr);
}

/*
 * What is wrong with a parked page at refcount zero that its pool must not
 * take back, or NULL: it must be what the pool parked, not a page that
 * something else made its own meanwhile.
 */
static const char *page_pool_zc_unfit(struct page *page)
{
	if (page->mapping || folio_mapped(page_folio(page)) ||
	    (page->flags & PAGE_FLAGS_CHECK_AT_FREE))
		return "parked page owned by the mm";
	if (page->memcg_data && !PageMemcgKmem(page))
		return "parked page charged as user memory";
	if (page->dma_addr != (unsigned long)atomic_long_read(&page->pp_ref_count))
		return "parked page's DMA address changed";
	return NULL;
}

/*
 * A parked page that failed page_pool_zc_unfit(): no ring gets it, nor the
 * page allocator (it may still be DMA-mapped, at an address nobody knows).
 * It stays out of use, counted as parked; its charge goes where the context
 * allows.
 */
static void page_pool_zc_leak(struct page_pool_zc *zc, struct page *page,
			      const char *why)
{
	page_pool_zc_report(page, why);
	if (page_pool_zc_must_defer())
		return;
	if (PageMemcgKmem(page))
		page_pool_zc_uncharge(zc, page);
	else if (page->memcg_data)
		mem_cgroup_uncharge(page_folio(page));
}

/*
 * Give a parked page at refcount zero back to its pool as a plain pool page:
 * uncharged, into the ring, or to the page allocator when the pool is going
 * away, the ring is full, the page came from the reserves or memory
 * failure poisoned it (the page allocator keeps it out of use). Not where
 * page_pool_zc_must_defer(). Counters move first: once the page is handed
 * over, the pool may be freed.
 */
static void page_pool_zc_recycle(struct page_pool *pool, struct page *page)
{
	struct page_pool_zc *zc = pool->zc;
	netmem_ref netmem = page_to_netmem(page);

	page_pool_zc_uncharge(zc, page);
	page_pool_zc_update(page, PP_ZC_STATE_MASK, 0);
	atomic_long_set(&page->pp_ref_count, 1);
	set_page_count(page, 1);
	if (!READ_ONCE(pool->destroy_cnt) && !page_is_pfmemalloc(page) &&
	    !PageHWPoison(page)) {
		this_cpu_inc(zc->stats->recycled);
		if (page_pool_zc_ring_put(pool, netmem))
			return;
		this_cpu_dec(zc->stats->recycled);
	}
	this_cpu_inc(zc->stats->released);
	page_pool_zc_return_page(pool, netmem);
}

static void page_pool_zc_deferred_work(struct work_struct *work)
{
	struct page_pool_zc *zc = container_of(work, struct page_pool_zc, work);
	struct llist_node *node, *next;

	/* Once the last page is back, neither its pool nor zc may be
	 * touched: next is read before the page is handed over.
	 */
	llist_for_each_safe(node, next, llist_del_all(&zc->deferred)) {
		struct page *page = page_pool_zc_node_page(node);

		page_pool_zc_recycle(page->pp, page);
	}
}

/*
 * The hand-back proper: the caller owns @page, a parked page of @pool, an
 * opted-in pool (in flight: the pool stays).
 */
static void __page_pool_zc_hand_back(struct page_pool *pool, struct page *page)
{
	struct page_pool_zc *zc = pool->zc;
	const char *why = page_pool_zc_unfit(page);

	if (unlikely(why)) {
		page_pool_zc_leak(zc, page, why);
		return;
	}
	if (unlikely(page_pool_zc_must_defer())) {
		/* Once on the list the page may be recycled and its pool
		 * freed at once; zc outlives the pool by a grace period.
		 */
		rcu_read_lock();
		if (llist_add(page_pool_zc_node(page), &zc->deferred))
			schedule_work(&zc->work);
		rcu_read_unlock();
		return;
	}
	page_pool_zc_recycle(pool, page);
}

/*
 * A mapped page that is not parked still had a reference of its pool's,
 * which someone else dropped: its charge goes now where the context allows
 * (the mm would drop the charge, not zerocopy_rx), and the pool gets its
 * reference back, so that its own release recycles the page.
 */
static void page_pool_zc_unparked_at_zero(struct page *page)
{
	struct page_pool *pool = READ_ONCE(page->pp);

	page_pool_zc_report(page, "mapped page freed under its pool");
	if (pool->zc && !page_pool_zc_must_defer())
		page_pool_zc_uncharge(pool->zc, page);
	set_page_count(page, 1);
}

/**
 * page_pool_zc_hand_back() - take back a zero-copy pool page at refcount zero
 * @folio: a folio whose refcount reached zero and whose pp_magic has the
 *	pool signature and PP_ZC_MAPPED set (page_pool_zc_owned())
 *
 * Called instead of freeing the folio by the zero paths of the put_page()
 * family (__folio_put(), folios_put_refs()), before they uncharge it. A
 * parked page is the caller's alone: nobody else can hold or take a
 * reference. It is uncharged and recycled into its pool; in hardirq or
 * with interrupts off, both are deferred to a work item. A parked page
 * that is no longer what its pool parked (page_pool_zc_unfit()) is
 * reported and kept out of use; a mapped page that is not parked
 * (its pool's reference dropped by someone else) is reported and given
 * that reference back.
 *
 * Context: any context but NMI.
 * Return: true if @folio is its pool's again (or kept out of use); false
 * if its pool never opted in, which no mapped page can come from: the
 * caller frees it as usual, and the page allocator's checks see it.
 */
bool page_pool_zc_hand_back(struct folio *folio)
{
	struct page *page = &folio->page;
	struct page_pool *pool = READ_ONCE(page->pp);

	if (unlikely(!pool->zc)) {
		page_pool_zc_report(page, "mapped page of a pool that did not opt in");
		return false;
	}
	if (unlikely(!(READ_ONCE(page->pp_magic) & PP_ZC_PARKED))) {
		page_pool_zc_unparked_at_zero(page);
		return true;
	}
	__page_pool_zc_hand_back(pool, page);
	return true;
}

/**
 * page_pool_zc_free_stray() - take a zero-copy pool page off the free path
 * @page: a zero-copy-mapped pool page whose refcount reached zero past the
 *	put_page() zero paths (__free_pages(), free_pages(),
 *	page_frag_free(), __page_frag_cache_drain()):
 *	page_pool_zc_take_stray()
 *
 * Reported, then handled as page_pool_zc_hand_back() does, so that its
 * charge, zerocopy_rx and its pool's count of pages in flight balance.
 *
 * Context: any context but NMI.
 * Return: true if the caller must not free @page.
 */
bool page_pool_zc_free_stray(struct page *page)
{
	if (READ_ONCE(page->pp_magic) & PP_ZC_PARKED)
		page_pool_zc_report(page, "parked page freed past the hand-back");
	return page_pool_zc_hand_back(page_folio(page));
}

/**
 * page_pool_zc_release() - the pool's last pp reference to a page is gone
 * @pool: the page's pool, an opted-in one (the callers check pool->zc, or
 *	that the page is mapped, which only pages of such pools are)
 * @netmem: the page
 *
 * A mapped page that only its pool holds is uncharged and recycled or
 * released as usual. One that user space still holds is parked: it stays
 * marked, in flight and DMA-mapped, and the pool drops its own reference,
 * so that the last user reference hands it back.
 *
 * Return: true if the page was parked and the caller must leave it alone.
 */
bool page_pool_zc_release(struct page_pool *pool, netmem_ref netmem)
{
	struct page *page;

	if (netmem_is_net_iov(netmem))
		return false;
	page = netmem_to_page(netmem);
	if (!(READ_ONCE(page->pp_magic) & PP_ZC_MAPPED))
		return false;
	if (page_ref_count(page) == 1) {
		/* Unmapped before its skb went: a plain pool page again. */
		page_pool_zc_uncharge(pool->zc, page);
		page_pool_zc_update(page, PP_ZC_STATE_MASK, 0);
		return false;
	}
	page_pool_zc_park_record(page);
	page_pool_zc_update(page, 0, PP_ZC_PARKED);
	this_cpu_inc(pool->zc->stats->parked);
	/* Fully ordered: whoever sees zero sees PARKED. */
	if (page_ref_dec_and_test(page))
		__page_pool_zc_hand_back(pool, page);
	return true;
}

/* Charge @nr pages to the memcg of current, leaving @headroom pages. */
int page_pool_zc_charge_pages(struct page **pages, unsigned int nr,
			      unsigned long headroom)
{
	KUNIT_STATIC_STUB_REDIRECT(page_pool_zc_charge_pages, pages, nr,
				   headroom);
	return memcg_kmem_charge_zc_pages(pages, nr, headroom,
					  PP_ZC_CHARGE_GFP);
}

unsigned int __page_pool_zc_charge(struct page **pages, unsigned int nr,
				   bool pp_refs, size_t headroom,
				   unsigned long *claimed)
{
	bool strict = READ_ONCE(page_pool_zc_strict);
	struct page *batch[PP_ZC_BATCH_MAX];
	unsigned int i, n = 0, first = 0;

	*claimed = 0;
	if (WARN_ON_ONCE(nr > PP_ZC_BATCH_MAX))
		nr = PP_ZC_BATCH_MAX;
	/* Without pool references the skb does not keep the pages in their
	 * pool: the pool may let go of them at any time.
	 */
	if (!pp_refs)
		return strict ? 0 : nr;
	for (i = 0; i < nr; i++) {
		struct page *page = pages[i];

		if (!page_pool_zc_of(page)) {
			if (strict)
				break;
			continue;
		}
		if (!page_pool_zc_claim(page)) {
			/* Mapped before, and still its pool's to manage. */
			if (strict && !page->memcg_data)
				break;
			continue;
		}
		if (!n)
			first = i;
		batch[n++] = page;
		*claimed |= BIT(i);
	}
	if (!n)
		return i;

	if (page_pool_zc_charge_pages(batch, n, headroom >> PAGE_SHIFT) ||
	    (strict && !batch[0]->memcg_data)) {
		/* Not charged: a failure, or current is not charged at all
		 * (root cgroup, nokmem) and only charged pages may be mapped.
		 */
		while (n--) {
			this_cpu_inc(page_pool_zc_of(batch[n])->stats->charge_fail);
			page_pool_zc_update(batch[n], PP_ZC_MAPPED, 0);
		}
		*claimed = 0;
		return first;
	}
	return i;
}
EXPORT_SYMBOL_IF_KUNIT(__page_pool_zc_charge);

void __page_pool_zc_commit(struct page **pages, unsigned int nr_mapped,
			   unsigned int nr_charged, unsigned long claimed)
{
	unsigned int i;

	for_each_set_bit(i, &claimed, nr_charged) {
		struct page *page = pages[i];
		struct page_pool_zc *zc = page_pool_zc_of(page);

		if (i < nr_mapped) {
			if (page->memcg_data)
				this_cpu_inc(zc->stats->mapped);
			else
				this_cpu_inc(zc->stats->nocharge);
			continue;
		}
		/* Claimed, then vm_insert_pages() did not map it. */
		memcg_kmem_uncharge_zc_page(page);
		page_pool_zc_update(page, PP_ZC_MAPPED, 0);
	}
}
EXPORT_SYMBOL_IF_KUNIT(__page_pool_zc_commit);

bool page_pool_zc_all_parked(const struct page_pool *pool, int inflight)
{
	struct page_pool_zc_stats s = {};

	if (!pool->zc)
		return false;
	page_pool_zc_get_stats(pool, &s);
	return inflight <= (s64)(s.parked - s.recycled - s.released);
}

static void page_pool_zc_free_work(struct work_struct *work)
{
	struct page_pool_zc *zc = container_of(to_rcu_work(work),
					       struct page_pool_zc, free_work);

	/* No page is in flight: only an empty run may still be queued. */
	cancel_work_sync(&zc->work);
	WARN_ON_ONCE(!llist_empty(&zc->deferred));
	free_percpu(zc->stats);
	kfree(zc);
	page_pool_zc_key_put();
}

int page_pool_zc_init(struct page_pool *pool)
{
	struct page_pool_zc *zc;

	if (!(pool->slow.flags & PP_FLAG_ZC_MEMCG))
		return 0;
	/* Parking and the hand-back work on whole order-0 pages. */
	if (pool->p.order || (pool->slow.flags & PP_FLAG_ALLOW_UNREADABLE_NETMEM))
		return -EINVAL;

	zc = kzalloc(sizeof(*zc), GFP_KERNEL);
	if (!zc)
		return -ENOMEM;
	zc->stats = alloc_percpu(struct page_pool_zc_stats);
	if (!zc->stats) {
		kfree(zc);
		return -ENOMEM;
	}
	init_llist_head(&zc->deferred);
	INIT_WORK(&zc->work, page_pool_zc_deferred_work);
	INIT_RCU_WORK(&zc->free_work, page_pool_zc_free_work);
	pool->zc = zc;
	page_pool_zc_key_get();
	return 0;
}

void page_pool_zc_destroy(struct page_pool *pool)
{
	struct page_pool_zc *zc = pool->zc;

	if (!zc)
		return;
	pool->zc = NULL;
	/* The hand-back that deferred the pool's last page may not have
	 * scheduled zc->work yet: free zc after a grace period, no
	 * synchronize_rcu() here (under rtnl, per pool).
	 */
	queue_rcu_work(system_wq, &zc->free_work);
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
		sum->nocharge += s->nocharge;
	}
}

/* net.core.zerocopy_rx_strict: 1 maps only charged pages (the key must be
 * on for that even without an opted-in pool), 0 also maps pages that
 * cannot be charged, uncharged.
 */
static int page_pool_zc_strict_handler(const struct ctl_table *table,
				       int write, void *buffer, size_t *lenp,
				       loff_t *ppos)
{
	int old, ret;

	mutex_lock(&page_pool_zc_strict_lock);
	old = page_pool_zc_strict;
	ret = proc_dointvec_minmax(table, write, buffer, lenp, ppos);
	if (!ret && write && old != page_pool_zc_strict) {
		if (page_pool_zc_strict)
			page_pool_zc_key_get();
		else
			page_pool_zc_key_put();
	}
	mutex_unlock(&page_pool_zc_strict_lock);
	return ret;
}

static struct ctl_table page_pool_zc_sysctl[] = {
	{
		.procname	= "zerocopy_rx_strict",
		.data		= &page_pool_zc_strict,
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= page_pool_zc_strict_handler,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_ONE,
	},
};

static int __init page_pool_zc_sysctl_init(void)
{
	if (!register_net_sysctl(&init_net, "net/core", page_pool_zc_sysctl))
		return -ENOMEM;
	return 0;
}
late_initcall(page_pool_zc_sysctl_init);

/* SPDX-License-Identifier: GPL-2.0 */
/* Internals of net/core/page_pool_zc.c shared with its KUnit suites. */
#ifndef __PAGE_POOL_ZC_H
#define __PAGE_POOL_ZC_H

#include <linux/llist.h>
#include <linux/workqueue.h>
#include <net/page_pool/types.h>

/**
 * struct page_pool_zc - zero-copy state of a PP_FLAG_ZC_MEMCG pool
 * @deferred: parked pages handed back with interrupts off, for @work
 * @work: recycles @deferred in process context
 * @free_work: frees this after an RCU grace period once the pool is gone
 * @stats: the counters
 */
struct page_pool_zc {
	struct llist_head deferred;
	struct work_struct work;
	struct rcu_work free_work;
	struct page_pool_zc_stats __percpu *stats;
};

int page_pool_zc_charge_pages(struct page **pages, unsigned int nr,
			      unsigned long headroom);

#if IS_ENABLED(CONFIG_KUNIT)
void __page_pool_zc_report(const struct page *page, const char *what,
			   bool *said);
void page_pool_zc_key_settle(void);
#endif

#endif /* __PAGE_POOL_ZC_H */

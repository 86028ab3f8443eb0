/* SPDX-License-Identifier: GPL-2.0 */
/* Internals of net/core/page_pool_zc.c shared with its KUnit suite. */
#ifndef __PAGE_POOL_ZC_H
#define __PAGE_POOL_ZC_H

#include <linux/ptr_ring.h>
#include <linux/workqueue.h>
#include <net/page_pool/types.h>

/* Parked pages whose last user reference went with interrupts off wait
 * here for process context; past this many they are released instead.
 */
#define PP_ZC_DEFER_RING	256

struct page_pool_zc {
	struct page_pool *pool;
	const struct page_pool_zc_ops *ops;
	struct ptr_ring deferred;
	struct work_struct work;
	struct page_pool_zc_stats __percpu *stats;
};

int page_pool_zc_charge_page(struct page *page);

#endif /* __PAGE_POOL_ZC_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * ppbench: what the put_page() family, the page pool and the kit's
 * zero-copy accounting cost, in guest instructions.
 *
 * Built against the kit tree and against pristine 6.12 (tools/bench/run).
 * Under QEMU "-icount shift=0,sleep=off" the guest's TSC advances by one per
 * guest instruction, so the TSC delta of a loop is the number of
 * instructions it ran. Each case runs @loops operations @runs times; the
 * minimum is reported, so that a run a timer tick landed in does not count.
 * Everything runs at module load, in the loading task: charges go to its
 * memory cgroup, and the anonymous regions are mapped into its mm.
 *
 * One line per case on the console:
 *   ppbench: PHASE CASE ops=N insns=M
 * PHASE is "off" (no opted-in pool: on the kit, the static key is off) or
 * "on" (the kit only: a PP_FLAG_ZC_MEMCG pool exists, so the key is on).
 * The load fails if a case did not do what it measures.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bottom_half.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/memcontrol.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/shmem_fs.h>
#include <net/page_pool/helpers.h>
#include <asm/tsc.h>
#ifdef CONFIG_PAGE_POOL_ZC_MEMCG
#include <net/page_pool/zc_memcg.h>
#endif

static unsigned int loops = 1000;
module_param(loops, uint, 0444);
MODULE_PARM_DESC(loops, "operations per run (default 1000)");

static unsigned int runs = 7;
module_param(runs, uint, 0444);
MODULE_PARM_DESC(runs, "runs per case; the minimum is reported (default 7)");

/* The TCP zero-copy batch: at most 32 pages per charge. */
#define PPB_BATCH	32

/* Pages per anonymous region or tmpfs file in the ordinary-page cases:
 * two full folio batches (PAGEVEC_SIZE, 31) and a short one, as munmap()
 * and truncate hand them to folios_put_refs(). A run covers @loops pages,
 * rounded up to whole regions.
 */
#define PPB_REGION	64

struct ppb {
	struct page_pool *pool;	/* the pool under test */
	struct page *page;
	struct page *pages[PPB_BATCH];
	struct page *region[PPB_REGION];
	unsigned int batch;
	bool failed;		/* the case did not do what it measures */
};

typedef u64 (*ppb_fn)(struct ppb *b);

static u64 ppb_clock(void)
{
	barrier();
	return get_cycles();
}

/* The loop alone: what every other figure includes. */
static u64 ppb_loop(struct ppb *b)
{
	u64 t = ppb_clock();
	unsigned int i;

	for (i = 0; i < loops; i++)
		barrier();
	return ppb_clock() - t;
}

/* A non-final put: the zero paths are not taken. */
static u64 ppb_get_put(struct ppb *b)
{
	struct page *page = b->page;
	u64 t = ppb_clock();
	unsigned int i;

	for (i = 0; i < loops; i++) {
		get_page(page);
		put_page(page);
	}
	return ppb_clock() - t;
}

/* The final put of a page that no pool owns: __folio_put(). */
static u64 ppb_alloc_free(struct ppb *b)
{
	u64 t = ppb_clock();
	unsigned int i;

	for (i = 0; i < loops; i++) {
		struct page *page = alloc_page(GFP_KERNEL);

		if (unlikely(!page)) {
			b->failed = true;
			break;
		}
		put_page(page);
	}
	return ppb_clock() - t;
}

/* The same with the page charged to the memcg by the page allocator
 * (__GFP_ACCOUNT): upstream's own cost of a kmem page charge + uncharge,
 * the reference for the kit's charge.
 */
static u64 ppb_alloc_free_account(struct ppb *b)
{
	u64 t = ppb_clock();
	unsigned int i;

	for (i = 0; i < loops; i++) {
		struct page *page = alloc_page(GFP_KERNEL_ACCOUNT);

		if (unlikely(!page || !page->memcg_data)) {
			b->failed = true;
			if (page)
				put_page(page);
			break;
		}
		put_page(page);
	}
	return ppb_clock() - t;
}

/* Page pool alloc + recycle into the alloc cache, as NAPI does (XDP_DROP):
 * bottom halves off.
 */
static u64 ppb_pp_direct(struct ppb *b)
{
	unsigned int i;
	u64 t;

	local_bh_disable();
	t = ppb_clock();
	for (i = 0; i < loops; i++) {
		struct page *page = page_pool_dev_alloc_pages(b->pool);

		if (unlikely(!page)) {
			b->failed = true;
			break;
		}
		page_pool_recycle_direct(b->pool, page);
	}
	t = ppb_clock() - t;
	local_bh_enable();
	return t;
}

/* Alloc + recycle through the ptr_ring, from process context as a socket
 * freeing a received skb does.
 */
static u64 ppb_pp_ring(struct ppb *b)
{
	u64 t = ppb_clock();
	unsigned int i;

	for (i = 0; i < loops; i++) {
		struct page *page = page_pool_dev_alloc_pages(b->pool);

		if (unlikely(!page)) {
			b->failed = true;
			break;
		}
		page_pool_put_full_page(b->pool, page, false);
	}
	return ppb_clock() - t;
}

/* The slow path: someone else still holds the page when the pool lets go,
 * so the pool releases it, the last put frees it and the next alloc comes
 * from the page allocator (in bulk).
 */
static u64 ppb_pp_slow(struct ppb *b)
{
	u64 t = ppb_clock();
	unsigned int i;

	for (i = 0; i < loops; i++) {
		struct page *page = page_pool_dev_alloc_pages(b->pool);

		if (unlikely(!page)) {
			b->failed = true;
			break;
		}
		get_page(page);
		page_pool_put_full_page(b->pool, page, false);
		put_page(page);
	}
	return ppb_clock() - t;
}

static unsigned int ppb_regions(void)
{
	return DIV_ROUND_UP(loops, PPB_REGION);
}

/* A private anonymous region of PPB_REGION pages, populated: each page is
 * an order-0 anonymous folio on an LRU, charged to the loading task's memcg.
 */
static unsigned long ppb_anon_map(void)
{
	return vm_mmap(NULL, 0, PPB_REGION * PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, 0);
}

/* munmap() of a populated anonymous region, all of it timed: zap, TLB
 * flush, the final puts in batches (folios_put_refs() under the lruvec
 * lock, memcg uncharge, free), page tables and VMA.
 */
static u64 ppb_munmap(struct ppb *b)
{
	unsigned int i;
	u64 t = 0;

	for (i = 0; i < ppb_regions(); i++) {
		unsigned long addr = ppb_anon_map();
		u64 t0;
		int err;

		if (IS_ERR_VALUE(addr)) {
			b->failed = true;
			break;
		}
		t0 = ppb_clock();
		err = vm_munmap(addr, PPB_REGION * PAGE_SIZE);
		t += ppb_clock() - t0;
		if (unlikely(err)) {
			b->failed = true;
			break;
		}
	}
	return t;
}

/* Only the final puts of munmap(), timed alone: the region's pages are
 * taken with get_user_pages_fast() and the region unmapped, outside the
 * clock, so that our reference is the last one on each anonymous folio,
 * which is on its LRU; then release_pages() (folio batches of 31 to
 * folios_put_refs()) frees them.
 */
static u64 ppb_release_pages(struct ppb *b)
{
	unsigned int i, j;
	u64 t = 0;

	for (i = 0; i < ppb_regions(); i++) {
		unsigned long addr = ppb_anon_map();
		bool ok;
		int n;
		u64 t0;

		if (IS_ERR_VALUE(addr)) {
			b->failed = true;
			break;
		}
		n = get_user_pages_fast(addr, PPB_REGION, FOLL_WRITE,
					b->region);
		ok = !vm_munmap(addr, PPB_REGION * PAGE_SIZE) &&
		     n == PPB_REGION;
		for (j = 0; ok && j < PPB_REGION; j++) {
			struct folio *folio = page_folio(b->region[j]);

			ok = folio_test_anon(folio) && folio_test_lru(folio) &&
			     !folio_test_large(folio) &&
			     folio_ref_count(folio) == 1;
		}
		t0 = ppb_clock();
		if (n > 0)
			release_pages(b->region, n);
		t += ppb_clock() - t0;
		if (unlikely(!ok)) {
			b->failed = true;
			break;
		}
	}
	return t;
}

/* Truncate of a tmpfs file (a memfd's kind of file: shmem_file_setup(),
 * VM_NORESERVE) to zero, as ftruncate() does it, less the syscall: the
 * file's PPB_REGION page-cache folios, written before the clock starts,
 * are removed from the page cache and freed in folio batches. Timed per
 * page.
 */
static u64 ppb_truncate(struct ppb *b)
{
	struct file *file;
	unsigned int i, j;
	u64 t = 0;

	file = shmem_file_setup("ppbench", 0, VM_NORESERVE);
	if (IS_ERR(file)) {
		b->failed = true;
		return 0;
	}
	for (i = 0; i < ppb_regions(); i++) {
		loff_t pos = 0;
		long err;
		u64 t0;

		for (j = 0; j < PPB_REGION; j++)
			if (kernel_write(file, page_address(b->page), PAGE_SIZE,
					 &pos) != PAGE_SIZE)
				break;
		if (unlikely(file->f_mapping->nrpages != PPB_REGION)) {
			b->failed = true;
			break;
		}
		t0 = ppb_clock();
		err = vfs_truncate(&file->f_path, 0);
		t += ppb_clock() - t0;
		if (unlikely(err || file->f_mapping->nrpages)) {
			b->failed = true;
			break;
		}
	}
	fput(file);
	return t;
}

#ifdef CONFIG_PAGE_POOL_ZC_MEMCG
/*
 * The kit's cycle of one page, as tcp_zerocopy_receive(), the skb free and
 * munmap play it: alloc from the pool, charge, map (the PTE's reference),
 * commit; the skb is freed while the page is mapped, so the pool parks it;
 * the last put hands it back, uncharged, into the ring.
 */
static u64 ppb_zc_cycle(struct ppb *b)
{
	u64 t = ppb_clock();
	unsigned int i;

	for (i = 0; i < loops; i++) {
		struct page *page = page_pool_dev_alloc_pages(b->pool);
		unsigned long claimed;

		if (unlikely(!page ||
			     page_pool_zc_charge(&page, 1, true, 0, &claimed) != 1)) {
			b->failed = true;
			break;
		}
		get_page(page);
		page_pool_zc_commit(&page, 1, 1, claimed);
		page_pool_put_full_page(b->pool, page, false);
		put_page(page);
	}
	return ppb_clock() - t;
}

/* The same cycle as tcp_zerocopy_receive() batches it: b->batch pages
 * allocated, charged and committed together, each then freed by its skb
 * and handed back by its last put.
 */
static u64 ppb_zc_cycle_batch(struct ppb *b)
{
	u64 t = ppb_clock();
	unsigned int i, j;

	for (i = 0; i < loops; i++) {
		unsigned long claimed;

		for (j = 0; j < b->batch; j++) {
			b->pages[j] = page_pool_dev_alloc_pages(b->pool);
			if (unlikely(!b->pages[j]))
				goto fail;
		}
		if (unlikely(page_pool_zc_charge(b->pages, b->batch, true, 0,
						 &claimed) != b->batch))
			goto fail;
		for (j = 0; j < b->batch; j++)
			get_page(b->pages[j]);
		page_pool_zc_commit(b->pages, b->batch, b->batch, claimed);
		for (j = 0; j < b->batch; j++)
			page_pool_put_full_page(b->pool, b->pages[j], false);
		for (j = 0; j < b->batch; j++)
			put_page(b->pages[j]);
	}
	return ppb_clock() - t;
fail:
	/* As in ppb_zc_cycle(), a failed case fails the load. */
	b->failed = true;
	return ppb_clock() - t;
}

/* Charge then uncharge b->batch pool pages: claimed, charged to the memcg,
 * then not mapped, so the commit uncharges and unclaims them.
 */
static u64 ppb_charge(struct ppb *b)
{
	u64 t = ppb_clock();
	unsigned int i;

	for (i = 0; i < loops; i++) {
		unsigned long claimed;
		unsigned int n;

		n = page_pool_zc_charge(b->pages, b->batch, true, 0, &claimed);
		if (unlikely(n != b->batch)) {
			b->failed = true;
			break;
		}
		page_pool_zc_commit(b->pages, 0, n, claimed);
	}
	return ppb_clock() - t;
}

/* One charge outside the clock: the pages must really be charged to the
 * memcg of the loading task, then uncharged.
 */
static int ppb_charge_check(struct ppb *b)
{
	struct mem_cgroup *memcg = get_mem_cgroup_from_mm(current->mm);
	unsigned long claimed;
	unsigned int n, i;
	int ret = 0;

	if (!memcg || !parent_mem_cgroup(memcg)) {
		pr_err("load ppbench from a memory cgroup: charges go to its memcg\n");
		ret = -EINVAL;
		goto out;
	}
	n = page_pool_zc_charge(b->pages, PPB_BATCH, true, 0, &claimed);
	for (i = 0; i < PPB_BATCH; i++) {
		struct folio *folio = page_folio(b->pages[i]);

		rcu_read_lock();
		if (i >= n || folio_memcg(folio) != memcg)
			ret = -EIO;
		rcu_read_unlock();
	}
	page_pool_zc_commit(b->pages, 0, n, claimed);
	for (i = 0; i < PPB_BATCH; i++)
		if (b->pages[i]->memcg_data)
			ret = -EIO;
	if (ret)
		pr_err("charge check: %u of %u pages charged to the loading memcg, or not uncharged\n",
		       n, PPB_BATCH);
out:
	mem_cgroup_put(memcg);
	return ret;
}
#endif /* CONFIG_PAGE_POOL_ZC_MEMCG */

/* Run case @fn @runs times; @ops: the operations one run performs. */
static int ppb_run(const char *phase, const char *name, ppb_fn fn,
		   struct ppb *b, unsigned int ops)
{
	u64 best = U64_MAX;
	unsigned int r;

	b->failed = false;
	for (r = 0; r < runs; r++) {
		best = min(best, fn(b));
		cond_resched();
	}
	if (b->failed) {
		pr_err("%s %s: the case failed\n", phase, name);
		return -EIO;
	}
	pr_info("%s %s ops=%u insns=%llu\n", phase, name, ops, best);
	return 0;
}

static struct page_pool *ppb_pool(unsigned int flags)
{
	struct page_pool_params pp = {
		.order = 0,
		.pool_size = 256,
		.nid = NUMA_NO_NODE,
		.flags = flags,
	};

	return page_pool_create(&pp);
}

/* The cases that exist on both trees, on a pool that did not opt in. */
static int ppb_common(const char *phase, struct ppb *b)
{
	struct page_pool *pool = ppb_pool(0);
	int ret;

	if (IS_ERR(pool))
		return PTR_ERR(pool);
	b->pool = pool;
	ret = ppb_run(phase, "loop", ppb_loop, b, loops) ?:
	      ppb_run(phase, "get_put", ppb_get_put, b, loops) ?:
	      ppb_run(phase, "alloc_free", ppb_alloc_free, b, loops) ?:
	      ppb_run(phase, "alloc_free_account", ppb_alloc_free_account, b,
		      loops) ?:
	      ppb_run(phase, "pp_direct", ppb_pp_direct, b, loops) ?:
	      ppb_run(phase, "pp_ring", ppb_pp_ring, b, loops) ?:
	      ppb_run(phase, "pp_slow", ppb_pp_slow, b, loops) ?:
	      ppb_run(phase, "munmap_anon", ppb_munmap, b,
		      ppb_regions() * PPB_REGION) ?:
	      ppb_run(phase, "release_anon", ppb_release_pages, b,
		      ppb_regions() * PPB_REGION) ?:
	      ppb_run(phase, "truncate_shmem", ppb_truncate, b,
		      ppb_regions() * PPB_REGION);
	page_pool_destroy(pool);
	b->pool = NULL;
	return ret;
}

#ifdef CONFIG_PAGE_POOL_ZC_MEMCG
/* With an opted-in pool: the common cases again (key on), then that pool. */
static int ppb_kit_on(struct ppb *b)
{
	struct page_pool *zpool = ppb_pool(PP_FLAG_ZC_MEMCG);
	unsigned int i, n = 0;
	int ret;

	if (IS_ERR(zpool))
		return PTR_ERR(zpool);
	if (!static_key_enabled(&page_pool_zc_key)) {
		pr_err("an opted-in pool exists and the key is off\n");
		ret = -EIO;
		goto out;
	}
	ret = ppb_common("on", b);
	if (ret)
		goto out;

	b->pool = zpool;
	ret = ppb_run("on", "zc_pp_direct", ppb_pp_direct, b, loops) ?:
	      ppb_run("on", "zc_pp_ring", ppb_pp_ring, b, loops) ?:
	      ppb_run("on", "zc_pp_slow", ppb_pp_slow, b, loops) ?:
	      ppb_run("on", "zc_cycle", ppb_zc_cycle, b, loops);
	b->batch = PPB_BATCH;
	ret = ret ?: ppb_run("on", "zc_cycle_32", ppb_zc_cycle_batch, b,
			     loops * PPB_BATCH);
	if (ret)
		goto out;

	for (n = 0; n < PPB_BATCH; n++) {
		b->pages[n] = page_pool_dev_alloc_pages(zpool);
		if (!b->pages[n]) {
			ret = -ENOMEM;
			goto out;
		}
	}
	ret = ppb_charge_check(b);
	if (ret)
		goto out;
	b->batch = 1;
	ret = ppb_run("on", "zc_charge_1", ppb_charge, b, loops);
	b->batch = PPB_BATCH;
	ret = ret ?: ppb_run("on", "zc_charge_32", ppb_charge, b,
			     loops * PPB_BATCH);
out:
	for (i = 0; i < n; i++)
		page_pool_put_full_page(zpool, b->pages[i], false);
	b->pool = NULL;
	page_pool_destroy(zpool);
	return ret;
}
#endif

static int __init ppb_init(void)
{
	struct ppb *b;
	unsigned int i;
	int ret;

	if (!loops || !runs)
		return -EINVAL;
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	b->page = alloc_page(GFP_KERNEL);
	if (!b->page) {
		kfree(b);
		return -ENOMEM;
	}
#ifdef CONFIG_PAGE_POOL_ZC_MEMCG
	/* "off" means the key is off: no other opted-in pool may exist. The
	 * key stays on for a second after the last one goes.
	 */
	for (i = 0; i < 60 && static_key_enabled(&page_pool_zc_key); i++)
		msleep(50);
	if (static_key_enabled(&page_pool_zc_key)) {
		pr_err("the key is on before the off phase (an opted-in pool exists)\n");
		ret = -EBUSY;
		goto out;
	}
#endif
	ret = ppb_common("off", b);
#ifdef CONFIG_PAGE_POOL_ZC_MEMCG
	ret = ret ?: ppb_kit_on(b);
out:
#endif
	put_page(b->page);
	kfree(b);
	if (!ret)
		pr_info("done\n");
	return ret;
}
module_init(ppb_init);

static void __exit ppb_exit(void)
{
}
module_exit(ppb_exit);

#ifdef CONFIG_PAGE_POOL_ZC_MEMCG
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
#endif
MODULE_DESCRIPTION("Page pool and zero-copy accounting costs in guest instructions");
MODULE_LICENSE("GPL");

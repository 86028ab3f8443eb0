// SPDX-License-Identifier: GPL-2.0
/*
 * ppdpdk: DPDK's counterparts of the page pool paths, in guest instructions
 * (make bench runs it in the benchmark VM, where the TSC advances one per
 * guest instruction).
 *
 *   ppdpdk LOOPS RUNS [EAL ARGS...]
 *
 * Cases, each the minimum over RUNS runs of LOOPS operations:
 *   mempool_cache    rte_mempool_get + rte_mempool_put with a per-lcore cache
 *   mempool_ring     the same without a cache: straight to the ring
 *   mbuf_extbuf      rte_pktmbuf_alloc, rte_pktmbuf_attach_extbuf, and
 *                    rte_pktmbuf_free, whose last reference to the external
 *                    buffer calls its free callback: the buffer goes back
 *                    to its owner, as a parked page goes back to its pool
 *
 * Prints "ppdpdk: dpdk CASE ops=N insns=M" per case and exits 0, or says
 * what failed and exits 1.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#define POOL_SIZE	4095
#define CACHE_SIZE	256
#define EXT_LEN		4096

static unsigned int loops, runs;

typedef uint64_t (*case_fn)(void *arg);

static uint64_t mempool_get_put(void *arg)
{
	struct rte_mempool *mp = arg;
	uint64_t t = rte_rdtsc();
	unsigned int i;
	void *obj;

	for (i = 0; i < loops; i++) {
		if (rte_mempool_get(mp, &obj))
			return UINT64_MAX;
		rte_mempool_put(mp, obj);
	}
	return rte_rdtsc() - t;
}

struct extbuf {
	struct rte_mempool *mbufs;
	struct rte_mbuf_ext_shared_info shinfo;
	uint64_t returned;	/* free callbacks run */
	char buf[EXT_LEN] __rte_aligned(EXT_LEN);
};

static void extbuf_free(void *addr, void *opaque)
{
	struct extbuf *e = opaque;

	if (addr == e->buf)
		e->returned++;
}

static uint64_t mbuf_extbuf(void *arg)
{
	struct extbuf *e = arg;
	uint64_t before = e->returned;
	uint64_t t = rte_rdtsc();
	unsigned int i;

	for (i = 0; i < loops; i++) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(e->mbufs);

		if (!m)
			return UINT64_MAX;
		rte_mbuf_ext_refcnt_set(&e->shinfo, 1);
		rte_pktmbuf_attach_extbuf(m, e->buf, rte_mem_virt2iova(e->buf),
					  EXT_LEN, &e->shinfo);
		rte_pktmbuf_free(m);
	}
	t = rte_rdtsc() - t;
	/* Every free must have given the buffer back. */
	return e->returned - before == loops ? t : UINT64_MAX;
}

static int run(const char *name, case_fn fn, void *arg)
{
	uint64_t best = UINT64_MAX;
	unsigned int r;

	for (r = 0; r < runs; r++) {
		uint64_t t = fn(arg);

		if (t == UINT64_MAX) {
			fprintf(stderr, "ppdpdk: %s failed\n", name);
			return 1;
		}
		if (t < best)
			best = t;
	}
	printf("ppdpdk: dpdk %s ops=%u insns=%llu\n", name, loops,
	       (unsigned long long)best);
	return 0;
}

int main(int argc, char **argv)
{
	struct rte_mempool *cached, *uncached;
	static struct extbuf e;
	int n;

	if (argc >= 3) {
		loops = atoi(argv[1]);
		runs = atoi(argv[2]);
	}
	if (!loops || !runs) {
		fprintf(stderr, "usage: ppdpdk LOOPS RUNS [EAL ARGS...]\n");
		return 2;
	}
	/* EAL sees argv[0] and what follows RUNS. */
	argv[2] = argv[0];
	n = rte_eal_init(argc - 2, argv + 2);
	if (n < 0) {
		fprintf(stderr, "ppdpdk: rte_eal_init: %s\n", rte_strerror(rte_errno));
		return 1;
	}

	cached = rte_mempool_create("ppb_cache", POOL_SIZE, 64, CACHE_SIZE, 0,
				    NULL, NULL, NULL, NULL, SOCKET_ID_ANY, 0);
	uncached = rte_mempool_create("ppb_ring", POOL_SIZE, 64, 0, 0,
				      NULL, NULL, NULL, NULL, SOCKET_ID_ANY, 0);
	e.mbufs = rte_pktmbuf_pool_create("ppb_mbuf", POOL_SIZE, CACHE_SIZE, 0,
					  0, SOCKET_ID_ANY);
	if (!cached || !uncached || !e.mbufs) {
		fprintf(stderr, "ppdpdk: pool creation: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	e.shinfo.free_cb = extbuf_free;
	e.shinfo.fcb_opaque = &e;

	n = run("mempool_cache", mempool_get_put, cached) ||
	    run("mempool_ring", mempool_get_put, uncached) ||
	    run("mbuf_extbuf", mbuf_extbuf, &e);
	rte_mempool_free(e.mbufs);
	rte_mempool_free(uncached);
	rte_mempool_free(cached);
	rte_eal_cleanup();
	return n;
}

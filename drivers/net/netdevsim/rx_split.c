// SPDX-License-Identifier: GPL-2.0
/*
 * netdevsim receive side with header/data split.
 *
 * Stock netdevsim hands the receiver the sender's skb, so a zero-copy
 * receiver would map the sender's pages. With tcp-data-split on, the
 * receiving queue behaves like a header-splitting NIC instead: GSO skbs are
 * cut into wire-sized frames, the split engine (firmware/hds.c, what a NIC
 * runs in firmware) finds where the headers end, the headers go to the
 * linear part and the payload to whole pages of the queue's page pool, each
 * chunk at offset 0, and GRO merges the frames by frags. Frames the engine
 * declines are received whole into pool pages, as by a NIC without split.
 *
 * The pools map their pages for the bus device and the emulated device
 * writes through the DMA address, so the driver's syncs are the ones a PCI
 * NIC needs: under swiotlb=force, a missing sync for the CPU shows as
 * wrong bytes.
 */
#include <linux/dma-direct.h>
#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/swiotlb.h>
#include <net/gso.h>
#include <net/page_pool/helpers.h>
#include <net/page_pool/zc_driver.h>

#include "../../../firmware/hds.h"
#include "netdevsim.h"

/* Room in front of a frame received whole, as drivers of real NICs leave. */
#define NSIM_RX_HEADROOM	(NET_SKB_PAD + NET_IP_ALIGN)
/* What the first page of a frame received whole holds of it. */
#define NSIM_RX_WHOLE_HEAD	(SKB_WITH_OVERHEAD(PAGE_SIZE) - NSIM_RX_HEADROOM)

/**
 * nsim_rx_pool_create() - create the page pool of a receive queue
 * @rq: the queue, its NAPI instance already added
 * @zc_memcg: opt the pool in to zero-copy memcg accounting
 *
 * Return: the pool or an ERR_PTR().
 */
struct page_pool *nsim_rx_pool_create(struct nsim_rq *rq, bool zc_memcg)
{
	struct page_pool_params p = {
		.flags = page_pool_zc_pp_flags(zc_memcg),
		.order = 0,
		/*
		 * Pages come back from user space in bursts (a munmap of a
		 * mapping window): an opted-in pool's ring has room for them.
		 */
		.pool_size = zc_memcg ? 4 * NSIM_RING_SIZE : NSIM_RING_SIZE,
		.nid = NUMA_NO_NODE,
		/* The bus device: it has the DMA mask, the netdev has none. */
		.dev = rq->napi.dev->dev.parent,
		.napi = &rq->napi,
		.dma_dir = DMA_FROM_DEVICE,
		.offset = 0,
		.max_len = PAGE_SIZE,
		.netdev = rq->napi.dev,
	};

	return page_pool_create(&p);
}

/**
 * nsim_rx_set_zc_memcg() - switch the receive pools' zero-copy accounting
 * @ns: the device
 * @on: the new state of the rx-zc-memcg private flag
 *
 * A pool's flags are fixed at creation, so a running device gets new pools:
 * all are created first, so a failure changes nothing, then each queue's
 * NAPI is paused for the swap. The old pools are destroyed; pages still
 * mapped in user space keep them alive until they come back.
 *
 * Context: RTNL held.
 * Return: 0 or the error of page_pool_create().
 */
int nsim_rx_set_zc_memcg(struct netdevsim *ns, bool on)
{
	struct net_device *dev = ns->netdev;
	struct page_pool **pools;
	int i, err = 0;

	ASSERT_RTNL();
	if (ns->rx_zc_memcg == on)
		return 0;
	if (!netif_running(dev)) {
		ns->rx_zc_memcg = on;
		return 0;
	}

	pools = kcalloc(dev->num_rx_queues, sizeof(*pools), GFP_KERNEL);
	if (!pools)
		return -ENOMEM;
	for (i = 0; i < dev->num_rx_queues; i++) {
		pools[i] = nsim_rx_pool_create(&ns->rq[i], on);
		if (IS_ERR(pools[i])) {
			err = PTR_ERR(pools[i]);
			break;
		}
	}
	if (err) {
		while (i--)
			page_pool_destroy(pools[i]);
		goto out;
	}

	ns->rx_zc_memcg = on;
	for (i = 0; i < dev->num_rx_queues; i++) {
		struct nsim_rq *rq = &ns->rq[i];

		/* A pool is destroyed with its NAPI disabled. */
		napi_disable(&rq->napi);
		swap(rq->page_pool, pools[i]);
		page_pool_destroy(pools[i]);
		napi_enable(&rq->napi);
	}
out:
	kfree(pools);
	return err;
}

static void nsim_rx_count(struct nsim_rq *rq, u64_stats_t *counter)
{
	u64_stats_update_begin(&rq->split_stats.syncp);
	u64_stats_inc(counter);
	u64_stats_update_end(&rq->split_stats.syncp);
}

static void nsim_rx_deliver(struct nsim_rq *rq, struct sk_buff *skb)
{
	struct netdevsim *ns = netdev_priv(rq->napi.dev);

	skb->protocol = eth_type_trans(skb, ns->netdev);
	skb_record_rx_queue(skb, rq - ns->rq);
	napi_gro_receive(&rq->napi, skb);
}

/*
 * Receive @len bytes of @src at @off of a pool page. The device writes
 * through the page's DMA address, then the driver syncs the range for the
 * CPU. netdevsim's bus has no IOMMU: dma-direct maps a page to its own
 * physical address or, bouncing, to a swiotlb slot. Any other address
 * (global DMA ops: Xen PV, GART) is not one the emulation can write to,
 * and the frame is dropped.
 */
static bool nsim_rx_dma(struct page_pool *pool, struct page *page,
			unsigned int off, const void *src, unsigned int len)
{
	dma_addr_t dma = page_pool_get_dma_addr(page) + off;
	phys_addr_t phys = dma_to_phys(pool->p.dev, dma);

	if (phys != page_to_phys(page) + off &&
	    !is_swiotlb_force_bounce(pool->p.dev)) {
		WARN_ONCE(1, "netdevsim: pool pages are not mapped by dma-direct\n");
		return false;
	}
	memcpy(phys_to_virt(phys), src, len);
	page_pool_dma_sync_for_cpu(pool, page, off, len);
	return true;
}

/* Headers into a new skb's linear part, the payload chunks into pool pages. */
static struct sk_buff *nsim_rx_split_frame(struct nsim_rq *rq,
					   const struct sk_buff *frame,
					   unsigned int hdr_len,
					   const struct hds_chunk *chunk,
					   unsigned int n)
{
	struct sk_buff *skb;
	unsigned int i;

	skb = napi_alloc_skb(&rq->napi, hdr_len);
	if (!skb)
		return NULL;
	/* Frags added below go back to the pool if the skb is freed early. */
	skb_mark_for_recycle(skb);
	skb_put_data(skb, frame->data, hdr_len);
	for (i = 0; i < n; i++) {
		struct page *page = page_pool_dev_alloc_pages(rq->page_pool);

		if (!page)
			goto free_skb;
		skb_add_rx_frag(skb, i, page, 0, chunk[i].len, PAGE_SIZE);
		if (!nsim_rx_dma(rq->page_pool, page, 0,
				 frame->data + chunk[i].off, chunk[i].len))
			goto free_skb;
	}
	/*
	 * The peer offloaded its checksum, so the emulated wire carries none
	 * to verify; the engine split plain TCP, one checksum level.
	 */
	if (frame->ip_summed == CHECKSUM_PARTIAL)
		skb->ip_summed = CHECKSUM_UNNECESSARY;
	return skb;

free_skb:
	kfree_skb(skb);
	return NULL;
}

/*
 * The whole frame behind the headroom of one pool page and, past what that
 * page holds, in further pool pages at offset 0.
 */
static struct sk_buff *nsim_rx_whole_frame(struct nsim_rq *rq,
					   struct sk_buff *frame)
{
	unsigned int head = min_t(unsigned int, frame->len, NSIM_RX_WHOLE_HEAD);
	struct page_pool *pool = rq->page_pool;
	unsigned int off, i = 0;
	struct sk_buff *skb;
	struct page *page;

	/* ETH_MAX_MTU fits in MAX_SKB_FRAGS pages: never true. */
	if (DIV_ROUND_UP(frame->len - head, PAGE_SIZE) > MAX_SKB_FRAGS)
		return NULL;
	/*
	 * A wire frame carries a complete checksum: finish the peer's, at
	 * any encapsulation level, and let the stack verify it.
	 */
	if (frame->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(frame))
		return NULL;
	page = page_pool_dev_alloc_pages(pool);
	if (!page)
		return NULL;
	if (!nsim_rx_dma(pool, page, NSIM_RX_HEADROOM, frame->data, head)) {
		page_pool_put_full_page(pool, page, true);
		return NULL;
	}
	skb = napi_build_skb(page_address(page), PAGE_SIZE);
	if (!skb) {
		page_pool_put_full_page(pool, page, true);
		return NULL;
	}
	skb_mark_for_recycle(skb);
	skb_reserve(skb, NSIM_RX_HEADROOM);
	skb_put(skb, head);
	for (off = head; off < frame->len; off += PAGE_SIZE) {
		unsigned int len = min_t(unsigned int, frame->len - off, PAGE_SIZE);

		page = page_pool_dev_alloc_pages(pool);
		if (!page)
			goto free_skb;
		skb_add_rx_frag(skb, i++, page, 0, len, PAGE_SIZE);
		if (!nsim_rx_dma(pool, page, 0, frame->data + off, len))
			goto free_skb;
	}
	return skb;

free_skb:
	kfree_skb(skb);
	return NULL;
}

/*
 * Receive one linear wire frame into the queue's pool: split when the engine
 * finds TCP payload behind the headers, whole otherwise. Consumes @frame.
 */
static void nsim_rx_place(struct nsim_rq *rq, struct sk_buff *frame)
{
	struct hds_chunk chunk[HDS_MAX_CHUNKS];
	struct hds_result res;
	struct sk_buff *skb;
	unsigned int n = 0;

	if (hds_parse(frame->data, frame->len, &res) == HDS_SPLIT)
		n = hds_layout(&res, PAGE_SIZE, chunk,
			       min_t(unsigned int, HDS_MAX_CHUNKS,
				     MAX_SKB_FRAGS));
	if (n)
		skb = nsim_rx_split_frame(rq, frame, res.hdr_len, chunk, n);
	else
		skb = nsim_rx_whole_frame(rq, frame);
	if (!skb) {
		nsim_rx_count(rq, &rq->split_stats.drop_nomem);
		kfree_skb_reason(frame, SKB_DROP_REASON_NOMEM);
		return;
	}
	consume_skb(frame);
	nsim_rx_count(rq, n ? &rq->split_stats.split : &rq->split_stats.whole);
	nsim_rx_deliver(rq, skb);
}

/**
 * nsim_rx_split() - receive one skb from the peer as a splitting NIC would
 * @rq: the receive queue
 * @skb: the peer's skb, after eth_type_trans()
 *
 * Context: the queue's NAPI poll.
 */
void nsim_rx_split(struct nsim_rq *rq, struct sk_buff *skb)
{
	struct sk_buff *segs, *frame, *next;

	/* Back to the frame as it left the peer. */
	skb_reset_network_header(skb);
	skb_push(skb, ETH_HLEN);

	if (!skb_is_gso(skb)) {
		if (skb_linearize(skb))
			goto drop;
		nsim_rx_place(rq, skb);
		return;
	}

	/*
	 * Cut as the wire would, into linear frames: no NETIF_F_SG, so each
	 * frame is one contiguous buffer, the way the engine sees it.
	 */
	segs = skb_gso_segment(skb, NETIF_F_HW_CSUM);
	if (IS_ERR_OR_NULL(segs)) {
		/* Not a GSO type the stack can cut: deliver it as today. */
		nsim_rx_count(rq, &rq->split_stats.whole);
		nsim_rx_deliver(rq, skb);
		return;
	}
	consume_skb(skb);
	nsim_rx_count(rq, &rq->split_stats.gso_cut);
	skb_list_walk_safe(segs, frame, next) {
		skb_mark_not_on_list(frame);
		nsim_rx_place(rq, frame);
	}
	return;

drop:
	nsim_rx_count(rq, &rq->split_stats.drop_nomem);
	kfree_skb_reason(skb, SKB_DROP_REASON_NOMEM);
}

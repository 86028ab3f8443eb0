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
 * chunk at offset 0, and GRO merges the frames by frags.
 */
#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <net/gso.h>
#include <net/page_pool/helpers.h>

#include "../../../firmware/hds.h"
#include "netdevsim.h"

/**
 * nsim_rx_pool_create() - create the page pool of a receive queue
 * @rq: the queue, its NAPI instance already added
 * @zc_memcg: opt the pool in to zero-copy memcg accounting
 *
 * Return: the pool or an ERR_PTR(); -EOPNOTSUPP for @zc_memcg on a kernel
 * without CONFIG_PAGE_POOL_ZC_MEMCG.
 */
struct page_pool *nsim_rx_pool_create(struct nsim_rq *rq, bool zc_memcg)
{
	struct page_pool_params p = {
		.flags = zc_memcg ? PP_FLAG_ZC_MEMCG : 0,
		.order = 0,
		/*
		 * Pages come back from user space in bursts (a munmap of a
		 * mapping window): an opted-in pool's ring has room for them.
		 */
		.pool_size = zc_memcg ? 4 * NSIM_RING_SIZE : NSIM_RING_SIZE,
		.nid = NUMA_NO_NODE,
		.dev = &rq->napi.dev->dev,
		.napi = &rq->napi,
		.dma_dir = DMA_BIDIRECTIONAL,
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
 * Place one linear wire frame: headers into a new skb's linear part, payload
 * into pool pages at offset 0. Consumes @frame.
 */
static void nsim_rx_place(struct nsim_rq *rq, struct sk_buff *frame)
{
	struct hds_chunk chunk[HDS_MAX_CHUNKS];
	struct hds_result res;
	struct sk_buff *skb;
	unsigned int i, n = 0;

	if (hds_parse(frame->data, frame->len, &res) == HDS_SPLIT)
		n = hds_layout(&res, PAGE_SIZE, chunk,
			       min_t(unsigned int, HDS_MAX_CHUNKS,
				     MAX_SKB_FRAGS));
	if (!n) {
		nsim_rx_count(rq, &rq->split_stats.whole);
		nsim_rx_deliver(rq, frame);
		return;
	}

	skb = napi_alloc_skb(&rq->napi, res.hdr_len);
	if (!skb)
		goto drop;
	/* Frags added below go back to the pool if the skb is freed early. */
	skb_mark_for_recycle(skb);
	skb_put_data(skb, frame->data, res.hdr_len);
	for (i = 0; i < n; i++) {
		struct page *page = page_pool_dev_alloc_pages(rq->page_pool);

		if (!page)
			goto drop_skb;
		memcpy(page_address(page), frame->data + chunk[i].off,
		       chunk[i].len);
		skb_add_rx_frag(skb, i, page, 0, chunk[i].len, PAGE_SIZE);
	}
	/*
	 * The peer offloaded its checksum, so the emulated wire carries none
	 * to verify; a frame with a software checksum is checked by the stack.
	 */
	if (frame->ip_summed == CHECKSUM_PARTIAL)
		skb->ip_summed = CHECKSUM_UNNECESSARY;
	consume_skb(frame);
	nsim_rx_count(rq, &rq->split_stats.split);
	nsim_rx_deliver(rq, skb);
	return;

drop_skb:
	kfree_skb(skb);
drop:
	nsim_rx_count(rq, &rq->split_stats.drop_nomem);
	kfree_skb_reason(frame, SKB_DROP_REASON_NOMEM);
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

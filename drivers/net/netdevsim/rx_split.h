/* SPDX-License-Identifier: GPL-2.0 */
/*
 * netdevsim receive side as a header/data-splitting NIC: with
 * tcp-data-split on, each frame is placed like DMA would place it, headers
 * in the linear part and payload in whole page-pool pages.
 */
#ifndef _NETDEVSIM_RX_SPLIT_H
#define _NETDEVSIM_RX_SPLIT_H

#include <linux/types.h>
#include <linux/u64_stats_sync.h>

struct ethtool_stats;
struct kernel_ethtool_ringparam;
struct net_device;
struct netdevsim;
struct nsim_rq;
struct page_pool;
struct sk_buff;

/**
 * struct nsim_rx_split_stats - per-queue receive placement counters
 * @syncp: protects the counters on 32-bit
 * @split: frames placed as headers + payload pages
 * @whole: frames the split engine declined, received whole into pool pages
 * @gso_cut: GSO skbs from the peer cut into wire-sized frames
 * @drop_nomem: frames dropped for want of a pool page or an skb
 */
struct nsim_rx_split_stats {
	struct u64_stats_sync syncp;
	u64_stats_t split;
	u64_stats_t whole;
	u64_stats_t gso_cut;
	u64_stats_t drop_nomem;
};

struct page_pool *nsim_rx_pool_create(struct nsim_rq *rq, bool zc_memcg);
int nsim_rx_set_zc_memcg(struct netdevsim *ns, bool on);
void nsim_rx_split(struct nsim_rq *rq, struct sk_buff *skb);

void nsim_rx_get_ringparam(struct netdevsim *ns,
			   struct kernel_ethtool_ringparam *kring);
void nsim_rx_set_ringparam(struct netdevsim *ns,
			   const struct kernel_ethtool_ringparam *kring);
int nsim_rx_get_sset_count(struct net_device *dev, int sset);
void nsim_rx_get_strings(struct net_device *dev, u32 sset, u8 *data);
void nsim_rx_get_ethtool_stats(struct net_device *dev,
			       struct ethtool_stats *stats, u64 *data);
u32 nsim_rx_get_priv_flags(struct net_device *dev);
int nsim_rx_set_priv_flags(struct net_device *dev, u32 flags);

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * ethtool surface of the netdevsim receive side: tcp-data-split, the
 * rx-zc-memcg private flag, and -S counters (placement counters, then the
 * page-pool counters of the device's pools, old ones still in use included).
 */
#include <linux/ethtool.h>
#include <linux/ethtool_netlink.h>
#include <linux/netdevice.h>
#include <net/page_pool/helpers.h>
#include <net/page_pool/zc_driver.h>

#include "netdevsim.h"

static const char nsim_rx_priv_flags[][ETH_GSTRING_LEN] = {
	PAGE_POOL_ZC_PFLAG,
};

#define NSIM_RX_PRIV_ZC_MEMCG	BIT(0)

static const char nsim_rx_stat_names[][ETH_GSTRING_LEN] = {
	"rx_hds_split",
	"rx_hds_whole",
	"rx_hds_gso_cut",
	"rx_hds_drop_nomem",
};

void nsim_rx_get_ringparam(struct netdevsim *ns,
			   struct kernel_ethtool_ringparam *kring)
{
	kring->tcp_data_split = READ_ONCE(ns->tcp_data_split) ?
				ETHTOOL_TCP_DATA_SPLIT_ENABLED :
				ETHTOOL_TCP_DATA_SPLIT_DISABLED;
}

/* The data path reads the flag per skb: no queue restart is needed. */
void nsim_rx_set_ringparam(struct netdevsim *ns,
			   const struct kernel_ethtool_ringparam *kring)
{
	struct kernel_ethtool_ringparam cur = {};

	nsim_rx_get_ringparam(ns, &cur);
	switch (page_pool_zc_tds_request(kring->tcp_data_split,
					 cur.tcp_data_split, NULL)) {
	case PAGE_POOL_ZC_TDS_ENABLE:
		WRITE_ONCE(ns->tcp_data_split, true);
		break;
	case PAGE_POOL_ZC_TDS_DISABLE:
		WRITE_ONCE(ns->tcp_data_split, false);
		break;
	}
}

int nsim_rx_get_sset_count(struct net_device *dev, int sset)
{
	switch (sset) {
	case ETH_SS_PRIV_FLAGS:
		return ARRAY_SIZE(nsim_rx_priv_flags);
	case ETH_SS_STATS:
		return ARRAY_SIZE(nsim_rx_stat_names) +
		       page_pool_ethtool_stats_get_count();
	default:
		return -EOPNOTSUPP;
	}
}

void nsim_rx_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	switch (sset) {
	case ETH_SS_PRIV_FLAGS:
		memcpy(data, nsim_rx_priv_flags, sizeof(nsim_rx_priv_flags));
		break;
	case ETH_SS_STATS:
		memcpy(data, nsim_rx_stat_names, sizeof(nsim_rx_stat_names));
		data += sizeof(nsim_rx_stat_names);
		page_pool_ethtool_stats_get_strings(data);
		break;
	}
}

void nsim_rx_get_ethtool_stats(struct net_device *dev,
			       struct ethtool_stats *stats, u64 *data)
{
	struct netdevsim *ns = netdev_priv(dev);
	int i;

	memset(data, 0, ARRAY_SIZE(nsim_rx_stat_names) * sizeof(*data));
	for (i = 0; ns->rq && i < dev->num_rx_queues; i++) {
		const struct nsim_rx_split_stats *s = &ns->rq[i].split_stats;
		u64 split, whole, gso_cut, drop_nomem;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			split = u64_stats_read(&s->split);
			whole = u64_stats_read(&s->whole);
			gso_cut = u64_stats_read(&s->gso_cut);
			drop_nomem = u64_stats_read(&s->drop_nomem);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		data[0] += split;
		data[1] += whole;
		data[2] += gso_cut;
		data[3] += drop_nomem;
	}
	page_pool_zc_ethtool_stats(dev, data + ARRAY_SIZE(nsim_rx_stat_names));
}

u32 nsim_rx_get_priv_flags(struct net_device *dev)
{
	struct netdevsim *ns = netdev_priv(dev);

	return ns->rx_zc_memcg ? NSIM_RX_PRIV_ZC_MEMCG : 0;
}

int nsim_rx_set_priv_flags(struct net_device *dev, u32 flags)
{
	struct netdevsim *ns = netdev_priv(dev);
	int err;

	if (!ns->rq) {
		netdev_err(dev, "rx-zc-memcg: the port has no receive queues\n");
		return -EOPNOTSUPP;
	}
	err = page_pool_zc_pflag_check(dev, flags & NSIM_RX_PRIV_ZC_MEMCG);
	if (err)
		return err;
	return nsim_rx_set_zc_memcg(ns, flags & NSIM_RX_PRIV_ZC_MEMCG);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a driver needs to offer zero-copy memcg accounting: the
 * "rx-zc-memcg" private flag, its pools' flags, a settable tcp-data-split
 * and the page pool counters of its netdev. See "How a driver adopts the
 * kit" in Documentation/networking/page_pool_zc_memcg.rst.
 */
#ifndef _NET_PAGE_POOL_ZC_DRIVER_H
#define _NET_PAGE_POOL_ZC_DRIVER_H

#include <linux/errno.h>
#include <linux/ethtool.h>
#include <linux/ethtool_netlink.h>
#include <linux/netdevice.h>
#include <linux/netlink.h>
#include <net/page_pool/helpers.h>
#include <net/page_pool/types.h>

/* The private flag's name, the same in every driver. */
#define PAGE_POOL_ZC_PFLAG	"rx-zc-memcg"

/**
 * page_pool_zc_pflag_check() - may the rx-zc-memcg flag change to @enable
 * @dev: the netdev, for the message
 * @enable: the requested state
 *
 * A kernel without CONFIG_PAGE_POOL_ZC_MEMCG refuses to switch it on, with
 * a message in the log (set_priv_flags has no extack), rather than create
 * pools that do not account.
 *
 * Return: 0 or -EOPNOTSUPP.
 */
static inline int page_pool_zc_pflag_check(struct net_device *dev,
					   bool enable)
{
	if (enable && !IS_ENABLED(CONFIG_PAGE_POOL_ZC_MEMCG)) {
		netdev_err(dev,
			   "rx-zc-memcg needs a kernel built with CONFIG_PAGE_POOL_ZC_MEMCG\n");
		return -EOPNOTSUPP;
	}
	return 0;
}

/**
 * page_pool_zc_pp_flags() - flags of a receive pool
 * @zc_memcg: rx-zc-memcg is on
 *
 * The pool maps its pages and syncs them for the device (recycled pages
 * go back to the ring without a round through the driver), and takes part
 * in the accounting while the flag is on.
 *
 * Return: PP_FLAG_DMA_MAP | PP_FLAG_DMA_SYNC_DEV, plus PP_FLAG_ZC_MEMCG.
 */
static inline unsigned int page_pool_zc_pp_flags(bool zc_memcg)
{
	unsigned int flags = PP_FLAG_DMA_MAP | PP_FLAG_DMA_SYNC_DEV;

	if (IS_ENABLED(CONFIG_PAGE_POOL_ZC_MEMCG) && zc_memcg)
		flags |= PP_FLAG_ZC_MEMCG;
	return flags;
}

/**
 * enum page_pool_zc_tds - what a tcp-data-split request asks for
 * @PAGE_POOL_ZC_TDS_KEEP: nothing: keep the setting, automatic or not
 * @PAGE_POOL_ZC_TDS_ENABLE: switch header/data split on
 * @PAGE_POOL_ZC_TDS_DISABLE: switch it off
 */
enum page_pool_zc_tds {
	PAGE_POOL_ZC_TDS_KEEP,
	PAGE_POOL_ZC_TDS_ENABLE,
	PAGE_POOL_ZC_TDS_DISABLE,
};

/**
 * page_pool_zc_tds_request() - resolve a tcp-data-split request
 * @request: kernel_ethtool_ringparam.tcp_data_split as set_ringparam got it
 * @cur: what the driver's get_ringparam reports now
 * @extack: where a refusal is explained
 *
 * The ethtool core fills a request from get_ringparam, so a ring resize
 * carries the current state: a value equal to @cur is no request, and
 * neither is ETHTOOL_TCP_DATA_SPLIT_UNKNOWN. Treating it as one would pin
 * a driver that chooses the split by itself (by MTU, say) to the state of
 * the moment.
 *
 * Return: an enum page_pool_zc_tds, or -EINVAL for an unknown value. The
 * driver still checks that it can do what ENABLE asks.
 */
static inline int page_pool_zc_tds_request(u8 request, u8 cur,
					   struct netlink_ext_ack *extack)
{
	if (request == ETHTOOL_TCP_DATA_SPLIT_UNKNOWN || request == cur)
		return PAGE_POOL_ZC_TDS_KEEP;
	switch (request) {
	case ETHTOOL_TCP_DATA_SPLIT_ENABLED:
		return PAGE_POOL_ZC_TDS_ENABLE;
	case ETHTOOL_TCP_DATA_SPLIT_DISABLED:
		return PAGE_POOL_ZC_TDS_DISABLE;
	default:
		NL_SET_ERR_MSG_MOD(extack, "unknown tcp-data-split value");
		return -EINVAL;
	}
}

#ifdef CONFIG_PAGE_POOL_STATS
void page_pool_dev_get_stats(const struct net_device *dev,
			     struct page_pool_stats *stats);
#endif

/**
 * page_pool_zc_ethtool_stats() - the "ethtool -S" page pool counters
 * @dev: the netdev
 * @data: where page_pool_ethtool_stats_get_count() values go
 *
 * Summed over every pool created for @dev, those already destroyed but
 * still waiting for their pages included, so that the counters, and the
 * invariants between them, hold across a ring re-creation. Goes with
 * page_pool_ethtool_stats_get_count() and _get_strings().
 *
 * Context: process context (takes a mutex).
 * Return: @data past the counters.
 */
static inline u64 *page_pool_zc_ethtool_stats(const struct net_device *dev,
					      u64 *data)
{
#ifdef CONFIG_PAGE_POOL_STATS
	struct page_pool_stats stats = {};

	page_pool_dev_get_stats(dev, &stats);
	return page_pool_ethtool_stats_get(data, &stats);
#else
	return data;
#endif
}

#endif /* _NET_PAGE_POOL_ZC_DRIVER_H */

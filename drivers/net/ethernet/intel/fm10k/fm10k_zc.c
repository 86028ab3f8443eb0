// SPDX-License-Identifier: GPL-2.0
/*
 * ppkit: fm10k receive buffers from a page pool per RX ring, the
 * full-page layout behind tcp-data-split, the rx-zc-memcg private flag
 * and the page pool counters of "ethtool -S".
 *
 * The device writes a frame contiguously from the descriptor's packet
 * buffer address (q.pkt_addr) and chains the rest of a long frame over
 * the next descriptors (SRRCTL.BUFFER_CHAINING_EN). The default layout
 * hands it 2 KiB buffers, two to a 4 KiB page, as the stock driver did;
 * they are page pool fragments now, and go back to the pool instead of
 * being flipped by page refcount.
 *
 * The full-page layout (tcp-data-split on) hands it one whole 4 KiB pool
 * page per descriptor, at offset 0, and programs SRRCTL.BSIZEPKT for
 * 4 KiB in the encoding the driver already uses (size >> 8). What it
 * proves: every buffer is a whole order-0 pool page, and every buffer
 * after the first of a frame carries payload from offset 0 of its page.
 * What it does not do: put the headers elsewhere. The descriptor has a
 * header buffer address (q.hdr_addr) and the write-back a "split header"
 * indication (w.hdr_info), but the driver defines no SRRCTL field that
 * enables header split, so it is not enabled and q.hdr_addr is never
 * written: the first buffer of a frame holds headers and payload, and
 * the payload of a 4096-byte MSS is not page-aligned. Unverified without
 * a datasheet and hardware: that BSIZEPKT accepts 4 KiB.
 */
#include <kunit/visibility.h>
#include <linux/ethtool.h>
#include <linux/ethtool_netlink.h>
#include <linux/netdevice.h>
#include <linux/netlink.h>
#include <linux/vmalloc.h>
#include <net/page_pool/helpers.h>
#include <net/page_pool/types.h>

#include "fm10k.h"
#include "fm10k_zc.h"

/**
 * fm10k_zc_layout() - the buffer layout of an RX ring
 * @full_page: tcp-data-split is on
 * @zc_memcg: rx-zc-memcg is on
 * @page_size: PAGE_SIZE (a parameter for the tests)
 * @layout: filled in
 *
 * Flags off, the layout is that of the stock driver: 2 KiB buffers (the
 * page pool carves them out of its pages as fragments, so the whole page
 * is synced for the device when it comes back).
 *
 * Return: 0, or -EOPNOTSUPP for the full-page layout with pages other
 * than 4 KiB.
 */
int fm10k_zc_layout(bool full_page, bool zc_memcg, unsigned long page_size,
		    struct fm10k_rx_layout *layout)
{
	memset(layout, 0, sizeof(*layout));
	if (full_page) {
		if (page_size != FM10K_ZC_PAGE_BUF_LEN)
			return -EOPNOTSUPP;
		layout->buf_len = FM10K_ZC_PAGE_BUF_LEN;
		layout->frag = false;
	} else {
		layout->buf_len = FM10K_ZC_HALF_BUF_LEN;
		layout->frag = true;
	}
	layout->truesize = layout->buf_len;
	layout->pp_max_len = page_size;
	layout->pp_flags = PP_FLAG_DMA_MAP | PP_FLAG_DMA_SYNC_DEV;
	if (IS_ENABLED(CONFIG_PAGE_POOL_ZC_MEMCG) && zc_memcg)
		layout->pp_flags |= PP_FLAG_ZC_MEMCG;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(fm10k_zc_layout);

/**
 * fm10k_zc_srrctl_bsize() - SRRCTL.BSIZEPKT for a buffer length
 * @buf_len: the ring's buffer length; 0 (a ring never set up) means the
 *	stock 2 KiB
 *
 * Return: the field value, in the encoding fm10k_configure_rx_ring()
 * always used (FM10K_RX_BUFSZ >> FM10K_SRRCTL_BSIZEPKT_SHIFT).
 */
u32 fm10k_zc_srrctl_bsize(u32 buf_len)
{
	if (!buf_len)
		buf_len = FM10K_RX_BUFSZ;
	return buf_len >> FM10K_SRRCTL_BSIZEPKT_SHIFT;
}
EXPORT_SYMBOL_IF_KUNIT(fm10k_zc_srrctl_bsize);

/**
 * fm10k_zc_frame_bufs() - descriptors a frame takes
 * @frame_len: the frame as the device writes it (L2 header to FCS)
 * @buf_len: the ring's buffer length
 *
 * Buffer chaining is always on, so no MTU up to the device maximum is
 * refused in either layout; this is what it costs in descriptors.
 *
 * Return: the number of buffers @frame_len is chained over.
 */
unsigned int fm10k_zc_frame_bufs(unsigned int frame_len, u32 buf_len)
{
	if (!buf_len)
		return 0;
	return max(1U, DIV_ROUND_UP(frame_len, buf_len));
}
EXPORT_SYMBOL_IF_KUNIT(fm10k_zc_frame_bufs);

/**
 * fm10k_zc_tds_state() - the tcp-data-split value reported
 * @full_page: the full-page layout is selected
 *
 * Return: ETHTOOL_TCP_DATA_SPLIT_ENABLED or _DISABLED.
 */
u8 fm10k_zc_tds_state(bool full_page)
{
	return full_page ? ETHTOOL_TCP_DATA_SPLIT_ENABLED :
			   ETHTOOL_TCP_DATA_SPLIT_DISABLED;
}
EXPORT_SYMBOL_IF_KUNIT(fm10k_zc_tds_state);

/**
 * fm10k_zc_check_tds() - validate a tcp-data-split request
 * @tcp_data_split: the requested ETHTOOL_TCP_DATA_SPLIT_* value
 * @cur_full_page: the layout now
 * @page_size: PAGE_SIZE (a parameter for the tests)
 * @full_page: the layout to select, filled in on success
 * @extack: where the reason goes
 *
 * ETHTOOL_TCP_DATA_SPLIT_UNKNOWN (the request did not set it) keeps the
 * current layout.
 *
 * Return: 0, -EOPNOTSUPP (full pages that are not 4 KiB) or -EINVAL.
 */
int fm10k_zc_check_tds(u8 tcp_data_split, bool cur_full_page,
		       unsigned long page_size, bool *full_page,
		       struct netlink_ext_ack *extack)
{
	switch (tcp_data_split) {
	case ETHTOOL_TCP_DATA_SPLIT_UNKNOWN:
		*full_page = cur_full_page;
		return 0;
	case ETHTOOL_TCP_DATA_SPLIT_DISABLED:
		*full_page = false;
		return 0;
	case ETHTOOL_TCP_DATA_SPLIT_ENABLED:
		if (page_size != FM10K_ZC_PAGE_BUF_LEN) {
			NL_SET_ERR_MSG_MOD(extack,
					   "tcp-data-split needs 4 KiB pages: the device's receive buffers are 4 KiB at most in this driver");
			return -EOPNOTSUPP;
		}
		*full_page = true;
		return 0;
	default:
		NL_SET_ERR_MSG_MOD(extack, "unknown tcp-data-split value");
		return -EINVAL;
	}
}
EXPORT_SYMBOL_IF_KUNIT(fm10k_zc_check_tds);

/**
 * fm10k_zc_memcg_check() - may rx-zc-memcg change to @enable
 * @enable: the requested state
 * @supported: the kernel has CONFIG_PAGE_POOL_ZC_MEMCG
 *
 * Return: 0, or -EOPNOTSUPP for switching it on in a kernel without the
 * accounting.
 */
int fm10k_zc_memcg_check(bool enable, bool supported)
{
	return enable && !supported ? -EOPNOTSUPP : 0;
}
EXPORT_SYMBOL_IF_KUNIT(fm10k_zc_memcg_check);

/**
 * fm10k_zc_action() - what a change of the two settings asks for
 * @cur_full_page: the layout now
 * @cur_zc_memcg: rx-zc-memcg now
 * @full_page: the requested layout
 * @zc_memcg: the requested rx-zc-memcg
 *
 * Both are fixed when a ring's pool is created, so any change re-creates
 * the RX rings.
 *
 * Return: FM10K_ZC_KEEP or FM10K_ZC_REINIT.
 */
enum fm10k_zc_action fm10k_zc_action(bool cur_full_page, bool cur_zc_memcg,
				     bool full_page, bool zc_memcg)
{
	if (cur_full_page == full_page && cur_zc_memcg == zc_memcg)
		return FM10K_ZC_KEEP;
	return FM10K_ZC_REINIT;
}
EXPORT_SYMBOL_IF_KUNIT(fm10k_zc_action);

/**
 * fm10k_zc_pool_create() - give an RX ring its layout and page pool
 * @rx_ring: the ring, from fm10k_setup_rx_resources()
 *
 * Return: 0 or a negative errno.
 */
int fm10k_zc_pool_create(struct fm10k_ring *rx_ring)
{
	struct fm10k_intfc *interface = netdev_priv(rx_ring->netdev);
	struct page_pool_params pp = {};
	struct fm10k_rx_layout layout;
	struct page_pool *pool;
	int err;

	err = fm10k_zc_layout(interface->rx_full_page, interface->rx_zc_memcg,
			      PAGE_SIZE, &layout);
	if (err)
		return err;

	pp.order = 0;
	pp.flags = layout.pp_flags;
	pp.pool_size = rx_ring->count;
	pp.nid = NUMA_NO_NODE;
	pp.dev = rx_ring->dev;
	pp.napi = rx_ring->q_vector ? &rx_ring->q_vector->napi : NULL;
	pp.netdev = rx_ring->netdev;
	pp.dma_dir = DMA_FROM_DEVICE;
	pp.max_len = layout.pp_max_len;
	pp.offset = 0;

	pool = page_pool_create(&pp);
	if (IS_ERR(pool))
		return PTR_ERR(pool);

	rx_ring->page_pool = pool;
	rx_ring->rx_buf_len = layout.buf_len;
	rx_ring->rx_frag = layout.frag;
	return 0;
}

/*
 * The RX ring life cycle, for the KUnit suite: set up, fill, clean (as
 * fm10k_down() does), free.
 */
int fm10k_zc_ring_setup(struct fm10k_ring *rx_ring)
{
	return fm10k_setup_rx_resources(rx_ring);
}
EXPORT_SYMBOL_IF_KUNIT(fm10k_zc_ring_setup);

void fm10k_zc_ring_fill(struct fm10k_ring *rx_ring, u16 count)
{
	fm10k_alloc_rx_buffers(rx_ring, count);
}
EXPORT_SYMBOL_IF_KUNIT(fm10k_zc_ring_fill);

void fm10k_zc_rings_clean(struct fm10k_intfc *interface)
{
	fm10k_clean_all_rx_rings(interface);
}
EXPORT_SYMBOL_IF_KUNIT(fm10k_zc_rings_clean);

void fm10k_zc_ring_free(struct fm10k_ring *rx_ring)
{
	fm10k_free_rx_resources(rx_ring);
}
EXPORT_SYMBOL_IF_KUNIT(fm10k_zc_ring_free);

/**
 * fm10k_zc_pool_destroy() - destroy an RX ring's page pool
 * @rx_ring: the ring, its buffers already given back
 *
 * Context: NAPI of the ring disabled.
 */
void fm10k_zc_pool_destroy(struct fm10k_ring *rx_ring)
{
	page_pool_destroy(rx_ring->page_pool);
	rx_ring->page_pool = NULL;
}

/**
 * fm10k_zc_apply() - select a layout and rx-zc-memcg, re-creating the RX
 *	rings if the interface is running
 * @interface: the interface
 * @full_page: the layout (tcp-data-split)
 * @zc_memcg: rx-zc-memcg
 *
 * The same sequence as a change of the RX ring size in
 * fm10k_set_ringparam(): new rings first, so that a failure leaves the
 * old ones (and the old settings) in place.
 *
 * Context: RTNL held.
 * Return: 0 or a negative errno.
 */
int fm10k_zc_apply(struct fm10k_intfc *interface, bool full_page,
		   bool zc_memcg)
{
	bool old_full_page = interface->rx_full_page;
	bool old_zc_memcg = interface->rx_zc_memcg;
	struct fm10k_ring *temp_ring;
	int i, err = 0;

	if (fm10k_zc_action(old_full_page, old_zc_memcg, full_page,
			    zc_memcg) == FM10K_ZC_KEEP)
		return 0;

	while (test_and_set_bit(__FM10K_RESETTING, interface->state))
		usleep_range(1000, 2000);

	interface->rx_full_page = full_page;
	interface->rx_zc_memcg = zc_memcg;

	/* Rings not set up: they take the settings when they are. */
	if (!netif_running(interface->netdev))
		goto clear_reset;

	temp_ring = vmalloc(array_size(interface->num_rx_queues,
				       sizeof(struct fm10k_ring)));
	if (!temp_ring) {
		err = -ENOMEM;
		goto restore;
	}

	fm10k_down(interface);

	for (i = 0; i < interface->num_rx_queues; i++) {
		memcpy(&temp_ring[i], interface->rx_ring[i],
		       sizeof(struct fm10k_ring));
		err = fm10k_setup_rx_resources(&temp_ring[i]);
		if (err) {
			while (i) {
				i--;
				fm10k_free_rx_resources(&temp_ring[i]);
			}
			goto err_setup;
		}
	}

	for (i = 0; i < interface->num_rx_queues; i++) {
		fm10k_free_rx_resources(interface->rx_ring[i]);
		memcpy(interface->rx_ring[i], &temp_ring[i],
		       sizeof(struct fm10k_ring));
	}

err_setup:
	fm10k_up(interface);
	vfree(temp_ring);
restore:
	if (err) {
		interface->rx_full_page = old_full_page;
		interface->rx_zc_memcg = old_zc_memcg;
	}
clear_reset:
	clear_bit(__FM10K_RESETTING, interface->state);
	return err;
}

/**
 * fm10k_zc_set_rx_zc_memcg() - the rx-zc-memcg private flag handler
 * @interface: the interface
 * @enable: the requested state
 *
 * Context: RTNL held.
 * Return: 0 or a negative errno.
 */
int fm10k_zc_set_rx_zc_memcg(struct fm10k_intfc *interface, bool enable)
{
	int err;

	err = fm10k_zc_memcg_check(enable,
				   IS_ENABLED(CONFIG_PAGE_POOL_ZC_MEMCG));
	if (err) {
		netdev_err(interface->netdev,
			   "rx-zc-memcg needs CONFIG_PAGE_POOL_ZC_MEMCG\n");
		return err;
	}
	return fm10k_zc_apply(interface, interface->rx_full_page, enable);
}

/**
 * fm10k_zc_get_pp_stats_count() - number of page pool counters
 *
 * Return: the number of rx_pp_* counters of "ethtool -S" (0 without
 * CONFIG_PAGE_POOL_STATS).
 */
int fm10k_zc_get_pp_stats_count(void)
{
	return page_pool_ethtool_stats_get_count();
}

/**
 * fm10k_zc_get_pp_stats_strings() - names of the page pool counters
 * @data: where they go
 *
 * Return: @data past them.
 */
u8 *fm10k_zc_get_pp_stats_strings(u8 *data)
{
	return page_pool_ethtool_stats_get_strings(data);
}

/**
 * fm10k_zc_get_pp_stats() - the page pool counters, summed over RX rings
 * @interface: the interface
 * @data: where they go
 *
 * The counters of the current pools: re-created rings start from zero.
 *
 * Context: RTNL held (the rings do not change under it).
 * Return: @data past them.
 */
u64 *fm10k_zc_get_pp_stats(struct fm10k_intfc *interface, u64 *data)
{
#ifdef CONFIG_PAGE_POOL_STATS
	struct page_pool_stats stats = {};
	int i;

	for (i = 0; i < interface->num_rx_queues; i++) {
		struct fm10k_ring *ring = interface->rx_ring[i];

		if (ring && ring->page_pool)
			page_pool_get_stats(ring->page_pool, &stats);
	}
	return page_pool_ethtool_stats_get(data, &stats);
#else
	return data;
#endif
}

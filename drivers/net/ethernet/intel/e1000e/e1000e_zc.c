// SPDX-License-Identifier: GPL-2.0
/*
 * ppkit: e1000e packet-split page buffers from a page pool, tcp-data-split
 * as the switch for packet split and the rx-zc-memcg private flag (the
 * "ethtool -S" page pool counters are page_pool_zc_ethtool_stats()).
 *
 * With RCTL.DTYP = packet split, the device writes a TCP or UDP frame's
 * headers (to the end of the L4 header) into buffer 0, and the payload
 * into buffers 1-3 from their start, each PSRCTL.BSIZEn long. The driver
 * gives buffer 0 an skb's linear area and buffers 1-3 whole pages, so a
 * 4096-byte TCP payload (MTU 4148 with timestamps) lands as one page at
 * offset 0: what TCP_ZEROCOPY_RECEIVE maps. Frames the device does not
 * split (not IP, headers longer than buffer 0) fill buffer 0 and then the
 * pages; the driver handles both as it always did.
 *
 * Those pages come from one page pool per RX ring (PP_FLAG_DMA_MAP |
 * PP_FLAG_DMA_SYNC_DEV), created and destroyed with the ring, and go
 * back to it when the skb is freed. The other receive modes (one buffer
 * per descriptor, jumbo pages) keep their own allocation.
 */
#include <kunit/visibility.h>
#include <linux/dma-mapping.h>
#include <linux/ethtool.h>
#include <linux/ethtool_netlink.h>
#include <linux/netdevice.h>
#include <linux/netlink.h>
#include <linux/vmalloc.h>
#include <net/page_pool/helpers.h>
#include <net/page_pool/types.h>
#include <net/page_pool/zc_driver.h>

#include "e1000.h"
#include "e1000e_zc.h"

/**
 * e1000e_zc_ps_pages() - page buffers per packet-split descriptor
 * @tcp_data_split: the ETHTOOL_TCP_DATA_SPLIT_* setting; _UNKNOWN (never
 *	set) keeps the stock choice: packet split for jumbo MTUs only
 * @mtu: the MTU
 * @page_size: PAGE_SIZE (a parameter for the tests)
 *
 * Enough pages for an MTU-sized payload, one at least: the device chains
 * a frame over the buffers of a descriptor, and the driver drops a frame
 * that needs a second descriptor.
 *
 * Return: 1 to 3 pages (packet split), 0 (another receive mode), or
 * -EOPNOTSUPP when packet split is asked for and cannot be honoured.
 */
int e1000e_zc_ps_pages(u8 tcp_data_split, unsigned int mtu,
		       unsigned long page_size)
{
	unsigned int pages = max(1UL, DIV_ROUND_UP(mtu, page_size));
	bool fits = pages <= E1000E_ZC_MAX_PS_PAGES &&
		    page_size <= E1000E_ZC_MAX_PS_PAGE_SIZE;

	switch (tcp_data_split) {
	case ETHTOOL_TCP_DATA_SPLIT_ENABLED:
		return fits ? pages : -EOPNOTSUPP;
	case ETHTOOL_TCP_DATA_SPLIT_DISABLED:
		return 0;
	default:
		return fits && mtu > ETH_DATA_LEN ? pages : 0;
	}
}
EXPORT_SYMBOL_IF_KUNIT(e1000e_zc_ps_pages);

/**
 * e1000e_zc_tds_state() - the tcp-data-split value reported
 * @tcp_data_split: the setting
 * @mtu: the MTU
 * @page_size: PAGE_SIZE
 *
 * Return: ETHTOOL_TCP_DATA_SPLIT_ENABLED when the receive unit is (or
 * will be, at the next open) in packet split, else _DISABLED.
 */
u8 e1000e_zc_tds_state(u8 tcp_data_split, unsigned int mtu,
		       unsigned long page_size)
{
	return e1000e_zc_ps_pages(tcp_data_split, mtu, page_size) > 0 ?
	       ETHTOOL_TCP_DATA_SPLIT_ENABLED :
	       ETHTOOL_TCP_DATA_SPLIT_DISABLED;
}
EXPORT_SYMBOL_IF_KUNIT(e1000e_zc_tds_state);

/**
 * e1000e_zc_check_tds() - validate a tcp-data-split request
 * @request: the requested ETHTOOL_TCP_DATA_SPLIT_* value
 * @cur: the setting now; _UNKNOWN (never set) follows the MTU
 * @mtu: the MTU
 * @page_size: PAGE_SIZE
 * @tcp_data_split: the setting to store, filled in on success
 * @extack: where the reason goes
 *
 * A request that is absent or equal to the mode reported now keeps @cur,
 * automatic included (page_pool_zc_tds_request()).
 *
 * Return: 0, -EOPNOTSUPP (packet split impossible here) or -EINVAL.
 */
int e1000e_zc_check_tds(u8 request, u8 cur, unsigned int mtu,
			unsigned long page_size, u8 *tcp_data_split,
			struct netlink_ext_ack *extack)
{
	int req;

	req = page_pool_zc_tds_request(request,
				       e1000e_zc_tds_state(cur, mtu, page_size),
				       extack);
	switch (req) {
	case PAGE_POOL_ZC_TDS_KEEP:
		*tcp_data_split = cur;
		return 0;
	case PAGE_POOL_ZC_TDS_DISABLE:
		*tcp_data_split = ETHTOOL_TCP_DATA_SPLIT_DISABLED;
		return 0;
	case PAGE_POOL_ZC_TDS_ENABLE:
		if (e1000e_zc_ps_pages(ETHTOOL_TCP_DATA_SPLIT_ENABLED, mtu,
				       page_size) < 0) {
			NL_SET_ERR_MSG_MOD(extack,
					   "tcp-data-split needs pages of 16 KiB at most and an MTU that fits in three of them");
			return -EOPNOTSUPP;
		}
		*tcp_data_split = ETHTOOL_TCP_DATA_SPLIT_ENABLED;
		return 0;
	default:
		return req;
	}
}
EXPORT_SYMBOL_IF_KUNIT(e1000e_zc_check_tds);

/**
 * e1000e_zc_action() - what a change of the two settings asks for
 * @cur_tds: tcp-data-split now
 * @cur_zc_memcg: rx-zc-memcg now
 * @tds: the requested tcp-data-split
 * @zc_memcg: the requested rx-zc-memcg
 * @mtu: the MTU
 * @page_size: PAGE_SIZE
 *
 * The pool's flags are fixed when it is created: rx-zc-memcg re-creates
 * the ring. The receive mode is programmed when the interface comes up:
 * tcp-data-split needs a restart only if it changes the mode.
 *
 * Return: the action.
 */
enum e1000e_zc_action e1000e_zc_action(u8 cur_tds, bool cur_zc_memcg,
				       u8 tds, bool zc_memcg,
				       unsigned int mtu,
				       unsigned long page_size)
{
	if (cur_zc_memcg != zc_memcg)
		return E1000E_ZC_REINIT;
	if (e1000e_zc_ps_pages(cur_tds, mtu, page_size) !=
	    e1000e_zc_ps_pages(tds, mtu, page_size))
		return E1000E_ZC_RESTART;
	return E1000E_ZC_KEEP;
}
EXPORT_SYMBOL_IF_KUNIT(e1000e_zc_action);

/**
 * e1000e_zc_pool_params() - the device-independent page pool parameters
 * @zc_memcg: rx-zc-memcg is on
 * @ring_count: descriptors of the RX ring
 * @page_size: PAGE_SIZE
 * @pp: filled in; the caller adds the device, NAPI and netdev
 *
 * Order-0 pages, mapped and synced for the device by the pool over the
 * whole page (a payload starts at offset 0 and may fill it), enough in
 * the pool's ring for every page buffer of every descriptor.
 */
void e1000e_zc_pool_params(bool zc_memcg, unsigned int ring_count,
			   unsigned long page_size,
			   struct page_pool_params *pp)
{
	memset(pp, 0, sizeof(*pp));
	pp->order = 0;
	pp->flags = page_pool_zc_pp_flags(zc_memcg);
	pp->pool_size = ring_count * E1000E_ZC_MAX_PS_PAGES;
	pp->nid = NUMA_NO_NODE;
	pp->dma_dir = DMA_FROM_DEVICE;
	pp->max_len = page_size;
	pp->offset = 0;
}
EXPORT_SYMBOL_IF_KUNIT(e1000e_zc_pool_params);

/**
 * e1000e_zc_pool_create() - give an RX ring its page pool
 * @rx_ring: the ring, from e1000e_setup_rx_resources()
 *
 * Created whatever the receive mode, so that an MTU change (down, up,
 * same ring) may switch to packet split.
 *
 * Return: 0 or a negative errno.
 */
int e1000e_zc_pool_create(struct e1000_ring *rx_ring)
{
	struct e1000_adapter *adapter = rx_ring->adapter;
	struct page_pool_params pp;
	struct page_pool *pool;

	e1000e_zc_pool_params(adapter->rx_zc_memcg, rx_ring->count, PAGE_SIZE,
			      &pp);
	pp.dev = &adapter->pdev->dev;
	pp.napi = &adapter->napi;
	pp.netdev = adapter->netdev;

	pool = page_pool_create(&pp);
	if (IS_ERR(pool))
		return PTR_ERR(pool);
	rx_ring->page_pool = pool;
	return 0;
}

/**
 * e1000e_zc_pool_destroy() - destroy an RX ring's page pool
 * @rx_ring: the ring, its buffers already given back
 *
 * Pages still held by skbs or by user space come back to the pool, which
 * frees itself after the last.
 *
 * Context: NAPI disabled.
 */
void e1000e_zc_pool_destroy(struct e1000_ring *rx_ring)
{
	page_pool_destroy(rx_ring->page_pool);
	rx_ring->page_pool = NULL;
}

/**
 * e1000e_zc_alloc_page() - a page buffer for a packet-split descriptor
 * @rx_ring: the ring
 * @ps_page: filled in with the page and its DMA address
 * @gfp: allocation flags
 *
 * Return: true on success.
 */
bool e1000e_zc_alloc_page(struct e1000_ring *rx_ring,
			  struct e1000_ps_page *ps_page, gfp_t gfp)
{
	struct page *page;

	page = page_pool_alloc_pages(rx_ring->page_pool, gfp | __GFP_NOWARN);
	if (!page)
		return false;
	ps_page->page = page;
	ps_page->dma = page_pool_get_dma_addr(page);
	return true;
}

/**
 * e1000e_zc_add_frag() - hand a filled page buffer to an skb
 * @rx_ring: the ring
 * @skb: the frame's skb (headers in its linear area)
 * @i: the frag slot
 * @ps_page: the buffer, emptied
 * @len: bytes the device wrote, from offset 0
 *
 * The page stays mapped; the skb gives it back to the pool.
 */
void e1000e_zc_add_frag(struct e1000_ring *rx_ring, struct sk_buff *skb,
			unsigned int i, struct e1000_ps_page *ps_page,
			unsigned int len)
{
	page_pool_dma_sync_for_cpu(rx_ring->page_pool, ps_page->page, 0, len);
	skb_add_rx_frag(skb, i, ps_page->page, 0, len, PAGE_SIZE);
	skb_mark_for_recycle(skb);
	ps_page->page = NULL;
	ps_page->dma = 0;
}

/**
 * e1000e_zc_put_page() - give an unused page buffer back to the pool
 * @rx_ring: the ring
 * @ps_page: the buffer, emptied
 */
void e1000e_zc_put_page(struct e1000_ring *rx_ring,
			struct e1000_ps_page *ps_page)
{
	page_pool_put_full_page(rx_ring->page_pool, ps_page->page, false);
	ps_page->page = NULL;
	ps_page->dma = 0;
}

/* A reset is expected to clear the receive ring registers, but one that
 * does not (QEMU 7.2's 82574L keeps RDBA, RDLEN, RDH and RDT across
 * CTRL.RST) leaves the old ring live: e1000_setup_rctl() sets RCTL.EN
 * before e1000_configure_rx() programs the ring, and a frame arriving
 * in between is written back into the old descriptors, in the new
 * descriptor format. After a switch of receive mode those write-backs
 * (DD without EOP, no buffer) are what the new clean routine reads
 * first; after a re-created ring they land in freed memory. An empty
 * ring (head = tail) keeps the device off it until it is programmed.
 */
static void e1000e_zc_rx_ring_off(struct e1000_adapter *adapter)
{
	struct e1000_hw *hw = &adapter->hw;

	ew32(RDT(0), 0);
	ew32(RDH(0), 0);
	e1e_flush();
}

/* Re-create the RX ring and its pool, as e1000_set_ringparam() does:
 * the new ring first, so that a failure leaves the old one. A pool bound
 * to a NAPI instance is destroyed with it disabled (e1000e_down() only
 * waits for it to finish a poll).
 */
static int e1000e_zc_reinit_rx_ring(struct e1000_adapter *adapter)
{
	size_t size = sizeof(struct e1000_ring);
	struct e1000_ring *temp_rx;
	int err;

	temp_rx = vmalloc(size);
	if (!temp_rx)
		return -ENOMEM;

	e1000e_down(adapter, true);
	e1000e_zc_rx_ring_off(adapter);
	napi_disable(&adapter->napi);
	memcpy(temp_rx, adapter->rx_ring, size);
	err = e1000e_setup_rx_resources(temp_rx);
	if (!err) {
		e1000e_free_rx_resources(adapter->rx_ring);
		memcpy(adapter->rx_ring, temp_rx, size);
	}
	napi_enable(&adapter->napi);
	e1000e_up(adapter);
	vfree(temp_rx);
	return err;
}

/**
 * e1000e_zc_apply() - store tcp-data-split and rx-zc-memcg, reprogramming
 *	the receive unit or re-creating the RX ring if running
 * @adapter: the adapter
 * @tcp_data_split: the tcp-data-split setting
 * @zc_memcg: rx-zc-memcg
 *
 * Context: RTNL held.
 * Return: 0 or a negative errno (the old settings kept).
 */
int e1000e_zc_apply(struct e1000_adapter *adapter, u8 tcp_data_split,
		    bool zc_memcg)
{
	u8 old_tds = adapter->rx_tds;
	bool old_zc_memcg = adapter->rx_zc_memcg;
	enum e1000e_zc_action action;
	int err = 0;

	action = e1000e_zc_action(old_tds, old_zc_memcg, tcp_data_split,
				  zc_memcg, adapter->netdev->mtu, PAGE_SIZE);

	while (test_and_set_bit(__E1000_RESETTING, &adapter->state))
		usleep_range(1000, 2000);

	adapter->rx_tds = tcp_data_split;
	adapter->rx_zc_memcg = zc_memcg;

	/* Not running: the ring takes the settings when it is set up. */
	if (!netif_running(adapter->netdev))
		goto clear_reset;

	switch (action) {
	case E1000E_ZC_KEEP:
		break;
	case E1000E_ZC_RESTART:
		e1000e_down(adapter, true);
		e1000e_zc_rx_ring_off(adapter);
		e1000e_up(adapter);
		break;
	case E1000E_ZC_REINIT:
		err = e1000e_zc_reinit_rx_ring(adapter);
		break;
	}
	if (err) {
		adapter->rx_tds = old_tds;
		adapter->rx_zc_memcg = old_zc_memcg;
	}
clear_reset:
	clear_bit(__E1000_RESETTING, &adapter->state);
	return err;
}

/**
 * e1000e_zc_set_rx_zc_memcg() - the rx-zc-memcg private flag handler
 * @adapter: the adapter
 * @enable: the requested state
 *
 * Context: RTNL held.
 * Return: 0 or a negative errno.
 */
int e1000e_zc_set_rx_zc_memcg(struct e1000_adapter *adapter, bool enable)
{
	int err;

	err = page_pool_zc_pflag_check(adapter->netdev, enable);
	if (err)
		return err;
	return e1000e_zc_apply(adapter, adapter->rx_tds, enable);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * ppkit: fm10k receive buffers from a page pool per RX ring, header split
 * behind tcp-data-split and the rx-zc-memcg private flag (the "ethtool -S"
 * page pool counters are page_pool_zc_ethtool_stats()).
 *
 * The device writes a frame contiguously from the descriptor's packet
 * buffer address (q.pkt_addr) and chains the rest of a long frame over
 * the next descriptors (SRRCTL.BUFFER_CHAINING_EN). The default layout
 * hands it 2 KiB buffers, two to a 4 KiB page, as the stock driver did;
 * they are page pool fragments now, and go back to the pool instead of
 * being flipped by page refcount.
 *
 * The header-split layout (tcp-data-split on) hands it one whole 4 KiB
 * pool page per descriptor, at offset 0, and a 256-byte header buffer
 * (q.hdr_addr), and sets SRRCTL.DESCTYPE to header split for the header
 * kinds L2, IPv4, IPv6, TCP and UDP. The register and write-back fields
 * are those of the FM10000 base code (BSD-licensed, Intel; the copy in
 * DPDK's drivers/net/fm10k/base): the device writes the headers of a
 * frame it recognises into the header buffer, sets w.hdr_info's SPH and
 * header length, and writes the rest from offset 0 of the page, w.length
 * bytes. A 4096-byte TCP payload (MTU 4148 for IPv4 with timestamps) is
 * then one whole page at offset 0: what TCP_ZEROCOPY_RECEIVE maps.
 *
 * What neither the base code nor any driver says, assumed here the way
 * the 82599 family that fm10k descends from behaves: a frame the device
 * does not split (SPH clear: not a recognised kind) or whose headers do
 * not fit the header buffer (HBO) is written whole into the packet
 * buffer, as without header split; the driver then pulls the headers out
 * as it always did. Neither is verified on hardware.
 *
 * The write-back overwrites q.hdr_addr (d.staterr is its low half), so the
 * header buffer address is written again at every refill, and the clean
 * loop tests DD alone: a refilled descriptor's staterr holds the low half
 * of a header buffer address, whose bit 0 is clear.
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

#include "fm10k.h"
#include "fm10k_zc.h"

/**
 * fm10k_zc_layout() - the buffer layout of an RX ring
 * @hdr_split: tcp-data-split is on
 * @zc_memcg: rx-zc-memcg is on
 * @page_size: PAGE_SIZE (a parameter for the tests)
 * @layout: filled in
 *
 * Flags off, the layout is that of the stock driver: 2 KiB buffers (the
 * page pool carves them out of its pages as fragments, so the whole page
 * is synced for the device when it comes back).
 *
 * Return: 0, or -EOPNOTSUPP for the header-split layout with pages other
 * than 4 KiB.
 */
int fm10k_zc_layout(bool hdr_split, bool zc_memcg, unsigned long page_size,
		    struct fm10k_rx_layout *layout)
{
	memset(layout, 0, sizeof(*layout));
	if (hdr_split) {
		if (page_size != FM10K_ZC_PAGE_BUF_LEN)
			return -EOPNOTSUPP;
		layout->buf_len = FM10K_ZC_PAGE_BUF_LEN;
		layout->frag = false;
		layout->hdr_buf_len = FM10K_ZC_HDR_BUF_LEN;
	} else {
		layout->buf_len = FM10K_ZC_HALF_BUF_LEN;
		layout->frag = true;
	}
	layout->truesize = layout->buf_len;
	layout->pp_max_len = page_size;
	layout->pp_flags = page_pool_zc_pp_flags(zc_memcg);
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
 * fm10k_zc_srrctl_split() - the SRRCTL bits of header split
 * @hdr_buf_len: the header buffer length, a multiple of 64 bytes below
 *	4 KiB; 0 for no header split
 *
 * Return: DESCTYPE header split, BSIZEHDR and the header kinds the device
 * splits after (L2, IPv4, IPv6, TCP, UDP), or 0.
 */
u32 fm10k_zc_srrctl_split(u32 hdr_buf_len)
{
	if (!hdr_buf_len)
		return 0;
	return FM10K_SRRCTL_DESCTYPE_HDR_SPLIT |
	       ((hdr_buf_len << FM10K_SRRCTL_BSIZEHDR_SHIFT) &
		FM10K_SRRCTL_BSIZEHDR_MASK) |
	       FM10K_SRRCTL_PSRTYPE_L2HDR | FM10K_SRRCTL_PSRTYPE_IPV4HDR |
	       FM10K_SRRCTL_PSRTYPE_IPV6HDR | FM10K_SRRCTL_PSRTYPE_TCPHDR |
	       FM10K_SRRCTL_PSRTYPE_UDPHDR;
}
EXPORT_SYMBOL_IF_KUNIT(fm10k_zc_srrctl_split);

/**
 * fm10k_zc_split_hdr_len() - the headers the device split off a frame
 * @hdr_info: the write-back's w.hdr_info, CPU order
 * @staterr: the write-back's d.staterr, CPU order
 * @hdr_buf_len: the ring's header buffer length
 *
 * Return: the bytes of headers in the header buffer, or 0 when the frame
 * was not split (SPH clear, HBO set, or a length the buffer cannot hold):
 * then the whole frame is in the packet buffer.
 */
unsigned int fm10k_zc_split_hdr_len(u16 hdr_info, u32 staterr,
				    u32 hdr_buf_len)
{
	unsigned int len;

	if (!(hdr_info & FM10K_RXD_HDR_INFO_SPH) ||
	    (staterr & FM10K_RXD_STATUS_HBO))
		return 0;
	len = (hdr_info & FM10K_RXD_HDR_INFO_LEN_MASK) >>
	      FM10K_RXD_HDR_INFO_LEN_SHIFT;
	return len <= hdr_buf_len ? len : 0;
}
EXPORT_SYMBOL_IF_KUNIT(fm10k_zc_split_hdr_len);

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
 * @hdr_split: header split is on
 *
 * Return: ETHTOOL_TCP_DATA_SPLIT_ENABLED or _DISABLED.
 */
u8 fm10k_zc_tds_state(bool hdr_split)
{
	return hdr_split ? ETHTOOL_TCP_DATA_SPLIT_ENABLED :
			   ETHTOOL_TCP_DATA_SPLIT_DISABLED;
}
EXPORT_SYMBOL_IF_KUNIT(fm10k_zc_tds_state);

/**
 * fm10k_zc_check_tds() - validate a tcp-data-split request
 * @tcp_data_split: the requested ETHTOOL_TCP_DATA_SPLIT_* value
 * @cur_hdr_split: the layout now
 * @page_size: PAGE_SIZE (a parameter for the tests)
 * @hdr_split: the layout to select, filled in on success
 * @extack: where the reason goes
 *
 * A request that is absent or equal to the layout reported now keeps it
 * (page_pool_zc_tds_request()).
 *
 * Return: 0, -EOPNOTSUPP (pages that are not 4 KiB) or -EINVAL.
 */
int fm10k_zc_check_tds(u8 tcp_data_split, bool cur_hdr_split,
		       unsigned long page_size, bool *hdr_split,
		       struct netlink_ext_ack *extack)
{
	int req;

	req = page_pool_zc_tds_request(tcp_data_split,
				       fm10k_zc_tds_state(cur_hdr_split),
				       extack);
	switch (req) {
	case PAGE_POOL_ZC_TDS_KEEP:
		*hdr_split = cur_hdr_split;
		return 0;
	case PAGE_POOL_ZC_TDS_DISABLE:
		*hdr_split = false;
		return 0;
	case PAGE_POOL_ZC_TDS_ENABLE:
		if (page_size != FM10K_ZC_PAGE_BUF_LEN) {
			NL_SET_ERR_MSG_MOD(extack,
					   "tcp-data-split needs 4 KiB pages: the device's receive buffers are 4 KiB at most in this driver");
			return -EOPNOTSUPP;
		}
		*hdr_split = true;
		return 0;
	default:
		return req;
	}
}
EXPORT_SYMBOL_IF_KUNIT(fm10k_zc_check_tds);

/**
 * fm10k_zc_action() - what a change of the two settings asks for
 * @cur_hdr_split: the layout now
 * @cur_zc_memcg: rx-zc-memcg now
 * @hdr_split: the requested layout
 * @zc_memcg: the requested rx-zc-memcg
 *
 * Both are fixed when a ring's pool is created, so any change re-creates
 * the RX rings.
 *
 * Return: FM10K_ZC_KEEP or FM10K_ZC_REINIT.
 */
enum fm10k_zc_action fm10k_zc_action(bool cur_hdr_split, bool cur_zc_memcg,
				     bool hdr_split, bool zc_memcg)
{
	if (cur_hdr_split == hdr_split && cur_zc_memcg == zc_memcg)
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

	err = fm10k_zc_layout(interface->rx_hdr_split, interface->rx_zc_memcg,
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

	/* A re-created ring starts as a copy of the old one: set both. */
	rx_ring->rx_hdr_buf = NULL;
	rx_ring->rx_hdr_dma = 0;
	if (layout.hdr_buf_len) {
		rx_ring->rx_hdr_buf =
			dma_alloc_coherent(rx_ring->dev,
					   rx_ring->count * layout.hdr_buf_len,
					   &rx_ring->rx_hdr_dma, GFP_KERNEL);
		if (!rx_ring->rx_hdr_buf) {
			page_pool_destroy(pool);
			return -ENOMEM;
		}
	}

	rx_ring->page_pool = pool;
	rx_ring->rx_buf_len = layout.buf_len;
	rx_ring->rx_frag = layout.frag;
	return 0;
}

/**
 * fm10k_zc_rx_split() - take the first buffer of a header-split frame
 * @rx_ring: the ring, in the header-split layout
 * @rx_desc: the frame's first descriptor, written back
 * @rx_buffer: its packet buffer, synced for the CPU
 * @size: bytes in the packet buffer (w.length)
 * @skb: the frame's new skb, empty
 *
 * Copies the headers from the descriptor's header buffer into the linear
 * part and adds the packet buffer, payload from offset 0, as the first
 * frag; a frame that is all headers gives the page back.
 *
 * Context: the ring's NAPI poll.
 * Return: false when the device did not split the frame: the caller
 * handles the packet buffer as holding the whole frame.
 */
bool fm10k_zc_rx_split(struct fm10k_ring *rx_ring,
		       union fm10k_rx_desc *rx_desc,
		       struct fm10k_rx_buffer *rx_buffer, unsigned int size,
		       struct sk_buff *skb)
{
	unsigned int idx = rx_desc - FM10K_RX_DESC(rx_ring, 0);
	unsigned int hlen;

	hlen = fm10k_zc_split_hdr_len(le16_to_cpu(rx_desc->w.hdr_info),
				      le32_to_cpu(rx_desc->d.staterr),
				      FM10K_ZC_HDR_BUF_LEN);
	if (!hlen)
		return false;

	memcpy(__skb_put(skb, hlen),
	       rx_ring->rx_hdr_buf + idx * FM10K_ZC_HDR_BUF_LEN, hlen);
	if (!size) {
		page_pool_put_full_page(rx_ring->page_pool, rx_buffer->page,
					true);
		return true;
	}
	skb_add_rx_frag(skb, 0, rx_buffer->page, 0, size, rx_ring->rx_buf_len);
	skb_mark_for_recycle(skb);
	return true;
}

/*
 * The RX ring life cycle, for the KUnit suite: set up, fill, receive a
 * frame (fm10k_zc_ring_rx_frame(), fm10k_main.c), clean (as fm10k_down()
 * does), free.
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
	if (rx_ring->rx_hdr_buf)
		dma_free_coherent(rx_ring->dev,
				  rx_ring->count * FM10K_ZC_HDR_BUF_LEN,
				  rx_ring->rx_hdr_buf, rx_ring->rx_hdr_dma);
	rx_ring->rx_hdr_buf = NULL;
	page_pool_destroy(rx_ring->page_pool);
	rx_ring->page_pool = NULL;
}

/**
 * fm10k_zc_apply() - select a layout and rx-zc-memcg, re-creating the RX
 *	rings if the interface is running
 * @interface: the interface
 * @hdr_split: the layout (tcp-data-split)
 * @zc_memcg: rx-zc-memcg
 *
 * The same sequence as a change of the RX ring size in
 * fm10k_set_ringparam(): new rings first, so that a failure leaves the
 * old ones (and the old settings) in place.
 *
 * Context: RTNL held.
 * Return: 0 or a negative errno.
 */
int fm10k_zc_apply(struct fm10k_intfc *interface, bool hdr_split,
		   bool zc_memcg)
{
	bool old_hdr_split = interface->rx_hdr_split;
	bool old_zc_memcg = interface->rx_zc_memcg;
	struct fm10k_ring *temp_ring;
	int i, err = 0;

	if (fm10k_zc_action(old_hdr_split, old_zc_memcg, hdr_split,
			    zc_memcg) == FM10K_ZC_KEEP)
		return 0;

	while (test_and_set_bit(__FM10K_RESETTING, interface->state))
		usleep_range(1000, 2000);

	interface->rx_hdr_split = hdr_split;
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
		interface->rx_hdr_split = old_hdr_split;
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

	err = page_pool_zc_pflag_check(interface->netdev, enable);
	if (err)
		return err;
	return fm10k_zc_apply(interface, interface->rx_hdr_split, enable);
}

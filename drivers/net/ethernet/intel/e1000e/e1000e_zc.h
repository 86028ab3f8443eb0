/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ppkit: the e1000e side of TCP zero-copy receive.
 *
 * - the page buffers of packet-split receive descriptors come from a page
 *   pool of the RX ring;
 * - "ethtool -G DEV tcp-data-split on|off" selects packet split, or the
 *   other receive modes, whatever the MTU (the stock driver uses packet
 *   split for jumbo MTUs only, which stays the default);
 * - the rx-zc-memcg private flag creates the pool with PP_FLAG_ZC_MEMCG
 *   (include/net/page_pool/zc_memcg.h).
 *
 * The pure decisions are here, without a device, so that KUnit can test
 * them (e1000e_zc_test.c); the glue in e1000e_zc.c follows them.
 */
#ifndef _E1000E_ZC_H_
#define _E1000E_ZC_H_

#include <linux/gfp_types.h>
#include <linux/types.h>

struct e1000_adapter;
struct e1000_ps_page;
struct e1000_ring;
struct netlink_ext_ack;
struct page_pool_params;
struct sk_buff;

/* Page buffers a packet-split descriptor has (buffers 1-3). */
#define E1000E_ZC_MAX_PS_PAGES		3
/* Largest page the stock driver uses as a packet-split buffer. */
#define E1000E_ZC_MAX_PS_PAGE_SIZE	16384

/**
 * enum e1000e_zc_action - what a settings change asks of the RX ring
 * @E1000E_ZC_KEEP: record the settings, nothing to redo
 * @E1000E_ZC_RESTART: reprogram the receive unit (down, up): the receive
 *	mode changes, the pool stays
 * @E1000E_ZC_REINIT: re-create the RX ring and its pool (if running)
 */
enum e1000e_zc_action {
	E1000E_ZC_KEEP,
	E1000E_ZC_RESTART,
	E1000E_ZC_REINIT,
};

/* Private flags of the kit, after the driver's own (s0ix-enabled). */
#define E1000E_ZC_PFLAG_RX_ZC_MEMCG	BIT(1)

int e1000e_zc_ps_pages(u8 tcp_data_split, unsigned int mtu,
		       unsigned long page_size);
u8 e1000e_zc_tds_state(u8 tcp_data_split, unsigned int mtu,
		       unsigned long page_size);
int e1000e_zc_check_tds(u8 request, u8 cur, unsigned int mtu,
			unsigned long page_size, u8 *tcp_data_split,
			struct netlink_ext_ack *extack);
enum e1000e_zc_action e1000e_zc_action(u8 cur_tds, bool cur_zc_memcg,
				       u8 tds, bool zc_memcg,
				       unsigned int mtu,
				       unsigned long page_size);
void e1000e_zc_pool_params(bool zc_memcg, unsigned int ring_count,
			   unsigned long page_size,
			   struct page_pool_params *pp);

/* Glue, e1000e_zc.c */
int e1000e_zc_pool_create(struct e1000_ring *rx_ring);
void e1000e_zc_pool_destroy(struct e1000_ring *rx_ring);
bool e1000e_zc_alloc_page(struct e1000_ring *rx_ring,
			  struct e1000_ps_page *ps_page, gfp_t gfp);
void e1000e_zc_add_frag(struct e1000_ring *rx_ring, struct sk_buff *skb,
			unsigned int i, struct e1000_ps_page *ps_page,
			unsigned int len);
void e1000e_zc_put_page(struct e1000_ring *rx_ring,
			struct e1000_ps_page *ps_page);
int e1000e_zc_apply(struct e1000_adapter *adapter, u8 tcp_data_split,
		    bool zc_memcg);
int e1000e_zc_set_rx_zc_memcg(struct e1000_adapter *adapter, bool enable);

#endif /* _E1000E_ZC_H_ */

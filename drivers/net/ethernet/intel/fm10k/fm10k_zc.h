/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ppkit: the fm10k side of TCP zero-copy receive.
 *
 * - every RX ring receives into a page pool of its own;
 * - "ethtool -G DEV tcp-data-split on" enables the device's header split:
 *   each descriptor gets a small header buffer and a whole pool page for
 *   the payload, instead of a 2 KiB half page for both (the default, as
 *   before);
 * - the rx-zc-memcg private flag creates the pools with PP_FLAG_ZC_MEMCG
 *   (include/net/page_pool/zc_memcg.h).
 *
 * The pure decisions are here, without a device, so that KUnit can test
 * them (fm10k_zc_test.c); the glue that re-creates the rings follows them.
 */
#ifndef _FM10K_ZC_H_
#define _FM10K_ZC_H_

#include <linux/types.h>

struct fm10k_intfc;
struct fm10k_ring;
struct fm10k_rx_buffer;
struct netlink_ext_ack;
struct sk_buff;
union fm10k_rx_desc;

/* The default: two 2 KiB buffers per 4 KiB page (FM10K_RX_BUFSZ). */
#define FM10K_ZC_HALF_BUF_LEN	2048
/* The header-split layout: one 4 KiB page per descriptor for the payload, */
#define FM10K_ZC_PAGE_BUF_LEN	4096
/* and a header buffer of its own (SRRCTL.BSIZEHDR, 64-byte units): the
 * headers of a TCP segment over IPv6 with options take at most 134 bytes,
 * and the driver's skb linear part FM10K_RX_HDR_LEN.
 */
#define FM10K_ZC_HDR_BUF_LEN	256

/**
 * struct fm10k_rx_layout - how an RX ring's buffers are laid out
 * @buf_len: bytes the device may write per descriptor (programmed into
 *	SRRCTL.BSIZEPKT); a frame longer than this is chained over several
 *	descriptors (SRRCTL.BUFFER_CHAINING_EN, always on)
 * @truesize: what one buffer costs an skb
 * @frag: the buffers are page pool fragments (several per page)
 * @hdr_buf_len: bytes of the header buffer of each descriptor, 0 for none
 *	(no header split)
 * @pp_flags: the flags of the ring's page pool
 * @pp_max_len: the pool's DMA sync length, from offset 0 of a page
 */
struct fm10k_rx_layout {
	u32 buf_len;
	u32 truesize;
	bool frag;
	u32 hdr_buf_len;
	unsigned int pp_flags;
	u32 pp_max_len;
};

/**
 * enum fm10k_zc_action - what a settings change asks of the RX rings
 * @FM10K_ZC_KEEP: nothing to change
 * @FM10K_ZC_REINIT: re-create the RX rings and their pools (if running)
 */
enum fm10k_zc_action {
	FM10K_ZC_KEEP,
	FM10K_ZC_REINIT,
};

/* Private flags of the kit, in fm10k_prv_flags[] order. */
#define FM10K_ZC_PFLAG_RX_ZC_MEMCG	0

int fm10k_zc_layout(bool hdr_split, bool zc_memcg, unsigned long page_size,
		    struct fm10k_rx_layout *layout);
u32 fm10k_zc_srrctl_bsize(u32 buf_len);
u32 fm10k_zc_srrctl_split(u32 hdr_buf_len);
unsigned int fm10k_zc_split_hdr_len(u16 hdr_info, u32 staterr,
				    u32 hdr_buf_len);
unsigned int fm10k_zc_frame_bufs(unsigned int frame_len, u32 buf_len);
u8 fm10k_zc_tds_state(bool hdr_split);
int fm10k_zc_check_tds(u8 tcp_data_split, bool cur_hdr_split,
		       unsigned long page_size, bool *hdr_split,
		       struct netlink_ext_ack *extack);
enum fm10k_zc_action fm10k_zc_action(bool cur_hdr_split, bool cur_zc_memcg,
				     bool hdr_split, bool zc_memcg);

/* Glue, fm10k_zc.c */
int fm10k_zc_pool_create(struct fm10k_ring *rx_ring);
bool fm10k_zc_rx_split(struct fm10k_ring *rx_ring,
		       union fm10k_rx_desc *rx_desc,
		       struct fm10k_rx_buffer *rx_buffer, unsigned int size,
		       struct sk_buff *skb);
void fm10k_zc_pool_destroy(struct fm10k_ring *rx_ring);
int fm10k_zc_apply(struct fm10k_intfc *interface, bool hdr_split,
		   bool zc_memcg);
int fm10k_zc_set_rx_zc_memcg(struct fm10k_intfc *interface, bool enable);

/* The RX ring life cycle, exported for the KUnit suite */
int fm10k_zc_ring_setup(struct fm10k_ring *rx_ring);
void fm10k_zc_ring_fill(struct fm10k_ring *rx_ring, u16 count);
void fm10k_zc_rings_clean(struct fm10k_intfc *interface);
void fm10k_zc_ring_free(struct fm10k_ring *rx_ring);
struct sk_buff *fm10k_zc_ring_rx_frame(struct fm10k_ring *rx_ring);

#endif /* _FM10K_ZC_H_ */

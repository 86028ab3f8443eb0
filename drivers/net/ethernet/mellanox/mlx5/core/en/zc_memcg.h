/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ppkit: the mlx5e side of TCP zero-copy receive accounting.
 *
 * - the rx-zc-memcg private flag creates the RQ page pools with
 *   PP_FLAG_ZC_MEMCG (include/net/page_pool/zc_memcg.h);
 * - "ethtool -G DEV tcp-data-split on|off" switches SHAMPO, the only
 *   header/data split mode of the 6.12 driver, which is also HW-GRO: it
 *   is the same state as "ethtool -K DEV rx-gro-hw on|off".
 */
#ifndef __MLX5_EN_ZC_MEMCG_H__
#define __MLX5_EN_ZC_MEMCG_H__

#include <linux/netdev_features.h>
#include <linux/types.h>

struct ethtool_ringparam;
struct kernel_ethtool_ringparam;
struct mlx5e_params;
struct mlx5e_priv;
struct net_device;
struct netlink_ext_ack;

/**
 * struct mlx5e_tds_env - what decides whether SHAMPO may be switched on
 * @params: the channel parameters it would be switched on in
 * @hw_features: the netdev's hw_features; NETIF_F_GRO_HW is there only if
 *	the device has the SHAMPO and fragmented striding RQ capabilities
 * @wanted: the features the netdev would be fixed from
 *	(netdev_get_wanted_features())
 * @xsk_refcnt: active AF_XDP sockets
 */
struct mlx5e_tds_env {
	const struct mlx5e_params *params;
	netdev_features_t hw_features;
	netdev_features_t wanted;
	u16 xsk_refcnt;
};

/**
 * enum mlx5e_tds_action - what a tcp-data-split request asks of the device
 * @MLX5E_TDS_KEEP: nothing to change
 * @MLX5E_TDS_ENABLE: switch SHAMPO on
 * @MLX5E_TDS_DISABLE: switch SHAMPO off
 */
enum mlx5e_tds_action {
	MLX5E_TDS_KEEP,
	MLX5E_TDS_ENABLE,
	MLX5E_TDS_DISABLE,
};

u8 mlx5e_tds_state(const struct mlx5e_params *params);
int mlx5e_tds_action(const struct mlx5e_params *params, u8 tcp_data_split,
		     struct netlink_ext_ack *extack);
int mlx5e_tds_check_enable(const struct mlx5e_tds_env *env,
			   struct netlink_ext_ack *extack);
unsigned int mlx5e_rq_pp_flags(const struct mlx5e_params *params);
u8 mlx5e_shampo_granularity(const struct mlx5e_params *params);

int mlx5e_set_pflag_rx_zc_memcg(struct net_device *netdev, bool enable);
int mlx5e_zc_set_ringparam(struct mlx5e_priv *priv,
			   struct ethtool_ringparam *param,
			   struct kernel_ethtool_ringparam *kernel_param,
			   struct netlink_ext_ack *extack);

#endif /* __MLX5_EN_ZC_MEMCG_H__ */

// SPDX-License-Identifier: GPL-2.0
/*
 * ppkit: the mlx5e side of TCP zero-copy receive accounting: the
 * rx-zc-memcg private flag, the page pool flags it selects, and a settable
 * tcp-data-split mapped onto SHAMPO.
 *
 * SHAMPO (HW-GRO) is the only mode of the 6.12 driver in which the device
 * writes the headers to a separate header buffer and the payload to the
 * data pages, so it is what tcp-data-split switches. It stays one state
 * with "rx-gro-hw": tcp-data-split changes NETIF_F_GRO_HW in the wanted
 * features and lets netdev_update_features() do the switch, through
 * set_feature_hw_gro() and mlx5e_safe_switch_params(), exactly as
 * "ethtool -K DEV rx-gro-hw on|off" does. The checks below turn the cases
 * in which the feature code would silently drop NETIF_F_GRO_HW
 * (mlx5e_fix_features(), netdev_fix_features()) into an extack error.
 */
#include <kunit/visibility.h>
#include <linux/ethtool.h>
#include <linux/ethtool_netlink.h>
#include <linux/netdevice.h>
#include <linux/netlink.h>
#include <net/page_pool/types.h>
#include <net/page_pool/zc_driver.h>

#include "en.h"
#include "en/zc_memcg.h"

/**
 * mlx5e_tds_state() - the tcp-data-split state of channel parameters
 * @params: the parameters
 *
 * Return: ETHTOOL_TCP_DATA_SPLIT_ENABLED if @params use SHAMPO, else
 * ETHTOOL_TCP_DATA_SPLIT_DISABLED.
 */
u8 mlx5e_tds_state(const struct mlx5e_params *params)
{
	return params->packet_merge.type == MLX5E_PACKET_MERGE_SHAMPO ?
	       ETHTOOL_TCP_DATA_SPLIT_ENABLED : ETHTOOL_TCP_DATA_SPLIT_DISABLED;
}
EXPORT_SYMBOL_IF_KUNIT(mlx5e_tds_state);

/**
 * mlx5e_tds_action() - what a tcp-data-split request changes
 * @params: the current channel parameters
 * @tcp_data_split: the requested ETHTOOL_TCP_DATA_SPLIT_* value
 * @extack: where a refusal is explained
 *
 * A request that is absent or equal to the state now keeps whatever
 * rx-gro-hw selected (page_pool_zc_tds_request()).
 *
 * Return: an enum mlx5e_tds_action, or -EINVAL for an unknown value.
 */
int mlx5e_tds_action(const struct mlx5e_params *params, u8 tcp_data_split,
		     struct netlink_ext_ack *extack)
{
	int req = page_pool_zc_tds_request(tcp_data_split,
					   mlx5e_tds_state(params), extack);

	switch (req) {
	case PAGE_POOL_ZC_TDS_KEEP:
		return MLX5E_TDS_KEEP;
	case PAGE_POOL_ZC_TDS_ENABLE:
		return MLX5E_TDS_ENABLE;
	case PAGE_POOL_ZC_TDS_DISABLE:
		return MLX5E_TDS_DISABLE;
	default:
		return req;
	}
}
EXPORT_SYMBOL_IF_KUNIT(mlx5e_tds_action);

/**
 * mlx5e_tds_check_enable() - may SHAMPO be switched on
 * @env: the device state
 * @extack: where the reason goes
 *
 * The conditions are those under which the feature code would not turn
 * NETIF_F_GRO_HW on: no device capability (hw_features), the legacy
 * (cyclic) RQ, an XDP program, AF_XDP sockets, CQE compression (all from
 * mlx5e_fix_features()), no RX checksumming or RX-FCS on (from
 * netdev_fix_features()); LRO, which HW-GRO would silently replace, is
 * refused too.
 *
 * Return: 0, -EOPNOTSUPP (no capability) or -EINVAL (conflicting state).
 */
int mlx5e_tds_check_enable(const struct mlx5e_tds_env *env,
			   struct netlink_ext_ack *extack)
{
	const struct mlx5e_params *params = env->params;

	if (!(env->hw_features & NETIF_F_GRO_HW)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "tcp-data-split needs SHAMPO (HW-GRO), which this device does not support");
		return -EOPNOTSUPP;
	}
	if (!MLX5E_GET_PFLAG(params, MLX5E_PFLAG_RX_STRIDING_RQ) ||
	    params->rq_wq_type != MLX5_WQ_TYPE_LINKED_LIST_STRIDING_RQ) {
		NL_SET_ERR_MSG_MOD(extack,
				   "tcp-data-split needs the striding RQ: the legacy RQ has no header/data split (set rx_striding_rq on)");
		return -EINVAL;
	}
	if (params->xdp_prog) {
		NL_SET_ERR_MSG_MOD(extack,
				   "tcp-data-split is incompatible with an attached XDP program");
		return -EINVAL;
	}
	if (env->xsk_refcnt) {
		NL_SET_ERR_MSG_MOD(extack,
				   "tcp-data-split is incompatible with active AF_XDP sockets");
		return -EINVAL;
	}
	if (MLX5E_GET_PFLAG(params, MLX5E_PFLAG_RX_CQE_COMPRESS)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "tcp-data-split is incompatible with CQE compression (set rx_cqe_compress off)");
		return -EINVAL;
	}
	if (!(env->wanted & NETIF_F_RXCSUM)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "tcp-data-split needs rx-checksumming on");
		return -EINVAL;
	}
	if (env->wanted & NETIF_F_RXFCS) {
		NL_SET_ERR_MSG_MOD(extack,
				   "tcp-data-split is incompatible with rx-fcs");
		return -EINVAL;
	}
	if ((env->wanted & NETIF_F_LRO) ||
	    params->packet_merge.type == MLX5E_PACKET_MERGE_LRO) {
		NL_SET_ERR_MSG_MOD(extack,
				   "tcp-data-split is incompatible with LRO (set lro off first)");
		return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mlx5e_tds_check_enable);

/**
 * mlx5e_rq_pp_flags() - page pool flags of a (non-XSK) RQ
 * @params: the channel parameters the RQ is created with
 *
 * Return: PP_FLAG_DMA_MAP | PP_FLAG_DMA_SYNC_DEV, as in stock 6.12, plus
 * PP_FLAG_ZC_MEMCG while rx-zc-memcg is on.
 */
unsigned int mlx5e_rq_pp_flags(const struct mlx5e_params *params)
{
	return page_pool_zc_pp_flags(MLX5E_GET_PFLAG(params,
						     MLX5E_PFLAG_RX_ZC_MEMCG));
}
EXPORT_SYMBOL_IF_KUNIT(mlx5e_rq_pp_flags);

/**
 * mlx5e_shampo_granularity() - where SHAMPO starts a new session's data
 * @params: the channel parameters
 *
 * The device places the payload of a packet that starts a session (no
 * match: a new flow, PSH, a flush, a timeout) at the next STRIDE (256 B)
 * or PAGE boundary of the WQE. Only PAGE puts a full-MSS payload at offset
 * 0 of a page, which is what zero-copy receive maps: PAGE while
 * rx-zc-memcg is on, stock STRIDE (denser) otherwise.
 *
 * Return: MLX5_RQC_SHAMPO_NO_MATCH_ALIGNMENT_GRANULARITY_PAGE or _STRIDE.
 */
u8 mlx5e_shampo_granularity(const struct mlx5e_params *params)
{
	return MLX5E_GET_PFLAG(params, MLX5E_PFLAG_RX_ZC_MEMCG) ?
	       MLX5_RQC_SHAMPO_NO_MATCH_ALIGNMENT_GRANULARITY_PAGE :
	       MLX5_RQC_SHAMPO_NO_MATCH_ALIGNMENT_GRANULARITY_STRIDE;
}
EXPORT_SYMBOL_IF_KUNIT(mlx5e_shampo_granularity);

/* The rx-zc-memcg private flag handler; priv->state_lock is held. */
int mlx5e_set_pflag_rx_zc_memcg(struct net_device *netdev, bool enable)
{
	struct mlx5e_priv *priv = netdev_priv(netdev);
	struct mlx5e_params new_params;
	int err;

	err = page_pool_zc_pflag_check(netdev, enable);
	if (err)
		return err;

	/* The pools take the flag, and SHAMPO its alignment, when they are
	 * created: rebuild the RQs.
	 */
	new_params = priv->channels.params;
	MLX5E_SET_PFLAG(&new_params, MLX5E_PFLAG_RX_ZC_MEMCG, enable);
	new_params.packet_merge.shampo.alignment_granularity =
		mlx5e_shampo_granularity(&new_params);
	err = mlx5e_safe_switch_params(priv, &new_params, NULL, NULL, true);
	if (!err && enable &&
	    new_params.packet_merge.type != MLX5E_PACKET_MERGE_SHAMPO)
		netdev_warn(netdev,
			    "rx-zc-memcg: tcp-data-split (SHAMPO) is off, so no payload is page-aligned and zero-copy receive maps nothing\n");
	return err;
}

/* Switch SHAMPO the way "ethtool -K DEV rx-gro-hw on|off" does. */
static int mlx5e_tds_switch(struct mlx5e_priv *priv, bool enable,
			    struct netlink_ext_ack *extack)
{
	struct net_device *netdev = priv->netdev;
	netdev_features_t wanted = netdev->wanted_features;
	bool on;

	ASSERT_RTNL();
	if (enable)
		netdev->wanted_features |= NETIF_F_GRO_HW;
	else
		netdev->wanted_features &= ~NETIF_F_GRO_HW;
	netdev_update_features(netdev);

	mutex_lock(&priv->state_lock);
	on = priv->channels.params.packet_merge.type == MLX5E_PACKET_MERGE_SHAMPO;
	mutex_unlock(&priv->state_lock);
	if (on == enable)
		return 0;

	/* set_feature_hw_gro() failed and said why in the log. */
	netdev->wanted_features &= ~NETIF_F_GRO_HW;
	netdev->wanted_features |= wanted & NETIF_F_GRO_HW;
	if (enable)
		NL_SET_ERR_MSG_MOD(extack,
				   "switching SHAMPO (rx-gro-hw) on failed, see the kernel log");
	else
		NL_SET_ERR_MSG_MOD(extack,
				   "switching SHAMPO (rx-gro-hw) off failed, see the kernel log");
	return -EIO;
}

/**
 * mlx5e_zc_set_ringparam() - the NIC netdev's set_ringparam
 * @priv: the netdev's private data
 * @param: ring sizes
 * @kernel_param: tcp-data-split (the other fields are not supported)
 * @extack: where a refusal is explained
 *
 * A refused tcp-data-split leaves the ring sizes untouched. With
 * tcp-data-split unchanged this is mlx5e_ethtool_set_ringparam().
 *
 * Context: RTNL held, priv->state_lock not held.
 * Return: 0 or a negative errno.
 */
int mlx5e_zc_set_ringparam(struct mlx5e_priv *priv,
			   struct ethtool_ringparam *param,
			   struct kernel_ethtool_ringparam *kernel_param,
			   struct netlink_ext_ack *extack)
{
	int action, err = 0;

	mutex_lock(&priv->state_lock);
	action = mlx5e_tds_action(&priv->channels.params,
				  kernel_param->tcp_data_split, extack);
	if (action < 0) {
		err = action;
	} else if (action == MLX5E_TDS_ENABLE) {
		struct mlx5e_tds_env env = {
			.params = &priv->channels.params,
			.hw_features = priv->netdev->hw_features,
			.wanted = netdev_get_wanted_features(priv->netdev),
			.xsk_refcnt = priv->xsk.refcnt,
		};

		err = mlx5e_tds_check_enable(&env, extack);
	}
	mutex_unlock(&priv->state_lock);
	if (err)
		return err;

	err = mlx5e_ethtool_set_ringparam(priv, param, extack);
	if (err || action == MLX5E_TDS_KEEP)
		return err;

	return mlx5e_tds_switch(priv, action == MLX5E_TDS_ENABLE, extack);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for en/zc_memcg.c: the page pool flags of an RQ, the
 * rx-zc-memcg transition, and the tcp-data-split decisions. Pure logic on
 * a struct mlx5e_params: no device needed, but mlx5_core must be loaded.
 */
#include <kunit/test.h>
#include <linux/ethtool.h>
#include <linux/ethtool_netlink.h>
#include <linux/netdevice.h>
#include <linux/netlink.h>
#include <net/page_pool/types.h>

#include "en.h"
#include "en/zc_memcg.h"

/* A device that could run SHAMPO, in the state the driver defaults to. */
static void tds_env_good(struct mlx5e_params *params, struct mlx5e_tds_env *env)
{
	memset(params, 0, sizeof(*params));
	MLX5E_SET_PFLAG(params, MLX5E_PFLAG_RX_STRIDING_RQ, true);
	params->rq_wq_type = MLX5_WQ_TYPE_LINKED_LIST_STRIDING_RQ;
	params->packet_merge.type = MLX5E_PACKET_MERGE_NONE;

	memset(env, 0, sizeof(*env));
	env->params = params;
	env->hw_features = NETIF_F_GRO_HW | NETIF_F_LRO | NETIF_F_RXCSUM |
			   NETIF_F_RXFCS;
	env->wanted = NETIF_F_RXCSUM;
}

static void pp_flags_default(struct kunit *test)
{
	struct mlx5e_params params = {};

	/* Flag off: exactly the stock 6.12 pool flags. */
	KUNIT_EXPECT_EQ(test, mlx5e_rq_pp_flags(&params),
			PP_FLAG_DMA_MAP | PP_FLAG_DMA_SYNC_DEV);

	/* Other private flags do not leak into the pool flags. */
	params.pflags = (u32)~BIT(MLX5E_PFLAG_RX_ZC_MEMCG);
	KUNIT_EXPECT_EQ(test, mlx5e_rq_pp_flags(&params),
			PP_FLAG_DMA_MAP | PP_FLAG_DMA_SYNC_DEV);
}

static void pp_flags_zc_memcg(struct kunit *test)
{
	struct mlx5e_params params = {};
	unsigned int want = PP_FLAG_DMA_MAP | PP_FLAG_DMA_SYNC_DEV;

	if (IS_ENABLED(CONFIG_PAGE_POOL_ZC_MEMCG))
		want |= PP_FLAG_ZC_MEMCG;
	MLX5E_SET_PFLAG(&params, MLX5E_PFLAG_RX_ZC_MEMCG, true);
	KUNIT_EXPECT_EQ(test, mlx5e_rq_pp_flags(&params), want);
}

static void shampo_granularity(struct kunit *test)
{
	struct mlx5e_params params = {};

	/* Stock packing without the flag; whole pages with it. */
	KUNIT_EXPECT_EQ(test, mlx5e_shampo_granularity(&params),
			MLX5_RQC_SHAMPO_NO_MATCH_ALIGNMENT_GRANULARITY_STRIDE);
	MLX5E_SET_PFLAG(&params, MLX5E_PFLAG_RX_ZC_MEMCG, true);
	KUNIT_EXPECT_EQ(test, mlx5e_shampo_granularity(&params),
			MLX5_RQC_SHAMPO_NO_MATCH_ALIGNMENT_GRANULARITY_PAGE);
}

static void tds_state(struct kunit *test)
{
	struct mlx5e_params params = {};

	params.packet_merge.type = MLX5E_PACKET_MERGE_NONE;
	KUNIT_EXPECT_EQ(test, mlx5e_tds_state(&params),
			ETHTOOL_TCP_DATA_SPLIT_DISABLED);
	params.packet_merge.type = MLX5E_PACKET_MERGE_LRO;
	KUNIT_EXPECT_EQ(test, mlx5e_tds_state(&params),
			ETHTOOL_TCP_DATA_SPLIT_DISABLED);
	params.packet_merge.type = MLX5E_PACKET_MERGE_SHAMPO;
	KUNIT_EXPECT_EQ(test, mlx5e_tds_state(&params),
			ETHTOOL_TCP_DATA_SPLIT_ENABLED);
}

static void tds_action(struct kunit *test)
{
	struct netlink_ext_ack extack = {};
	struct mlx5e_params params = {};

	params.packet_merge.type = MLX5E_PACKET_MERGE_NONE;
	KUNIT_EXPECT_EQ(test, mlx5e_tds_action(&params, ETHTOOL_TCP_DATA_SPLIT_UNKNOWN, NULL),
			MLX5E_TDS_KEEP);
	KUNIT_EXPECT_EQ(test, mlx5e_tds_action(&params, ETHTOOL_TCP_DATA_SPLIT_DISABLED, NULL),
			MLX5E_TDS_KEEP);
	KUNIT_EXPECT_EQ(test, mlx5e_tds_action(&params, ETHTOOL_TCP_DATA_SPLIT_ENABLED, NULL),
			MLX5E_TDS_ENABLE);

	params.packet_merge.type = MLX5E_PACKET_MERGE_LRO;
	KUNIT_EXPECT_EQ(test, mlx5e_tds_action(&params, ETHTOOL_TCP_DATA_SPLIT_DISABLED, NULL),
			MLX5E_TDS_KEEP);
	KUNIT_EXPECT_EQ(test, mlx5e_tds_action(&params, ETHTOOL_TCP_DATA_SPLIT_ENABLED, NULL),
			MLX5E_TDS_ENABLE);

	params.packet_merge.type = MLX5E_PACKET_MERGE_SHAMPO;
	KUNIT_EXPECT_EQ(test, mlx5e_tds_action(&params, ETHTOOL_TCP_DATA_SPLIT_UNKNOWN, NULL),
			MLX5E_TDS_KEEP);
	KUNIT_EXPECT_EQ(test, mlx5e_tds_action(&params, ETHTOOL_TCP_DATA_SPLIT_ENABLED, NULL),
			MLX5E_TDS_KEEP);
	KUNIT_EXPECT_EQ(test, mlx5e_tds_action(&params, ETHTOOL_TCP_DATA_SPLIT_DISABLED, NULL),
			MLX5E_TDS_DISABLE);

	/* A value the uAPI does not define: refused, with a reason. */
	KUNIT_EXPECT_EQ(test, mlx5e_tds_action(&params, ETHTOOL_TCP_DATA_SPLIT_ENABLED + 1,
					       &extack), -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, extack._msg);
}

static void tds_enable_allowed(struct kunit *test)
{
	struct netlink_ext_ack extack = {};
	struct mlx5e_params params;
	struct mlx5e_tds_env env;

	tds_env_good(&params, &env);
	KUNIT_EXPECT_EQ(test, mlx5e_tds_check_enable(&env, &extack), 0);
	KUNIT_EXPECT_NULL(test, extack._msg);

	/* Already on: checking again is harmless. */
	params.packet_merge.type = MLX5E_PACKET_MERGE_SHAMPO;
	env.wanted |= NETIF_F_GRO_HW;
	KUNIT_EXPECT_EQ(test, mlx5e_tds_check_enable(&env, &extack), 0);

	/* rx_zc_memcg does not matter to the layout. */
	MLX5E_SET_PFLAG(&params, MLX5E_PFLAG_RX_ZC_MEMCG, true);
	KUNIT_EXPECT_EQ(test, mlx5e_tds_check_enable(&env, &extack), 0);
}

struct tds_refusal {
	const char *name;
	void (*apply)(struct kunit *test, struct mlx5e_params *params,
		      struct mlx5e_tds_env *env);
	int err;
	const char *msg;
};

static void no_shampo_cap(struct kunit *test, struct mlx5e_params *p,
			  struct mlx5e_tds_env *env)
{
	env->hw_features &= ~NETIF_F_GRO_HW;
}

static void legacy_rq(struct kunit *test, struct mlx5e_params *p,
		      struct mlx5e_tds_env *env)
{
	MLX5E_SET_PFLAG(p, MLX5E_PFLAG_RX_STRIDING_RQ, false);
	p->rq_wq_type = MLX5_WQ_TYPE_CYCLIC;
}

static void cyclic_rq_type(struct kunit *test, struct mlx5e_params *p,
			   struct mlx5e_tds_env *env)
{
	p->rq_wq_type = MLX5_WQ_TYPE_CYCLIC;
}

static void xdp_attached(struct kunit *test, struct mlx5e_params *p,
			 struct mlx5e_tds_env *env)
{
	/* Only compared with NULL; never dereferenced. */
	p->xdp_prog = kunit_kzalloc(test, sizeof(*p->xdp_prog), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p->xdp_prog);
}

static void xsk_active(struct kunit *test, struct mlx5e_params *p,
		       struct mlx5e_tds_env *env)
{
	env->xsk_refcnt = 1;
}

static void cqe_compress(struct kunit *test, struct mlx5e_params *p,
			 struct mlx5e_tds_env *env)
{
	MLX5E_SET_PFLAG(p, MLX5E_PFLAG_RX_CQE_COMPRESS, true);
}

static void no_rxcsum(struct kunit *test, struct mlx5e_params *p,
		      struct mlx5e_tds_env *env)
{
	env->wanted &= ~NETIF_F_RXCSUM;
}

static void rxfcs_on(struct kunit *test, struct mlx5e_params *p,
		     struct mlx5e_tds_env *env)
{
	env->wanted |= NETIF_F_RXFCS;
}

static void lro_on(struct kunit *test, struct mlx5e_params *p,
		   struct mlx5e_tds_env *env)
{
	p->packet_merge.type = MLX5E_PACKET_MERGE_LRO;
	env->wanted |= NETIF_F_LRO;
}

static void lro_wanted(struct kunit *test, struct mlx5e_params *p,
		       struct mlx5e_tds_env *env)
{
	env->wanted |= NETIF_F_LRO;
}

static const struct tds_refusal tds_refusals[] = {
	{ "no SHAMPO capability", no_shampo_cap, -EOPNOTSUPP, "does not support" },
	{ "legacy RQ", legacy_rq, -EINVAL, "striding RQ" },
	{ "cyclic RQ type", cyclic_rq_type, -EINVAL, "striding RQ" },
	{ "XDP program", xdp_attached, -EINVAL, "XDP program" },
	{ "AF_XDP sockets", xsk_active, -EINVAL, "AF_XDP" },
	{ "CQE compression", cqe_compress, -EINVAL, "CQE compression" },
	{ "rx-checksumming off", no_rxcsum, -EINVAL, "rx-checksumming" },
	{ "rx-fcs on", rxfcs_on, -EINVAL, "rx-fcs" },
	{ "LRO on", lro_on, -EINVAL, "LRO" },
	{ "LRO wanted", lro_wanted, -EINVAL, "LRO" },
};

static void tds_refusal_desc(const struct tds_refusal *r, char *desc)
{
	strscpy(desc, r->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(tds_refusal, tds_refusals, tds_refusal_desc);

static void tds_enable_refused(struct kunit *test)
{
	const struct tds_refusal *r = test->param_value;
	struct netlink_ext_ack extack = {};
	struct mlx5e_params params;
	struct mlx5e_tds_env env;

	tds_env_good(&params, &env);
	r->apply(test, &params, &env);
	KUNIT_EXPECT_EQ(test, mlx5e_tds_check_enable(&env, &extack), r->err);
	KUNIT_ASSERT_NOT_NULL(test, extack._msg);
	KUNIT_EXPECT_NOT_NULL(test, strstr(extack._msg, r->msg));
	KUNIT_EXPECT_NOT_NULL(test, strstr(extack._msg, "tcp-data-split"));
}

static struct kunit_case mlx5e_zc_memcg_cases[] = {
	KUNIT_CASE(pp_flags_default),
	KUNIT_CASE(pp_flags_zc_memcg),
	KUNIT_CASE(shampo_granularity),
	KUNIT_CASE(tds_state),
	KUNIT_CASE(tds_action),
	KUNIT_CASE(tds_enable_allowed),
	KUNIT_CASE_PARAM(tds_enable_refused, tds_refusal_gen_params),
	{}
};

static struct kunit_suite mlx5e_zc_memcg_suite = {
	.name = "mlx5e_zc_memcg",
	.test_cases = mlx5e_zc_memcg_cases,
};

kunit_test_suite(mlx5e_zc_memcg_suite);

MODULE_DESCRIPTION("KUnit tests for the mlx5e zero-copy receive settings");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

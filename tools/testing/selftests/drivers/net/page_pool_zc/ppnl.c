// SPDX-License-Identifier: GPL-2.0
/*
 * ppnl: the two netlink requests the kit's tests and demo need, without
 * Python (the tree's ynl CLI takes about a minute per call under QEMU TCG)
 * and without an ethtool newer than Debian 12's 6.1, which does not know
 * tcp-data-split.
 *
 *   ppnl rings-set DEV tcp-data-split on|off
 *   ppnl rings-get DEV                 prints "tcp-data-split: on|off|n/a"
 *   ppnl page-pools [IFINDEX]          one line per page pool:
 *                                      "id N ifindex I inflight P detached D"
 *   ppnl page-pool-stats [IFINDEX]     one line per pool: "id N ifindex I"
 *                                      and the zc-* counters it reports
 *                                      (none: not an opted-in pool)
 *
 * Errors print the kernel's extack message and exit 1; usage errors exit 2.
 */
#include <errno.h>
#include <linux/ethtool_netlink.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* include/uapi/linux/netdev.h of 6.8+ (Debian 12's headers predate it). */
#define NETDEV_CMD_PAGE_POOL_GET	5
#define NETDEV_A_PAGE_POOL_ID		1
#define NETDEV_A_PAGE_POOL_IFINDEX	2
#define NETDEV_A_PAGE_POOL_INFLIGHT	4
#define NETDEV_A_PAGE_POOL_DETACH_TIME	6
#define NETDEV_CMD_PAGE_POOL_STATS_GET	9
#define NETDEV_A_PAGE_POOL_STATS_INFO	1
/* The kit's attributes (patches/0008), after RECYCLE_RELEASED_REFCNT (18). */
#define NETDEV_A_PAGE_POOL_STATS_ZC_MAPPED	19
#define NETDEV_A_PAGE_POOL_STATS_ZC_NOCHARGE	25

#define BUFSZ 32768

struct msg {
	union {
		struct nlmsghdr nh;
		char buf[4096];
	};
};

static int nl_fd;
static uint32_t nl_seq;

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void *nl_tail(struct nlmsghdr *nh)
{
	return (char *)nh + NLMSG_ALIGN(nh->nlmsg_len);
}

static struct nlattr *put_attr(struct nlmsghdr *nh, uint16_t type,
			       const void *data, size_t len)
{
	struct nlattr *a = nl_tail(nh);

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + NLA_ALIGN(a->nla_len);
	return a;
}

static void nest_end(struct nlmsghdr *nh, struct nlattr *nest)
{
	nest->nla_len = (char *)nl_tail(nh) - (char *)nest;
}

static void msg_init(struct msg *m, uint16_t family, uint16_t flags,
		     uint8_t cmd)
{
	struct genlmsghdr *g;

	memset(m, 0, sizeof(*m));
	m->nh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	m->nh.nlmsg_type = family;
	m->nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	m->nh.nlmsg_seq = ++nl_seq;
	g = NLMSG_DATA(&m->nh);
	g->cmd = cmd;
	g->version = 1;
}

/* Attributes of a generic netlink message, indexed by type (up to max). */
static void parse_attrs(const struct nlmsghdr *nh, size_t off,
			const struct nlattr **tb, int max)
{
	const char *p = (const char *)NLMSG_DATA(nh) + off;
	const char *end = (const char *)nh + nh->nlmsg_len;

	memset(tb, 0, sizeof(*tb) * (max + 1));
	while (p + NLA_HDRLEN <= end) {
		const struct nlattr *a = (const void *)p;
		int type = a->nla_type & NLA_TYPE_MASK;

		if (a->nla_len < NLA_HDRLEN || p + a->nla_len > end)
			break;
		if (type <= max)
			tb[type] = a;
		p += NLA_ALIGN(a->nla_len);
	}
}

static const void *attr_data(const struct nlattr *a)
{
	return (const char *)a + NLA_HDRLEN;
}

static void report_error(const struct nlmsghdr *nh, const char *what)
{
	const struct nlmsgerr *e = NLMSG_DATA(nh);
	const char *p, *end = (const char *)nh + nh->nlmsg_len;

	fprintf(stderr, "ppnl: %s: %s", what, strerror(-e->error));
	/* The extack TLVs follow the echoed request header. */
	p = (const char *)&e->msg + ((nh->nlmsg_flags & NLM_F_CAPPED) ?
		sizeof(e->msg) : e->msg.nlmsg_len);
	while (p + NLA_HDRLEN <= end) {
		const struct nlattr *a = (const void *)p;

		if (a->nla_len < NLA_HDRLEN)
			break;
		if (a->nla_type == NLMSGERR_ATTR_MSG)
			fprintf(stderr, " (%s)", (const char *)attr_data(a));
		p += NLA_ALIGN(a->nla_len);
	}
	fputc('\n', stderr);
}

/*
 * Send m and read replies until the ack (or the end of a dump), handing
 * each data message to cb. Exits on a kernel error.
 */
static void transact(struct msg *m, const char *what,
		     void (*cb)(const struct nlmsghdr *nh, void *arg),
		     void *arg)
{
	static char buf[BUFSZ];

	if (send(nl_fd, m, m->nh.nlmsg_len, 0) < 0)
		die("netlink send");
	for (;;) {
		ssize_t n = recv(nl_fd, buf, sizeof(buf), 0);
		struct nlmsghdr *nh;

		if (n < 0)
			die("netlink recv");
		for (nh = (void *)buf; NLMSG_OK(nh, n); nh = NLMSG_NEXT(nh, n)) {
			if (nh->nlmsg_seq != m->nh.nlmsg_seq)
				continue;
			if (nh->nlmsg_type == NLMSG_DONE)
				return;
			if (nh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nh);

				if (!e->error)
					return;
				report_error(nh, what);
				exit(1);
			}
			if (cb)
				cb(nh, arg);
		}
	}
}

static void family_cb(const struct nlmsghdr *nh, void *arg)
{
	const struct nlattr *tb[CTRL_ATTR_FAMILY_ID + 1];

	parse_attrs(nh, GENL_HDRLEN, tb, CTRL_ATTR_FAMILY_ID);
	if (tb[CTRL_ATTR_FAMILY_ID])
		*(uint16_t *)arg = *(const uint16_t *)attr_data(tb[CTRL_ATTR_FAMILY_ID]);
}

static uint16_t genl_family_id(const char *name)
{
	struct msg m;
	uint16_t id = 0;

	msg_init(&m, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY);
	put_attr(&m.nh, CTRL_ATTR_FAMILY_NAME, name, strlen(name) + 1);
	transact(&m, name, family_cb, &id);
	if (!id) {
		fprintf(stderr, "ppnl: no %s netlink family\n", name);
		exit(1);
	}
	return id;
}

static void put_dev(struct msg *m, uint16_t header_type, const char *dev)
{
	struct nlattr *nest = put_attr(&m->nh, header_type | NLA_F_NESTED,
				       NULL, 0);

	put_attr(&m->nh, ETHTOOL_A_HEADER_DEV_NAME, dev, strlen(dev) + 1);
	nest_end(&m->nh, nest);
}

static int rings_set(const char *dev, const char *param, const char *val)
{
	struct msg m;
	uint8_t split;

	if (strcmp(param, "tcp-data-split"))
		return 2;
	if (!strcmp(val, "on"))
		split = ETHTOOL_TCP_DATA_SPLIT_ENABLED;
	else if (!strcmp(val, "off"))
		split = ETHTOOL_TCP_DATA_SPLIT_DISABLED;
	else
		return 2;
	msg_init(&m, genl_family_id(ETHTOOL_GENL_NAME), 0, ETHTOOL_MSG_RINGS_SET);
	put_dev(&m, ETHTOOL_A_RINGS_HEADER, dev);
	put_attr(&m.nh, ETHTOOL_A_RINGS_TCP_DATA_SPLIT, &split, 1);
	transact(&m, "rings-set", NULL, NULL);
	return 0;
}

static void rings_cb(const struct nlmsghdr *nh, void *arg)
{
	const struct nlattr *tb[ETHTOOL_A_RINGS_MAX + 1];
	const char *s = "n/a";

	(void)arg;
	parse_attrs(nh, GENL_HDRLEN, tb, ETHTOOL_A_RINGS_MAX);
	if (tb[ETHTOOL_A_RINGS_TCP_DATA_SPLIT]) {
		switch (*(const uint8_t *)attr_data(tb[ETHTOOL_A_RINGS_TCP_DATA_SPLIT])) {
		case ETHTOOL_TCP_DATA_SPLIT_ENABLED:
			s = "on";
			break;
		case ETHTOOL_TCP_DATA_SPLIT_DISABLED:
			s = "off";
			break;
		}
	}
	printf("tcp-data-split: %s\n", s);
}

static int rings_get(const char *dev)
{
	struct msg m;

	msg_init(&m, genl_family_id(ETHTOOL_GENL_NAME), 0, ETHTOOL_MSG_RINGS_GET);
	put_dev(&m, ETHTOOL_A_RINGS_HEADER, dev);
	transact(&m, "rings-get", rings_cb, NULL);
	return 0;
}

static void pool_cb(const struct nlmsghdr *nh, void *arg)
{
	const struct nlattr *tb[NETDEV_A_PAGE_POOL_DETACH_TIME + 1];
	uint32_t want = *(uint32_t *)arg, ifindex = 0;
	uint64_t id = 0, inflight = 0;

	parse_attrs(nh, GENL_HDRLEN, tb, NETDEV_A_PAGE_POOL_DETACH_TIME);
	if (tb[NETDEV_A_PAGE_POOL_ID])
		memcpy(&id, attr_data(tb[NETDEV_A_PAGE_POOL_ID]),
		       tb[NETDEV_A_PAGE_POOL_ID]->nla_len - NLA_HDRLEN);
	if (tb[NETDEV_A_PAGE_POOL_IFINDEX])
		ifindex = *(const uint32_t *)attr_data(tb[NETDEV_A_PAGE_POOL_IFINDEX]);
	if (tb[NETDEV_A_PAGE_POOL_INFLIGHT])
		memcpy(&inflight, attr_data(tb[NETDEV_A_PAGE_POOL_INFLIGHT]),
		       tb[NETDEV_A_PAGE_POOL_INFLIGHT]->nla_len - NLA_HDRLEN);
	if (want && ifindex != want)
		return;
	printf("id %llu ifindex %u inflight %llu detached %d\n",
	       (unsigned long long)id, ifindex, (unsigned long long)inflight,
	       !!tb[NETDEV_A_PAGE_POOL_DETACH_TIME]);
}

static const char *const zc_names[] = {
	"zc-mapped", "zc-charge-fail", "zc-parked",
	"zc-uncharged", "zc-recycled", "zc-released", "zc-nocharge",
};

/* A u32 or u64 attribute (NLA_UINT) of a little-endian host. */
static uint64_t attr_uint(const struct nlattr *a)
{
	uint64_t v = 0;
	size_t len = a->nla_len - NLA_HDRLEN;

	memcpy(&v, attr_data(a), len < sizeof(v) ? len : sizeof(v));
	return v;
}

static void stats_cb(const struct nlmsghdr *nh, void *arg)
{
	const struct nlattr *tb[NETDEV_A_PAGE_POOL_STATS_ZC_NOCHARGE + 1];
	const struct nlattr *info[NETDEV_A_PAGE_POOL_IFINDEX + 1];
	uint32_t want = *(uint32_t *)arg, ifindex = 0;
	uint64_t id = 0;
	struct {
		struct nlmsghdr nh;
		char buf[256];
	} nest;
	int i, n = 0;

	parse_attrs(nh, GENL_HDRLEN, tb, NETDEV_A_PAGE_POOL_STATS_ZC_NOCHARGE);
	if (tb[NETDEV_A_PAGE_POOL_STATS_INFO]) {
		/* Parse the nest as if it were a message of its own. */
		size_t len = tb[NETDEV_A_PAGE_POOL_STATS_INFO]->nla_len - NLA_HDRLEN;

		if (len > sizeof(nest.buf))
			len = sizeof(nest.buf);
		nest.nh.nlmsg_len = NLMSG_LENGTH(len);
		memcpy(NLMSG_DATA(&nest.nh),
		       attr_data(tb[NETDEV_A_PAGE_POOL_STATS_INFO]), len);
		parse_attrs(&nest.nh, 0, info, NETDEV_A_PAGE_POOL_IFINDEX);
		if (info[NETDEV_A_PAGE_POOL_ID])
			id = attr_uint(info[NETDEV_A_PAGE_POOL_ID]);
		if (info[NETDEV_A_PAGE_POOL_IFINDEX])
			ifindex = attr_uint(info[NETDEV_A_PAGE_POOL_IFINDEX]);
	}
	if (want && ifindex != want)
		return;
	printf("id %llu ifindex %u", (unsigned long long)id, ifindex);
	for (i = 0; i < 6; i++) {
		const struct nlattr *a = tb[NETDEV_A_PAGE_POOL_STATS_ZC_MAPPED + i];

		if (a) {
			printf(" %s %llu", zc_names[i],
			       (unsigned long long)attr_uint(a));
			n++;
		}
	}
	printf("%s\n", n ? "" : " none");
}

static int pool_dump(const char *ifindex, uint8_t cmd,
		     void (*cb)(const struct nlmsghdr *nh, void *arg))
{
	uint32_t want = 0;
	struct msg m;
	char *end;

	if (ifindex) {
		want = strtoul(ifindex, &end, 10);
		if (*end || !want)
			return 2;
	}
	msg_init(&m, genl_family_id("netdev"), NLM_F_DUMP, cmd);
	transact(&m, "netdev dump", cb, &want);
	return 0;
}

static int page_pools(const char *ifindex)
{
	return pool_dump(ifindex, NETDEV_CMD_PAGE_POOL_GET, pool_cb);
}

static int bad_usage(void)
{
	fprintf(stderr,
		"usage: ppnl rings-set DEV tcp-data-split on|off\n"
		"       ppnl rings-get DEV\n"
		"       ppnl page-pools [IFINDEX]\n"
		"       ppnl page-pool-stats [IFINDEX]\n");
	return 2;
}

int main(int argc, char **argv)
{
	int one = 1, rc = 2;

	if (argc < 2)
		return bad_usage();
	nl_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl_fd < 0)
		die("netlink socket");
	setsockopt(nl_fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl_fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));

	if (!strcmp(argv[1], "rings-set") && argc == 5)
		rc = rings_set(argv[2], argv[3], argv[4]);
	else if (!strcmp(argv[1], "rings-get") && argc == 3)
		rc = rings_get(argv[2]);
	else if (!strcmp(argv[1], "page-pools") && argc <= 3)
		rc = page_pools(argc == 3 ? argv[2] : NULL);
	else if (!strcmp(argv[1], "page-pool-stats") && argc <= 3)
		rc = pool_dump(argc == 3 ? argv[2] : NULL,
			       NETDEV_CMD_PAGE_POOL_STATS_GET, stats_cb);
	if (rc == 2)
		return bad_usage();
	return rc;
}

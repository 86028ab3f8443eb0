// SPDX-License-Identifier: GPL-2.0
/*
 * ppzc: TCP stream sender and verifying receiver, by copy or by
 * TCP_ZEROCOPY_RECEIVE.
 *
 *   ppzc recv [-6] [-p PORT] [-b BYTES] [-s SEED] [-z] [-c CHUNK] [-k] [-r]
 *             [-m MODE | -K BYTES | -X [-D BLOCKDEV]] [-t SECONDS] [-S FILE]
 *             [-R NETDEV] [-g CGROUP_DIR] [-i IFNAME]
 *   ppzc send -H HOST [-p PORT] -b BYTES [-s SEED] [-z] [-M MSS] [-w SECONDS]
 *   (recv and send take -T)
 *   ppzc modes      the hold modes (-m) this build has: rdma needs libibverbs,
 *                   iouring liburing
 *
 * Stream byte i is a pure function of (SEED, i), so the receiver checks every
 * byte, whichever way it arrived, before it hands a page to anyone. The
 * receiver prints one JSON object: bytes received, bytes mapped, bytes copied,
 * bad bytes, and what the options below add; it exits 1 on a mismatch, a
 * short stream (with -b) or a hold mode that did not hold, 2 on an error.
 *
 *   -z      recv: map with TCP_ZEROCOPY_RECEIVE into a CHUNK-sized window
 *           (default 512 KiB), read() what cannot be mapped; send: send with
 *           MSG_ZEROCOPY, so that a local receiver (lo, netdevsim) gets the
 *           stream copied into whole order-0 pages it can map
 *   -k      keep: map each chunk into a new window and unmap them only when
 *           the stream is over (same as -m map)
 *   -r      release kept mappings in a random order (from -s SEED)
 *   -g DIR  memory.current of the cgroup DIR: memcg_before (before the
 *           transfer), memcg_peak (maximum sampled after every mapping batch
 *           and while holding), memcg_held (everything handed off and held),
 *           memcg_after (after release); memcg_removed if DIR went away
 *           (the samples stop there)
 *   -L      recv: mlockall(MCL_CURRENT) before listening, so that reclaim
 *           under a tight memory.max cannot take ppzc's own pages (a refault
 *           of its text would then OOM-kill it)
 *   -B SIZE recv: SO_RCVBUF (forced past net.core.rmem_max when allowed),
 *           which bounds the socket's share of the cgroup's memory
 *   -P RATE send: pace to RATE bytes per second until SIGUSR1 arrives
 *   -i IF   "pp": deltas of IF's ethtool counters named rx_pp_* from before
 *           the transfer to after release ("pp_held": to the held point);
 *           {} and a warning when IF or its counters do not exist
 *   -K N    recv, hold and re-verify (needs -z; not with -k or -m): the first
 *           N bytes mapped stay mapped, each chunk in its own window as with
 *           -k (held_bytes: those, N or a little more), while the rest of the
 *           stream is mapped into one reused window and verified as it
 *           arrives. Held as -m map (-t, -S, SIGUSR1; memcg_held and
 *           pp_held are sampled after the whole stream, the first N bytes
 *           still mapped); at release every held byte is read and verified
 *           again before the munmap: held_reverified_bytes (right),
 *           held_bad_bytes (changed while held). Exit 1 if any changed or
 *           fewer than N bytes were held.
 *   -X      recv stress (needs -z; not with -m, -K, -r, -t or -S): every chunk
 *           is mapped into a new window (as -k); once verified, the window
 *           is published to a second thread, pinned to another CPU than the
 *           receiving one (stress_cpus: 2, or 1 with a single CPU), which
 *           MADV_DONTNEEDs and unmaps it while the receiver is in its next
 *           TCP_ZEROCOPY_RECEIVE (stress_zapped_windows; held_bytes: the
 *           most bytes published and not yet zapped). Before zapping every
 *           4th window, the thread in turn:
 *             forks: the child verifies the window and exits 0 if intact
 *               (fork_checks, fork_bad: children that did not);
 *             writes the window to the block device of -D with O_DIRECT,
 *               reads it back into a private buffer and compares
 *               (odirect_bytes right, odirect_bad; an I/O error counts its
 *               bytes bad and sets odirect_errno). Without -D, or if the
 *               device cannot be opened with O_DIRECT or is smaller than
 *               CHUNK, the check is skipped: odirect_skipped, odirect_errno
 *               (0: no -D). The device's first CHUNK bytes are overwritten;
 *             sends it with MSG_ZEROCOPY over a TCP connection on 127.0.0.1
 *               (the receiver's netns) to a reader thread that verifies it
 *               (zcsend_bytes right, zcsend_bad): GUP references to the
 *               pages, dropped when the skbs are freed, the window zapped
 *               meanwhile.
 *           Exit 1 if any *_bad is not 0. It all ends with the stream.
 *   -D DEV  the block device of -X's O_DIRECT check (e.g. /dev/ram0)
 *   -T      time the stream's data calls (make bench): the TSC ticks from
 *           before to after each call, summed: recv: TCP_ZEROCOPY_RECEIVE,
 *           read() and the window's munmap (call_ticks, calls); send: send()
 *           (printed as {"bytes", "call_ticks", "calls"}). The calls do not
 *           block (MSG_DONTWAIT; waits are poll()s outside the clock), so
 *           a call's ticks are its own and whatever interrupts it. In the
 *           benchmark VM a tick is one guest instruction.
 *
 * held_bytes is the most mapped bytes held at once, by this process or by
 * what a mode handed them to. Hold modes (-m, all need -z); the socket is
 * shut down once the stream ends, so the sender finishes while pages are held:
 *
 *   map      keep the mappings; release: munmap
 *   vmsplice every mapped page goes into pipes of up to 1 MiB by vmsplice()
 *            (no SPLICE_F_GIFT), then munmap: the pipes hold the only
 *            references (spliced_bytes); release: close the pipes
 *   fork     a child inherits the mappings and checks them (fork_child_bytes:
 *            bytes present in its page tables, fork_child_held: all present
 *            and verified), the parent unmaps; release: the child exits
 *   rdma     a write pin (ibv_reg_mr LOCAL_WRITE; write_pin_errno, expected
 *            EFAULT) then a read-only MR (REMOTE_READ) per mapped extent on the
 *            first verbs device (rdma_registered_bytes, rdma_errno), then
 *            munmap; -R NETDEV creates rxe0 on NETDEV first when there is no
 *            verbs device, and deletes it at the end; release: ibv_dereg_mr
 *   iouring  io_uring_register_buffers (a FOLL_WRITE|FOLL_LONGTERM pin:
 *            iouring_errno, expected EFAULT on the read-only mapping); the
 *            data is checked again after it (iouring_intact). If refused,
 *            the pages are pinned (FOLL_PIN, not long-term) and read back by
 *            process_vm_readv() instead (pin_fallback_bytes/_errno, ENOSYS
 *            without CONFIG_CROSS_MEMORY_ATTACH);
 *            release: unregister if registered, then munmap
 *
 * When the pages are held, ppzc samples memory.current, then holds until -t
 * SECONDS pass, FILE given with -S is removed, or SIGUSR1 arrives, whichever
 * comes first; with neither -t nor -S it releases at once. With -S FILE it
 * writes "held\n" to FILE (atomically, by rename) once everything is held and
 * removes FILE when it releases for another reason; it also prints
 * "ppzc: held N bytes" on stderr.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/errqueue.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <linux/tcp.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <linux/fs.h>
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>
#ifdef HAVE_IBVERBS
#include <infiniband/verbs.h>
#endif
#ifdef HAVE_LIBURING
#include <liburing.h>
#endif

#define PAGE	4096UL

enum mode { MODE_NONE, MODE_MAP, MODE_VMSPLICE, MODE_FORK, MODE_RDMA,
	    MODE_IOURING };

static const char *const mode_names[] = {
	[MODE_MAP] = "map", [MODE_VMSPLICE] = "vmsplice", [MODE_FORK] = "fork",
	[MODE_RDMA] = "rdma", [MODE_IOURING] = "iouring",
};

struct opts {
	const char *host;
	const char *port;
	const char *cgroup, *ifname, *held_file, *rxe_netdev, *odirect_dev;
	uint64_t bytes;
	uint64_t seed;
	uint64_t pace;
	uint64_t keep_first;	/* -K */
	size_t chunk;
	int mss, rcvbuf;
	int wait_s, hold_s;
	enum mode mode;
	bool v6, zc, shuffle, lock, stress;
};

static void json_int(const char *key, long long v);

/* -T: TSC ticks spent in the stream's data calls, and their number. */
static bool timed;
static uint64_t call_ticks, calls;

/* Run a data call; with -T, add its ticks. */
#define TIMED(call) ({						\
	uint64_t __t0 = timed ? __rdtsc() : 0;			\
	__typeof__(call) __r = (call);				\
								\
	if (timed) {						\
		call_ticks += __rdtsc() - __t0;			\
		calls++;					\
	}							\
	__r;							\
})

/* With -T, wait outside the clock for what a non-blocking call lacked. */
static bool wait_for(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };

	if (!timed || errno != EAGAIN)
		return false;
	if (poll(&p, 1, -1) < 0 && errno != EINTR)
		return false;
	return true;
}

struct rx_stats {
	uint64_t received, mapped, copied, bad;
	uint64_t first_bad;
};

/* One window with mapped pages: len bytes at addr are stream [off, off+len). */
struct extent {
	uint8_t *addr;
	size_t len;
	uint64_t off;
};

struct rx {
	const struct opts *o;
	struct rx_stats st;
	struct extent *ext;
	size_t n_ext;
	char memcg_path[4096];
	int memcg_fd;
	uint64_t memcg_before, memcg_peak, memcg_held, memcg_after;
	bool memcg_removed;
	uint64_t held, held_max;
	uint64_t held_reverified, held_bad;	/* -K */
	struct stress *stress;			/* -X */
	bool failed;	/* the mode did not do what it is for */
};

/* rx_pp_* counters of a device, by name. */
struct pp_stats {
	unsigned int n;
	char (*name)[ETH_GSTRING_LEN];
	uint64_t *val;
};

static uint64_t splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static inline uint8_t pattern_byte(uint64_t seed, uint64_t off)
{
	return splitmix64(seed ^ (off >> 3)) >> ((off & 7) * 8);
}

/* Stream bytes [off, off + len) into buf, a 64-bit word at a time. */
static void fill(uint8_t *buf, size_t len, uint64_t seed, uint64_t off)
{
	size_t i = 0;

	for (; i < len && ((off + i) & 7); i++)
		buf[i] = pattern_byte(seed, off + i);
	for (; i + 8 <= len; i += 8) {
		uint64_t w = splitmix64(seed ^ ((off + i) >> 3));

		memcpy(buf + i, &w, 8);	/* little endian, as pattern_byte() */
	}
	for (; i < len; i++)
		buf[i] = pattern_byte(seed, off + i);
}

/* Bad bytes in buf, which should be stream [off, off + len). */
static uint64_t count_bad(const uint8_t *buf, size_t len, uint64_t seed,
			  uint64_t off, uint64_t *first_bad)
{
	/* Per thread: -X verifies in three threads at once. */
	static __thread uint8_t want[1 << 16];
	uint64_t bad = 0;
	size_t done = 0;

	while (done < len) {
		size_t n = len - done < sizeof(want) ? len - done : sizeof(want);

		fill(want, n, seed, off + done);
		if (memcmp(want, buf + done, n)) {
			for (size_t i = 0; i < n; i++) {
				if (buf[done + i] == want[i])
					continue;
				if (!bad && first_bad)
					*first_bad = off + done + i;
				bad++;
			}
		}
		done += n;
	}
	return bad;
}

static void verify(struct rx_stats *st, const uint8_t *buf, size_t len,
		   uint64_t seed)
{
	uint64_t first;
	uint64_t bad = count_bad(buf, len, seed, st->received, &first);

	if (bad && !st->bad)
		st->first_bad = first;
	st->bad += bad;
	st->received += len;
}

static void die(const char *what)
{
	fprintf(stderr, "ppzc: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* SO_RCVBUFFORCE passes net.core.rmem_max; without CAP_NET_ADMIN it is
 * SO_RCVBUF, capped by it.
 */
static void set_rcvbuf(int fd, int bytes)
{
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)) &&
	    (errno != EPERM ||
	     setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes))))
		die("SO_RCVBUF");
}

static int tcp_socket(const struct opts *o, bool listener)
{
	struct addrinfo hints = {
		.ai_family = o->v6 ? AF_INET6 : AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
		.ai_flags = listener ? AI_PASSIVE : 0,
	};
	struct addrinfo *ai;
	int fd, one = 1, err;
	time_t deadline = time(NULL) + o->wait_s;

	err = getaddrinfo(listener ? NULL : o->host, o->port, &hints, &ai);
	if (err) {
		fprintf(stderr, "ppzc: %s: %s\n", o->host ? o->host : "listen",
			gai_strerror(err));
		exit(2);
	}
	for (;;) {
		fd = socket(ai->ai_family, SOCK_STREAM, 0);
		if (fd < 0)
			die("socket");
		if (o->mss && setsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, &o->mss,
					 sizeof(o->mss)))
			die("TCP_MAXSEG");
		if (listener) {
			setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
			/* Before listen(): the window scale depends on it. */
			if (o->rcvbuf)
				set_rcvbuf(fd, o->rcvbuf);
			if (bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 1))
				die("bind/listen");
			break;
		}
		if (!connect(fd, ai->ai_addr, ai->ai_addrlen))
			break;
		/* The receiver may not listen yet: retry until -w expires. */
		if (time(NULL) >= deadline)
			die("connect");
		close(fd);
		usleep(100 * 1000);
	}
	freeaddrinfo(ai);
	return fd;
}

/*
 * The receiver's one connection, or exit 2 if no sender comes in
 * ACCEPT_WAIT_S: a test whose sender cannot reach it (a receive path that
 * drops everything) then fails instead of hanging until its timeout.
 */
#define ACCEPT_WAIT_S	300

static int accept_bounded(int lfd)
{
	struct pollfd p = { .fd = lfd, .events = POLLIN };
	int fd, n;

	do
		n = poll(&p, 1, ACCEPT_WAIT_S * 1000);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		die("poll");
	if (!n) {
		fprintf(stderr, "ppzc: no sender connected in %d s\n", ACCEPT_WAIT_S);
		exit(2);
	}
	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		die("accept");
	return fd;
}

/* Count MSG_ZEROCOPY completions until all of the sends so far are done. */
static void zc_reap(int fd, uint32_t sends, uint32_t *done)
{
	while (*done < sends) {
		char control[128];
		struct msghdr msg = {
			.msg_control = control,
			.msg_controllen = sizeof(control),
		};
		struct pollfd pfd = { .fd = fd };
		struct sock_extended_err *ee;
		struct cmsghdr *cm;

		if (recvmsg(fd, &msg, MSG_ERRQUEUE) < 0) {
			if (errno != EAGAIN)
				die("MSG_ERRQUEUE");
			/* POLLERR: the error queue has something. */
			if (poll(&pfd, 1, -1) < 0)
				die("poll");
			continue;
		}
		for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
			ee = (struct sock_extended_err *)CMSG_DATA(cm);
			if (ee->ee_origin != SO_EE_ORIGIN_ZEROCOPY)
				continue;
			*done += ee->ee_data - ee->ee_info + 1;
		}
	}
}

#define PACED_SEND	(64 << 10)

static void set_pacing(int fd, uint64_t rate)
{
	if (setsockopt(fd, SOL_SOCKET, SO_MAX_PACING_RATE, &rate, sizeof(rate)))
		die("SO_MAX_PACING_RATE");
}

static int do_send(const struct opts *o)
{
	size_t bufsz = 1 << 20;
	uint8_t *buf = aligned_alloc(PAGE, bufsz);
	uint32_t sends = 0, done_sends = 0;
	bool paced = o->pace;
	sigset_t usr1, pending;
	uint64_t off = 0;
	int fd, one = 1;

	if (!buf)
		die("malloc");
	fd = tcp_socket(o, false);
	if (o->zc && setsockopt(fd, SOL_SOCKET, SO_ZEROCOPY, &one, sizeof(one)))
		die("SO_ZEROCOPY");
	/*
	 * TCP paces itself once a rate is set; no qdisc needed. SIGUSR1
	 * (blocked, polled between sends) lifts the limit.
	 */
	if (o->pace) {
		sigemptyset(&usr1);
		sigaddset(&usr1, SIGUSR1);
		sigprocmask(SIG_BLOCK, &usr1, NULL);
		set_pacing(fd, o->pace);
	}
	while (off < o->bytes) {
		size_t n = o->bytes - off < bufsz ? o->bytes - off : bufsz;
		size_t done = 0;

		/* The kernel may still read buf until its sends complete. */
		if (o->zc)
			zc_reap(fd, sends, &done_sends);
		fill(buf, n, o->seed, off);
		while (done < n) {
			size_t len = n - done;
			ssize_t w;

			if (paced && !sigpending(&pending) &&
			    sigismember(&pending, SIGUSR1)) {
				set_pacing(fd, UINT64_MAX);
				paced = false;
			}
			/* Short sends while paced: see SIGUSR1 soon. */
			if (paced && len > PACED_SEND)
				len = PACED_SEND;
			w = TIMED(send(fd, buf + done, len,
				       (o->zc ? MSG_ZEROCOPY : 0) |
				       (timed ? MSG_DONTWAIT : 0)));
			if (w < 0 && wait_for(fd, POLLOUT))
				continue;

			/* ENOBUFS: too many completions pending (optmem). */
			if (w < 0 && errno == ENOBUFS && o->zc) {
				zc_reap(fd, sends, &done_sends);
				continue;
			}
			if (w < 0)
				die("write");
			done += w;
			sends++;
		}
		off += n;
	}
	if (shutdown(fd, SHUT_WR))
		die("shutdown");
	/* Wait for the receiver to close, so every byte was taken. */
	while (read(fd, buf, bufsz) > 0)
		;
	close(fd);
	free(buf);
	if (timed) {
		json_int("bytes", off);
		json_int("call_ticks", call_ticks);
		json_int("calls", calls);
		printf("}\n");
	}
	return 0;
}

/* JSON output: one object, fields in call order. */
static bool json_open;

static void json_key(const char *key)
{
	printf("%s\"%s\": ", json_open ? ", " : "{", key);
	json_open = true;
}

static void json_int(const char *key, long long v)
{
	json_key(key);
	printf("%lld", v);
}

static void json_bool(const char *key, bool v)
{
	json_key(key);
	printf(v ? "true" : "false");
}

/*
 * memory.current stays open and is re-read from offset 0: a sample then
 * allocates nothing, which matters to a receiver at its memory.max.
 */
static void memcg_sample(struct rx *rx, uint64_t *into)
{
	unsigned long long v;
	char num[32], *end;
	ssize_t n;

	if (rx->memcg_fd < 0)
		return;
	n = pread(rx->memcg_fd, num, sizeof(num) - 1, 0);
	if (n < 0 && errno == ENODEV) {
		/* The cgroup was removed under us (a teardown test): stop. */
		close(rx->memcg_fd);
		rx->memcg_fd = -1;
		rx->memcg_removed = true;
		return;
	}
	if (n < 0)
		die(rx->memcg_path);
	num[n] = 0;
	errno = 0;
	v = strtoull(num, &end, 10);
	if (errno || end == num || *end != '\n') {
		fprintf(stderr, "ppzc: %s: not a number\n", rx->memcg_path);
		exit(2);
	}
	if (v > rx->memcg_peak)
		rx->memcg_peak = v;
	if (into)
		*into = v;
}

static void held_add(struct rx *rx, int64_t bytes)
{
	rx->held += bytes;
	if (rx->held > rx->held_max)
		rx->held_max = rx->held;
}

/* SIOCETHTOOL on ifname, cmd and payload in buf; -1 with errno on failure. */
static int ethtool_ioctl(const char *ifname, void *buf)
{
	struct ifreq ifr = { .ifr_data = buf };
	int fd = socket(AF_INET, SOCK_DGRAM, 0), ret;

	if (fd < 0)
		return -1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ret = ioctl(fd, SIOCETHTOOL, &ifr);
	close(fd);
	return ret;
}

/* Read the rx_pp_* counters of ifname; false (errno set) if unreadable. */
static bool pp_read(const char *ifname, struct pp_stats *pp)
{
	struct ethtool_sset_info *info;
	struct ethtool_gstrings *names = NULL;
	struct ethtool_stats *vals = NULL;
	unsigned int n;
	bool ok = false;

	pp->n = 0;
	info = calloc(1, sizeof(*info) + sizeof(info->data[0]));
	if (!info)
		die("malloc");
	info->cmd = ETHTOOL_GSSET_INFO;
	info->sset_mask = 1ULL << ETH_SS_STATS;
	if (ethtool_ioctl(ifname, info))
		goto out;
	/* The kernel clears the bit of a set the device does not have. */
	n = info->sset_mask ? info->data[0] : 0;
	names = calloc(1, sizeof(*names) + (size_t)n * ETH_GSTRING_LEN);
	vals = calloc(1, sizeof(*vals) + (size_t)n * sizeof(vals->data[0]));
	pp->name = realloc(pp->name, (n + 1) * sizeof(*pp->name));
	pp->val = realloc(pp->val, (n + 1) * sizeof(*pp->val));
	if (!names || !vals || !pp->name || !pp->val)
		die("malloc");
	names->cmd = ETHTOOL_GSTRINGS;
	names->string_set = ETH_SS_STATS;
	names->len = n;
	vals->cmd = ETHTOOL_GSTATS;
	vals->n_stats = n;
	if (n && (ethtool_ioctl(ifname, names) || ethtool_ioctl(ifname, vals)))
		goto out;
	for (unsigned int i = 0; i < n && i < names->len && i < vals->n_stats; i++) {
		const char *s = (const char *)names->data + i * ETH_GSTRING_LEN;

		if (strncmp(s, "rx_pp_", 6))
			continue;
		memcpy(pp->name[pp->n], s, ETH_GSTRING_LEN);
		pp->name[pp->n][ETH_GSTRING_LEN - 1] = 0;
		pp->val[pp->n++] = vals->data[i];
	}
	ok = true;
out:
	free(info);
	free(names);
	free(vals);
	return ok;
}

static void pp_snapshot(const struct opts *o, struct pp_stats *pp, bool warn)
{
	if (!o->ifname)
		return;
	if (!pp_read(o->ifname, pp)) {
		if (warn)
			fprintf(stderr, "ppzc: warning: %s: ethtool stats: %s\n",
				o->ifname, strerror(errno));
	} else if (!pp->n && warn) {
		fprintf(stderr, "ppzc: warning: %s has no rx_pp_* counters\n",
			o->ifname);
	}
}

static void json_pp(const char *key, const struct pp_stats *before,
		    const struct pp_stats *after)
{
	bool first = true;

	json_key(key);
	putchar('{');
	for (unsigned int i = 0; i < after->n; i++) {
		uint64_t was = 0;

		for (unsigned int j = 0; j < before->n; j++)
			if (!strcmp(before->name[j], after->name[i]))
				was = before->val[j];
		printf("%s\"%s\": %lld", first ? "" : ", ", after->name[i],
		       (long long)(after->val[i] - was));
		first = false;
	}
	putchar('}');
}

/* read() up to len bytes, verifying; returns 0 at end of stream. */
static ssize_t rx_copy(int fd, struct rx_stats *st, uint8_t *buf, size_t len,
		       uint64_t seed)
{
	ssize_t r;

	while ((r = TIMED(recv(fd, buf, len, timed ? MSG_DONTWAIT : 0))) < 0 &&
	       wait_for(fd, POLLIN))
		;
	if (r < 0)
		die("read");
	verify(st, buf, r, seed);
	st->copied += r;
	return r;
}

/*
 * Wait for data after an empty TCP_ZEROCOPY_RECEIVE. A blocking read()
 * here would copy what could have been mapped. Returns the bytes queued;
 * 0 when the socket is readable with nothing queued (EOF or error).
 */
static int rx_wait(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int inq = 0;

	if (poll(&p, 1, -1) < 0 && errno != EINTR)
		die("poll");
	if (ioctl(fd, SIOCINQ, &inq))
		die("SIOCINQ");
	return inq;
}

static void *zc_window(int fd, size_t chunk)
{
	void *w = mmap(NULL, chunk, PROT_READ, MAP_SHARED, fd, 0);

	if (w == MAP_FAILED)
		die("mmap of the TCP socket");
	return w;
}

/* -r: release the extents in a random order, reproducible from -s. */
static void shuffle_extents(struct rx *rx)
{
	uint64_t r = rx->o->seed;

	for (size_t i = rx->n_ext; i > 1; i--) {
		size_t j;
		struct extent t;

		r = splitmix64(r);
		j = r % i;
		t = rx->ext[i - 1];
		rx->ext[i - 1] = rx->ext[j];
		rx->ext[j] = t;
	}
}

static void unmap_all(struct rx *rx)
{
	if (rx->o->shuffle)
		shuffle_extents(rx);
	for (size_t i = 0; i < rx->n_ext; i++) {
		munmap(rx->ext[i].addr, rx->o->chunk);
		held_add(rx, -(int64_t)rx->ext[i].len);
	}
	rx->n_ext = 0;
}

#if defined(HAVE_IBVERBS) || defined(HAVE_LIBURING)
/*
 * Check the mapped data again; true if every byte is still right (the pin
 * modes, which need their libraries).
 */
static bool ext_intact(const struct rx *rx)
{
	for (size_t i = 0; i < rx->n_ext; i++)
		if (count_bad(rx->ext[i].addr, rx->ext[i].len, rx->o->seed,
			      rx->ext[i].off, NULL))
			return false;
	return true;
}
#endif

/*
 * -K: read every held byte again; those that changed since they were
 * verified at mapping time are held_bad.
 */
static void reverify_held(struct rx *rx)
{
	for (size_t i = 0; i < rx->n_ext; i++) {
		const struct extent *e = &rx->ext[i];
		uint64_t bad = count_bad(e->addr, e->len, rx->o->seed, e->off,
					 NULL);

		rx->held_bad += bad;
		rx->held_reverified += e->len - bad;
	}
}

/*
 * -X: the receiver publishes each verified window into a ring; the stress
 * thread takes it, every STRESS_EVERY-th with one more check, and zaps it.
 * The indices only grow; a futex word wakes the other side.
 */
#define STRESS_SLOTS	16
#define STRESS_EVERY	4

enum { CHECK_FORK, CHECK_ODIRECT, CHECK_ZCSEND, CHECKS };

struct stress {
	const struct opts *o;
	struct extent slot[STRESS_SLOTS];
	uint32_t published;	/* windows published, by the receiver */
	uint32_t consumed;	/* windows zapped, by the stress thread */
	uint32_t events;	/* bumped at each publish and at the end */
	bool done;
	uint64_t inflight;	/* bytes published and not zapped yet */
	uint64_t inflight_max;
	pthread_t thread, reader;
	int cpus;
	unsigned char *vec;	/* mincore() of one window */
	int dfd, derrno;	/* O_DIRECT device */
	uint8_t *dbuf;
	int ztx, zrx, rec[2];	/* MSG_ZEROCOPY: sender, reader, records */
	uint32_t zsends, zdone;
	uint8_t *rbuf;
	/* The stress thread's results, then the reader's. */
	uint64_t zapped, fork_checks, fork_bad;
	uint64_t odirect_bytes, odirect_bad, odirect_skipped;
	uint64_t zcsend_bytes, zcsend_bad;
};

static void futex_wait(uint32_t *word, uint32_t val)
{
	if (syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0) &&
	    errno != EAGAIN && errno != EINTR)
		die("FUTEX_WAIT");
}

static void futex_wake(uint32_t *word)
{
	if (syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL,
		    0) < 0)
		die("FUTEX_WAKE");
}

/* (a) A child verifies the window through its copy of the page tables. */
static void check_fork(struct stress *s, const struct extent *e)
{
	size_t np = (e->len + PAGE - 1) / PAGE;
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		/* Only async-signal-safe work here: other threads ran. */
		if (mincore(e->addr, np * PAGE, s->vec))
			_exit(3);
		/* A missing page would SIGBUS: the window has no fault handler. */
		for (size_t p = 0; p < np; p++)
			if (!(s->vec[p] & 1))
				_exit(2);
		_exit(count_bad(e->addr, e->len, s->o->seed, e->off, NULL) ?
		      1 : 0);
	}
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	s->fork_checks++;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		s->fork_bad++;
}

/* -D: open for O_DIRECT; on failure the check is skipped, derrno says why. */
static void odirect_open(struct stress *s)
{
	const char *dev = s->o->odirect_dev;
	uint64_t size = UINT64_MAX;
	struct stat st;

	s->dfd = -1;
	if (!dev)
		return;
	s->dfd = open(dev, O_RDWR | O_DIRECT);
	if (s->dfd < 0) {
		s->derrno = errno;
		fprintf(stderr, "ppzc: warning: %s: %s: O_DIRECT check skipped\n",
			dev, strerror(errno));
		return;
	}
	/* A regular file grows; a block device has its size. */
	if (fstat(s->dfd, &st) ||
	    (S_ISBLK(st.st_mode) && ioctl(s->dfd, BLKGETSIZE64, &size)))
		die(dev);
	if (size < s->o->chunk) {
		fprintf(stderr, "ppzc: warning: %s < CHUNK: O_DIRECT check skipped\n",
			dev);
		close(s->dfd);
		s->dfd = -1;
		s->derrno = ENOSPC;
		return;
	}
	s->dbuf = aligned_alloc(PAGE, s->o->chunk);
	if (!s->dbuf)
		die("malloc");
}

/* (b) The window to the device with O_DIRECT, back into a private buffer. */
static void check_odirect(struct stress *s, const struct extent *e)
{
	uint64_t bad;
	ssize_t n;

	if (s->dfd < 0) {
		s->odirect_skipped++;
		return;
	}
	memset(s->dbuf, 0, e->len);
	n = pwrite(s->dfd, e->addr, e->len, 0);
	if (n == (ssize_t)e->len)
		n = pread(s->dfd, s->dbuf, e->len, 0);
	if (n != (ssize_t)e->len) {
		s->derrno = n < 0 ? errno : EIO;
		s->odirect_bad += e->len;
		return;
	}
	bad = count_bad(s->dbuf, e->len, s->o->seed, e->off, NULL);
	s->odirect_bytes += e->len - bad;
	s->odirect_bad += bad;
}

/* The reader end of (c): a record (stream offset and length), then data. */
static void *zc_reader(void *arg)
{
	struct stress *s = arg;
	struct extent e;

	while (read(s->rec[0], &e, sizeof(e)) == sizeof(e)) {
		for (size_t got = 0; got < e.len;) {
			size_t want = e.len - got;
			ssize_t r = read(s->zrx, s->rbuf, want);
			uint64_t bad;

			if (r <= 0) {
				/* The connection ended: these never came. */
				s->zcsend_bad += e.len - got;
				break;
			}
			bad = count_bad(s->rbuf, r, s->o->seed, e.off + got, NULL);
			s->zcsend_bytes += r - bad;
			s->zcsend_bad += bad;
			got += r;
		}
	}
	return NULL;
}

/* A TCP connection over 127.0.0.1 in this netns, with a reader thread. */
static void zcsend_open(struct stress *s)
{
	struct sockaddr_in a = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	socklen_t al = sizeof(a);
	int lfd, one = 1, err;

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(lfd, 1) || getsockname(lfd, (struct sockaddr *)&a, &al))
		die("-X: listen on 127.0.0.1");
	s->ztx = socket(AF_INET, SOCK_STREAM, 0);
	if (s->ztx < 0 || connect(s->ztx, (struct sockaddr *)&a, sizeof(a)))
		die("-X: connect to 127.0.0.1 (is lo up?)");
	s->zrx = accept(lfd, NULL, NULL);
	if (s->zrx < 0)
		die("-X: accept");
	close(lfd);
	if (setsockopt(s->ztx, SOL_SOCKET, SO_ZEROCOPY, &one, sizeof(one)))
		die("SO_ZEROCOPY");
	if (pipe(s->rec))
		die("pipe");
	s->rbuf = malloc(s->o->chunk);
	if (!s->rbuf)
		die("malloc");
	err = pthread_create(&s->reader, NULL, zc_reader, s);
	if (err) {
		errno = err;
		die("pthread_create");
	}
}

/*
 * (c) The window sent with MSG_ZEROCOPY: the skbs take references to its
 * pages (GUP), dropped when they are freed, after the window is zapped.
 */
static void check_zcsend(struct stress *s, const struct extent *e)
{
	size_t done = 0;

	zc_reap(s->ztx, s->zsends, &s->zdone);
	if (write(s->rec[1], e, sizeof(*e)) != sizeof(*e))
		die("-X: record pipe");
	while (done < e->len) {
		ssize_t w = send(s->ztx, e->addr + done, e->len - done,
				 MSG_ZEROCOPY | MSG_NOSIGNAL);

		/* ENOBUFS: too many completions pending (optmem). */
		if (w < 0 && errno == ENOBUFS) {
			if (s->zdone == s->zsends)
				usleep(1000);
			zc_reap(s->ztx, s->zsends, &s->zdone);
			continue;
		}
		if (w < 0)
			die("-X: MSG_ZEROCOPY send");
		done += w;
		s->zsends++;
	}
}

static void *stress_thread(void *arg)
{
	struct stress *s = arg;
	uint32_t c = 0, n = 0;

	for (;;) {
		uint32_t ev = __atomic_load_n(&s->events, __ATOMIC_ACQUIRE);
		struct extent e;

		if (c == __atomic_load_n(&s->published, __ATOMIC_ACQUIRE)) {
			/* Done: the last windows may have come meanwhile. */
			if (__atomic_load_n(&s->done, __ATOMIC_ACQUIRE)) {
				if (c == __atomic_load_n(&s->published,
							 __ATOMIC_ACQUIRE))
					break;
				continue;
			}
			futex_wait(&s->events, ev);
			continue;
		}
		e = s->slot[c % STRESS_SLOTS];
		if (++n % STRESS_EVERY == 0) {
			switch ((n / STRESS_EVERY - 1) % CHECKS) {
			case CHECK_FORK:
				check_fork(s, &e);
				break;
			case CHECK_ODIRECT:
				check_odirect(s, &e);
				break;
			default:
				check_zcsend(s, &e);
				break;
			}
		}
		/* The receiver is done with it: never touched again. */
		if (madvise(e.addr, s->o->chunk, MADV_DONTNEED))
			die("-X: MADV_DONTNEED");
		if (munmap(e.addr, s->o->chunk))
			die("-X: munmap");
		__atomic_sub_fetch(&s->inflight, e.len, __ATOMIC_RELAXED);
		s->zapped++;
		__atomic_store_n(&s->consumed, ++c, __ATOMIC_RELEASE);
		futex_wake(&s->consumed);
	}
	return NULL;
}

/*
 * Set up the checks, pin the receiving thread to the first allowed CPU and
 * the stress thread to the second, and start it.
 */
static struct stress *stress_start(const struct opts *o)
{
	struct stress *s = calloc(1, sizeof(*s));
	int cpu[2] = { -1, -1 }, n = 0, err;
	cpu_set_t allowed, one;
	pthread_attr_t attr;

	if (!s)
		die("malloc");
	s->o = o;
	s->vec = malloc(o->chunk / PAGE);
	if (!s->vec)
		die("malloc");
	odirect_open(s);
	/* The reader thread takes every CPU allowed: started before pinning. */
	zcsend_open(s);
	if (sched_getaffinity(0, sizeof(allowed), &allowed))
		die("sched_getaffinity");
	for (int i = 0; i < CPU_SETSIZE && n < 2; i++)
		if (CPU_ISSET(i, &allowed))
			cpu[n++] = i;
	s->cpus = n;
	err = pthread_attr_init(&attr);
	if (!err && n == 2) {
		CPU_ZERO(&one);
		CPU_SET(cpu[0], &one);
		if (sched_setaffinity(0, sizeof(one), &one))
			die("sched_setaffinity");
		CPU_ZERO(&one);
		CPU_SET(cpu[1], &one);
		err = pthread_attr_setaffinity_np(&attr, sizeof(one), &one);
	}
	if (!err)
		err = pthread_create(&s->thread, &attr, stress_thread, s);
	if (err) {
		errno = err;
		die("-X: stress thread");
	}
	pthread_attr_destroy(&attr);
	return s;
}

/* The receiver verified win: hand it over; wait while the ring is full. */
static void stress_publish(struct stress *s, uint8_t *win, size_t len,
			   uint64_t off)
{
	uint32_t pub = s->published;
	uint64_t in;

	for (;;) {
		uint32_t c = __atomic_load_n(&s->consumed, __ATOMIC_ACQUIRE);

		if (pub - c < STRESS_SLOTS)
			break;
		futex_wait(&s->consumed, c);
	}
	s->slot[pub % STRESS_SLOTS] = (struct extent){ win, len, off };
	in = __atomic_add_fetch(&s->inflight, len, __ATOMIC_RELAXED);
	if (in > s->inflight_max)
		s->inflight_max = in;
	__atomic_store_n(&s->published, pub + 1, __ATOMIC_RELEASE);
	__atomic_add_fetch(&s->events, 1, __ATOMIC_RELEASE);
	futex_wake(&s->events);
}

/* The stream is over: let the stress thread drain the ring, then stop all. */
static void stress_stop(struct stress *s)
{
	__atomic_store_n(&s->done, true, __ATOMIC_RELEASE);
	__atomic_add_fetch(&s->events, 1, __ATOMIC_RELEASE);
	futex_wake(&s->events);
	pthread_join(s->thread, NULL);
	zc_reap(s->ztx, s->zsends, &s->zdone);
	close(s->rec[1]);
	shutdown(s->ztx, SHUT_WR);
	pthread_join(s->reader, NULL);
	close(s->rec[0]);
	close(s->ztx);
	close(s->zrx);
	if (s->dfd >= 0)
		close(s->dfd);
}

static void stress_report(const struct stress *s)
{
	json_int("stress_cpus", s->cpus);
	json_int("stress_zapped_windows", s->zapped);
	json_int("fork_checks", s->fork_checks);
	json_int("fork_bad", s->fork_bad);
	json_int("odirect_bytes", s->odirect_bytes);
	json_int("odirect_bad", s->odirect_bad);
	json_int("odirect_skipped", s->odirect_skipped);
	json_int("odirect_errno", s->derrno);
	json_int("zcsend_bytes", s->zcsend_bytes);
	json_int("zcsend_bad", s->zcsend_bad);
}

static bool stress_bad(const struct stress *s)
{
	return s->fork_bad || s->odirect_bad || s->zcsend_bad;
}

static void stress_free(struct stress *s)
{
	free(s->vec);
	free(s->dbuf);
	free(s->rbuf);
	free(s);
}

/*
 * Receive the stream; with a hold mode, keep every mapped window in rx->ext
 * (-K: until held_bytes reaches -K's), with -X hand each to the stress thread.
 */
static void receive(struct rx *rx, int fd, uint8_t *buf, size_t bufsz)
{
	const struct opts *o = rx->o;
	struct rx_stats *st = &rx->st;
	bool keep = o->mode != MODE_NONE;
	uint8_t *win = o->zc ? zc_window(fd, o->chunk) : NULL;

	bool stalled = false;

	for (;;) {
		struct tcp_zerocopy_receive zc;
		socklen_t zl = sizeof(zc);

		if (!o->zc) {
			if (!rx_copy(fd, st, buf, bufsz, o->seed))
				break;
			continue;
		}
		memset(&zc, 0, sizeof(zc));
		zc.address = (uintptr_t)win;
		zc.length = o->chunk;
		if (TIMED(getsockopt(fd, IPPROTO_TCP, TCP_ZEROCOPY_RECEIVE, &zc, &zl))) {
			/* EIO: the peer closed and nothing is queued. */
			if (errno != EIO)
				die("TCP_ZEROCOPY_RECEIVE");
			if (!rx_copy(fd, st, buf, bufsz, o->seed))
				break;
			continue;
		}
		if (zc.err) {
			errno = -zc.err;
			die("TCP_ZEROCOPY_RECEIVE err");
		}
		if (zc.length) {
			uint64_t off = st->received;

			verify(st, win, zc.length, o->seed);
			st->mapped += zc.length;
			if (rx->stress) {
				/*
				 * The next window first: the zap of this one
				 * then overlaps the next TCP_ZEROCOPY_RECEIVE,
				 * not our mmap().
				 */
				uint8_t *next = zc_window(fd, o->chunk);

				stress_publish(rx->stress, win, zc.length, off);
				win = next;
			} else if (keep && (!o->keep_first ||
					    rx->held < o->keep_first)) {
				rx->ext = realloc(rx->ext, (rx->n_ext + 1) *
						  sizeof(*rx->ext));
				if (!rx->ext)
					die("malloc");
				rx->ext[rx->n_ext++] = (struct extent){
					win, zc.length, off };
				held_add(rx, zc.length);
				win = zc_window(fd, o->chunk);
			} else if (!keep) {
				/* The next call replaces this window's pages. */
				held_add(rx, (int64_t)zc.length -
					 (int64_t)rx->held);
			}
			/* (-K past its bytes: the reused window is not held.) */
			memcg_sample(rx, NULL);
		}
		if (zc.recv_skip_hint) {
			size_t want = zc.recv_skip_hint;

			while (want) {
				ssize_t r = rx_copy(fd, st, buf,
						    want < bufsz ? want : bufsz,
						    o->seed);
				if (!r)
					break;
				want -= r;
			}
		} else if (!zc.length) {
			/*
			 * Nothing mapped, nothing to skip: wait for data, then
			 * map again. Copy only at the end of the stream, or if
			 * data is queued that still cannot be mapped.
			 */
			if (!stalled && rx_wait(fd)) {
				stalled = true;
				continue;
			}
			if (!rx_copy(fd, st, buf, stalled ? 4096 : bufsz,
				     o->seed))
				break;
		}
		stalled = false;
	}
	if (win) {
		TIMED(munmap(win, o->chunk));
		if (!keep)
			held_add(rx, -(int64_t)rx->held);
	}
}

/* -m vmsplice: the pipes take the pages; returns their fds (-1 ended). */
static int *hand_to_pipes(struct rx *rx)
{
	int *fds = malloc(sizeof(*fds)), n = 0, err = 0;
	uint64_t spliced = 0;
	bool fresh = false;

	if (!fds)
		die("malloc");
	for (size_t i = 0; i < rx->n_ext && !err; i++) {
		struct iovec iov = { rx->ext[i].addr, rx->ext[i].len };

		while (iov.iov_len) {
			ssize_t r = n ? vmsplice(fds[n - 1], &iov, 1,
						 SPLICE_F_NONBLOCK) : -1;

			/* A full pipe (EAGAIN) is the cue for the next one. */
			if (r < 0 && (!n || (errno == EAGAIN && !fresh))) {
				fds = realloc(fds, (n + 3) * sizeof(*fds));
				if (!fds)
					die("malloc");
				if (pipe(fds + n))
					die("pipe");
				/* 1 MiB is pipe-max-size by default. */
				fcntl(fds[n + 1], F_SETPIPE_SZ, 1 << 20);
				n += 2;
				fresh = true;
				continue;
			}
			if (r < 0) {
				err = errno;
				break;
			}
			fresh = false;
			iov.iov_base = (uint8_t *)iov.iov_base + r;
			iov.iov_len -= r;
			spliced += r;
		}
	}
	fds[n] = -1;
	unmap_all(rx);
	held_add(rx, spliced);
	json_int("spliced_bytes", spliced);
	json_int("vmsplice_errno", err);
	if (err || spliced != rx->st.mapped)
		rx->failed = true;
	return fds;
}

static void release_pipes(struct rx *rx, int *fds)
{
	for (int i = 0; fds[i] >= 0; i++)
		close(fds[i]);
	free(fds);
	held_add(rx, -(int64_t)rx->held);
}

/* -m fork: a child keeps the mappings until release closes its pipe. */
static pid_t hand_to_child(struct rx *rx, int *release_fd)
{
	struct { uint64_t present, bad; } got = { 0 };
	int up[2], down[2];
	pid_t pid;

	if (pipe(up) || pipe(down))
		die("pipe");
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		char c;

		close(up[0]);
		close(down[1]);
		for (size_t i = 0; i < rx->n_ext; i++) {
			const struct extent *e = &rx->ext[i];
			size_t np = (e->len + PAGE - 1) / PAGE, present = 0;
			unsigned char *vec = malloc(np);

			if (!vec || mincore(e->addr, e->len, vec))
				_exit(2);
			for (size_t p = 0; p < np; p++)
				present += vec[p] & 1;
			free(vec);
			got.present += present * PAGE;
			/* A missing page would fault: no fault handler. */
			if (present == np)
				got.bad += count_bad(e->addr, e->len,
						     rx->o->seed, e->off, NULL);
		}
		if (write(up[1], &got, sizeof(got)) != sizeof(got))
			_exit(2);
		while (read(down[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(up[1]);
	close(down[0]);
	if (read(up[0], &got, sizeof(got)) != sizeof(got))
		die("fork child report");
	close(up[0]);
	unmap_all(rx);
	held_add(rx, got.present);
	json_int("fork_child_bytes", got.present);
	json_int("fork_child_bad", got.bad);
	json_bool("fork_child_held", got.present == rx->st.mapped && !got.bad);
	if (got.bad)
		rx->failed = true;
	*release_fd = down[1];
	return pid;
}

static void release_child(struct rx *rx, pid_t pid, int release_fd)
{
	int status;

	close(release_fd);
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "ppzc: fork child failed (status %#x)\n",
			status);
		rx->failed = true;
	}
	held_add(rx, -(int64_t)rx->held);
}

#ifdef HAVE_IBVERBS
/* Run the rdma tool; true if it exited 0. */
static bool run_rdma(const char *const argv[])
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		die("fork");
	if (!pid) {
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       !WEXITSTATUS(status);
}

struct rdma_hold {
	struct ibv_context *ctx;
	struct ibv_pd *pd;
	struct ibv_mr **mr;
	size_t n_mr;
	bool made_link;
};

/* -m rdma: refuse a write pin, then pin read-only with one MR per extent. */
static void hand_to_rdma(struct rx *rx, struct rdma_hold *h)
{
	const char *const add[] = { "rdma", "link", "add", "rxe0", "type", "rxe",
				    "netdev", rx->o->rxe_netdev, NULL };
	struct ibv_device **devs;
	struct ibv_mr *mr;
	uint64_t pinned = 0;
	int n, err = 0, werr = 0;

	devs = ibv_get_device_list(&n);
	if ((!devs || !n) && rx->o->rxe_netdev) {
		ibv_free_device_list(devs);
		if (!run_rdma(add)) {
			fprintf(stderr, "ppzc: rdma link add rxe0 on %s failed\n",
				rx->o->rxe_netdev);
			exit(2);
		}
		h->made_link = true;
		devs = ibv_get_device_list(&n);
	}
	if (!devs || !n) {
		fprintf(stderr, "ppzc: no RDMA device (-R NETDEV makes one)\n");
		exit(2);
	}
	h->ctx = ibv_open_device(devs[0]);
	if (!h->ctx)
		die("ibv_open_device");
	ibv_free_device_list(devs);
	h->pd = ibv_alloc_pd(h->ctx);
	if (!h->pd)
		die("ibv_alloc_pd");
	h->mr = calloc(rx->n_ext + 1, sizeof(*h->mr));
	if (!h->mr)
		die("malloc");

	if (rx->n_ext) {
		mr = ibv_reg_mr(h->pd, rx->ext[0].addr, rx->ext[0].len,
				IBV_ACCESS_LOCAL_WRITE);
		if (mr) {
			ibv_dereg_mr(mr);
			rx->failed = true;
		} else {
			werr = errno;
		}
		json_int("write_pin_errno", werr);
		json_bool("write_pin_intact", ext_intact(rx));
	}
	for (size_t i = 0; i < rx->n_ext; i++) {
		mr = ibv_reg_mr(h->pd, rx->ext[i].addr, rx->ext[i].len,
				IBV_ACCESS_REMOTE_READ);
		if (!mr) {
			err = errno;
			rx->failed = true;
			break;
		}
		h->mr[h->n_mr++] = mr;
		pinned += rx->ext[i].len;
	}
	unmap_all(rx);
	held_add(rx, pinned);
	json_int("rdma_registered_bytes", pinned);
	json_int("rdma_errno", err);
}

static void release_rdma(struct rx *rx, struct rdma_hold *h)
{
	static const char *const del[] = { "rdma", "link", "delete", "rxe0",
					   NULL };

	for (size_t i = 0; i < h->n_mr; i++)
		if (ibv_dereg_mr(h->mr[i]))
			die("ibv_dereg_mr");
	free(h->mr);
	ibv_dealloc_pd(h->pd);
	ibv_close_device(h->ctx);
	if (h->made_link && !run_rdma(del))
		fprintf(stderr, "ppzc: warning: rdma link delete rxe0 failed\n");
	held_add(rx, -(int64_t)rx->held);
}

#else
/* Built without libibverbs: parse_mode() refuses -m rdma. */
struct rdma_hold {
	void *ctx;
};

static void hand_to_rdma(struct rx *rx, struct rdma_hold *h)
{
	(void)rx;
	(void)h;
}

static void release_rdma(struct rx *rx, struct rdma_hold *h)
{
	(void)rx;
	(void)h;
}
#endif

#ifdef HAVE_LIBURING
/*
 * -m iouring: try the long-term write pin of fixed buffers. A read-only
 * mapping should refuse it; then pin and read the pages with
 * process_vm_readv() (FOLL_PIN without FOLL_WRITE, for the copy only).
 */
static bool hand_to_iouring(struct rx *rx, struct io_uring *ring,
			    uint8_t *buf, size_t bufsz)
{
	struct iovec *iov = calloc(rx->n_ext + 1, sizeof(*iov));
	uint64_t done = 0, bad = 0;
	int ret, err = 0;

	if (!iov)
		die("malloc");
	ret = io_uring_queue_init(4, ring, 0);
	if (ret) {
		errno = -ret;
		die("io_uring_queue_init");
	}
	for (size_t i = 0; i < rx->n_ext; i++)
		iov[i] = (struct iovec){ rx->ext[i].addr, rx->ext[i].len };
	ret = rx->n_ext ? io_uring_register_buffers(ring, iov, rx->n_ext) : 0;
	free(iov);
	json_int("iouring_errno", ret < 0 ? -ret : 0);
	json_bool("iouring_intact", ext_intact(rx));
	if (!ret)
		return true;

	for (size_t i = 0; i < rx->n_ext && !err; i++) {
		const struct extent *e = &rx->ext[i];

		for (size_t at = 0; at < e->len;) {
			size_t n = e->len - at < bufsz ? e->len - at : bufsz;
			struct iovec local = { buf, n };
			struct iovec remote = { e->addr + at, n };
			ssize_t r = process_vm_readv(getpid(), &local, 1,
						     &remote, 1, 0);

			if (r <= 0) {
				err = r ? errno : EIO;
				break;
			}
			bad += count_bad(buf, r, rx->o->seed, e->off + at, NULL);
			at += r;
			done += r;
		}
	}
	json_int("pin_fallback_bytes", done);
	/* ENOSYS without CONFIG_CROSS_MEMORY_ATTACH: reported, not fatal. */
	json_int("pin_fallback_errno", err);
	if (bad)
		rx->failed = true;
	return false;
}
#else
/* Built without liburing: parse_mode() refuses -m iouring. */
struct io_uring {
	int unused;
};

static bool hand_to_iouring(struct rx *rx, struct io_uring *ring,
			    uint8_t *buf, size_t bufsz)
{
	(void)rx;
	(void)ring;
	(void)buf;
	(void)bufsz;
	return false;
}

static void io_uring_unregister_buffers(struct io_uring *ring)
{
	(void)ring;
}

static void io_uring_queue_exit(struct io_uring *ring)
{
	(void)ring;
}
#endif

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Hold until -t expires, the -S file goes or SIGUSR1 (blocked) comes. */
static void hold(struct rx *rx, const sigset_t *usr1)
{
	const struct opts *o = rx->o;
	const struct timespec tick = { 0, 50 * 1000 * 1000 };
	double end = now() + o->hold_s;

	fprintf(stderr, "ppzc: held %llu bytes\n", (unsigned long long)rx->held);
	if (o->held_file) {
		char tmp[4096];
		FILE *f;

		snprintf(tmp, sizeof(tmp), "%s.tmp", o->held_file);
		f = fopen(tmp, "w");
		if (!f || fputs("held\n", f) < 0 || fclose(f) ||
		    rename(tmp, o->held_file))
			die(o->held_file);
	}
	if (!o->hold_s && !o->held_file)
		return;
	for (;;) {
		if (o->hold_s && now() >= end)
			break;
		if (o->held_file && access(o->held_file, F_OK))
			break;
		memcg_sample(rx, NULL);
		if (sigtimedwait(usr1, NULL, &tick) == SIGUSR1)
			break;
	}
	if (o->held_file)
		unlink(o->held_file);
}

/*
 * The report is written while the last window may still be mapped, when a
 * receiver at its memory.max cannot fault in a new page: give stdout a
 * buffer touched up front.
 */
static char out_buf[BUFSIZ];

static int do_recv(const struct opts *o)
{
	struct rx rx = { .o = o };
	struct pp_stats pp_before = { 0 }, pp_held = { 0 }, pp_after = { 0 };
	size_t bufsz = o->chunk;
	uint8_t *buf = malloc(bufsz);
	struct rdma_hold rdma = { 0 };
	struct io_uring ring;
	bool ring_up = false, ring_pinned = false, stress_failed = false;
	int *pipes = NULL, child_fd = -1;
	pid_t child = 0;
	sigset_t usr1;
	int lfd, fd;

	if (!buf)
		die("malloc");
	/*
	 * Touch the copy buffer now: under a memory.max that zero-copy charges
	 * have filled, a first touch during the stream would be an OOM kill.
	 */
	memset(buf, 0, bufsz);

	if (!buf)
		die("malloc");
	memset(out_buf, 0, sizeof(out_buf));
	setvbuf(stdout, out_buf, _IOFBF, sizeof(out_buf));
	/* A SIGUSR1 sent early stays pending until the hold. */
	sigemptyset(&usr1);
	if (o->hold_s || o->held_file)
		sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	rx.memcg_fd = -1;
	if (o->cgroup) {
		snprintf(rx.memcg_path, sizeof(rx.memcg_path),
			 "%s/memory.current", o->cgroup);
		rx.memcg_fd = open(rx.memcg_path, O_RDONLY);
		if (rx.memcg_fd < 0)
			die(rx.memcg_path);
	}
	memcg_sample(&rx, &rx.memcg_before);
	rx.memcg_peak = rx.memcg_before;
	pp_snapshot(o, &pp_before, true);

	/* Before any window is mapped: locking it would try to fault it in. */
	if (o->lock && mlockall(MCL_CURRENT))
		die("mlockall");
	if (o->stress)
		rx.stress = stress_start(o);
	lfd = tcp_socket(o, true);
	fd = accept_bounded(lfd);
	close(lfd);
	receive(&rx, fd, buf, bufsz);
	if (rx.stress) {
		stress_stop(rx.stress);
		rx.held_max = rx.stress->inflight_max;
	}
	/* The mappings keep the socket open: end the connection explicitly. */
	shutdown(fd, SHUT_RDWR);
	close(fd);

	json_int("bytes", rx.st.received);
	json_int("mapped", rx.st.mapped);
	json_int("copied", rx.st.copied);
	json_int("bad", rx.st.bad);
	json_int("first_bad", rx.st.bad ? (long long)rx.st.first_bad : -1LL);
	if (timed) {
		json_int("call_ticks", call_ticks);
		json_int("calls", calls);
	}
	if (o->mode != MODE_NONE) {
		json_key("mode");
		printf("\"%s\"", mode_names[o->mode]);
	}

	/* Nothing is handed off before it was verified. */
	if (!rx.st.bad) {
		switch (o->mode) {
		case MODE_VMSPLICE:
			pipes = hand_to_pipes(&rx);
			break;
		case MODE_FORK:
			child = hand_to_child(&rx, &child_fd);
			break;
		case MODE_RDMA:
			hand_to_rdma(&rx, &rdma);
			break;
		case MODE_IOURING:
			ring_pinned = hand_to_iouring(&rx, &ring, buf, bufsz);
			ring_up = true;
			break;
		default:
			break;
		}
	}
	memcg_sample(&rx, &rx.memcg_held);
	pp_snapshot(o, &pp_held, false);
	if (o->mode != MODE_NONE)
		hold(&rx, &usr1);

	if (pipes)
		release_pipes(&rx, pipes);
	if (child)
		release_child(&rx, child, child_fd);
	if (rdma.ctx)
		release_rdma(&rx, &rdma);
	if (ring_up) {
		if (ring_pinned)
			io_uring_unregister_buffers(&ring);
		io_uring_queue_exit(&ring);
	}
	if (o->keep_first)
		reverify_held(&rx);
	unmap_all(&rx);
	memcg_sample(&rx, &rx.memcg_after);
	pp_snapshot(o, &pp_after, false);

	if (o->zc)
		json_int("held_bytes", rx.held_max);
	if (o->keep_first) {
		json_int("held_reverified_bytes", rx.held_reverified);
		json_int("held_bad_bytes", rx.held_bad);
	}
	if (rx.stress)
		stress_report(rx.stress);
	if (o->cgroup) {
		json_int("memcg_before", rx.memcg_before);
		json_int("memcg_peak", rx.memcg_peak);
		json_int("memcg_held", rx.memcg_held);
		json_int("memcg_after", rx.memcg_after);
		json_bool("memcg_removed", rx.memcg_removed);
	}
	if (o->ifname) {
		if (o->mode != MODE_NONE)
			json_pp("pp_held", &pp_before, &pp_held);
		json_pp("pp", &pp_before, &pp_after);
	}
	printf("}\n");
	free(buf);
	free(rx.ext);
	if (rx.stress) {
		stress_failed = stress_bad(rx.stress);
		if (stress_failed)
			fprintf(stderr, "ppzc: -X: bad: %llu forks, O_DIRECT %llu, zcsend %llu\n",
				(unsigned long long)rx.stress->fork_bad,
				(unsigned long long)rx.stress->odirect_bad,
				(unsigned long long)rx.stress->zcsend_bad);
		stress_free(rx.stress);
	}

	if (rx.st.bad) {
		fprintf(stderr, "ppzc: %llu bad bytes, first at %llu\n",
			(unsigned long long)rx.st.bad,
			(unsigned long long)rx.st.first_bad);
		return 1;
	}
	if (o->bytes && rx.st.received != o->bytes) {
		fprintf(stderr, "ppzc: received %llu of %llu bytes\n",
			(unsigned long long)rx.st.received,
			(unsigned long long)o->bytes);
		return 1;
	}
	if (o->keep_first && rx.held_bad) {
		fprintf(stderr, "ppzc: -K: %llu held bytes changed while held\n",
			(unsigned long long)rx.held_bad);
		return 1;
	}
	if (o->keep_first && rx.held_max < o->keep_first) {
		fprintf(stderr, "ppzc: -K: held %llu of %llu bytes\n",
			(unsigned long long)rx.held_max,
			(unsigned long long)o->keep_first);
		return 1;
	}
	if (stress_failed)
		return 1;
	if (rx.failed) {
		fprintf(stderr, "ppzc: -m %s did not hold every mapped page\n",
			mode_names[o->mode]);
		return 1;
	}
	return 0;
}

static void bad_args(const char *why)
{
	if (why)
		fprintf(stderr, "ppzc: %s\n", why);
	fprintf(stderr,
		"usage: ppzc recv [-6] [-p PORT] [-b BYTES] [-s SEED] [-z] [-c CHUNK] [-k] [-r] [-L]\n"
		"                 [-B RCVBUF]\n"
		"                 [-m map|vmsplice|fork|rdma|iouring | -K HOLD_BYTES | -X [-D BLOCKDEV]]\n"
		"                 [-t SECONDS] [-S FILE] [-R NETDEV] [-g CGROUP_DIR] [-i IFNAME]\n"
		"       ppzc send -H HOST [-p PORT] -b BYTES [-s SEED] [-z] [-M MSS] [-w SECONDS]\n"
		"       (both: -T sums the TSC ticks of the stream's data calls)\n"
		"                 [-P BYTES_PER_SECOND (until SIGUSR1)]\n"
		"hold: -m, -t or -S hold the mapped pages (needs -z) until -t SECONDS pass,\n"
		"      FILE (written \"held\\n\" once held) is removed, or SIGUSR1 arrives\n"
		"      -K: hold the first HOLD_BYTES mapped, verify them again at release\n"
		"stress: -X zaps each verified window from another thread, every 4th\n"
		"      after a fork, O_DIRECT (-D) or MSG_ZEROCOPY check (needs -z)\n");
	exit(2);
}

/* A number with an optional K, M or G suffix (powers of 1024). */
static uint64_t parse_size(const char *s)
{
	static const char units[] = "KMG";
	const char *unit;
	char *end;
	uint64_t v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *s == '-')
		bad_args("bad number");
	unit = *end ? strchr(units, *end) : NULL;
	if (unit) {
		v <<= 10 * (unit - units + 1);
		end++;
	}
	if (*end)
		bad_args("bad number");
	return v;
}

/* The hold modes this build has (rdma and iouring need their libraries). */
static bool mode_built(enum mode m)
{
	bool rdma = true, iouring = true;

#ifndef HAVE_IBVERBS
	rdma = false;
#endif
#ifndef HAVE_LIBURING
	iouring = false;
#endif
	return (m != MODE_RDMA || rdma) && (m != MODE_IOURING || iouring);
}

static enum mode parse_mode(const char *s)
{
	for (size_t m = MODE_MAP; m < sizeof(mode_names) / sizeof(*mode_names); m++) {
		if (strcmp(s, mode_names[m]))
			continue;
		if (!mode_built(m)) {
			fprintf(stderr, "ppzc: -m %s: built without %s\n", s,
				m == MODE_RDMA ? "libibverbs" : "liburing");
			exit(4);
		}
		return m;
	}
	bad_args("unknown -m mode");
	return MODE_NONE;
}

/* ppzc modes: the hold modes of this build, one per line. */
static int list_modes(void)
{
	for (size_t m = MODE_MAP; m < sizeof(mode_names) / sizeof(*mode_names); m++)
		if (mode_built(m))
			printf("%s\n", mode_names[m]);
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { .port = "4242", .seed = 1, .chunk = 512 << 10, .wait_s = 30 };
	bool send, k_given = false, m_given = false;
	int c;

	if (argc < 2)
		bad_args(NULL);
	if (!strcmp(argv[1], "modes"))
		return list_modes();
	if (!strcmp(argv[1], "send"))
		send = true;
	else if (!strcmp(argv[1], "recv"))
		send = false;
	else
		bad_args(NULL);
	optind = 2;
	while ((c = getopt(argc, argv, "6H:p:b:s:zc:krLB:M:w:m:t:S:R:g:i:P:K:XD:T")) != -1) {
		switch (c) {
		case '6':
			o.v6 = true;
			break;
		case 'r':
			o.shuffle = true;
			break;
		case 'L':
			o.lock = true;
			break;
		case 'B': {
			uint64_t v = parse_size(optarg);

			if (!v || v > INT_MAX)
				bad_args("-B must be 1 to 2G-1 bytes");
			o.rcvbuf = v;
			break;
		}
		case 'H':
			o.host = optarg;
			break;
		case 'p':
			o.port = optarg;
			break;
		case 'b':
			o.bytes = parse_size(optarg);
			break;
		case 's':
			o.seed = parse_size(optarg);
			break;
		case 'z':
			o.zc = true;
			break;
		case 'c':
			o.chunk = parse_size(optarg);
			break;
		case 'k':
			if (o.mode == MODE_NONE)
				o.mode = MODE_MAP;
			k_given = true;
			break;
		case 'K':
			o.keep_first = parse_size(optarg);
			if (!o.keep_first)
				bad_args("-K must be at least 1 byte");
			break;
		case 'X':
			o.stress = true;
			break;
		case 'D':
			o.odirect_dev = optarg;
			break;
		case 'M':
			o.mss = parse_size(optarg);
			break;
		case 'w':
			o.wait_s = parse_size(optarg);
			break;
		case 'm':
			o.mode = parse_mode(optarg);
			m_given = true;
			break;
		case 't':
			o.hold_s = parse_size(optarg);
			break;
		case 'S':
			o.held_file = optarg;
			break;
		case 'R':
			o.rxe_netdev = optarg;
			break;
		case 'g':
			o.cgroup = optarg;
			break;
		case 'i':
			o.ifname = optarg;
			break;
		case 'P':
			o.pace = parse_size(optarg);
			break;
		case 'T':
			timed = true;
			break;
		default:
			bad_args(NULL);
		}
	}
	if (optind != argc)
		bad_args("extra arguments");
	if (send && (!o.host || !o.bytes))
		bad_args("send needs -H HOST and -b BYTES");
	if (!o.chunk || o.chunk % PAGE)
		bad_args("-c must be a non-zero multiple of 4096");
	if (send && (o.keep_first || o.stress || o.odirect_dev))
		bad_args("-K, -X and -D are for recv");
	if (o.keep_first && !o.zc)
		bad_args("-K needs -z");
	if (o.keep_first && (k_given || m_given))
		bad_args("-K holds windows of its own: not with -k or -m");
	if (o.stress && !o.zc)
		bad_args("-X needs -z");
	if (o.stress && (m_given || o.keep_first || o.shuffle || o.hold_s ||
			 o.held_file))
		bad_args("-X zaps every window: not with -m, -K, -r, -t or -S");
	if (o.odirect_dev && !o.stress)
		bad_args("-D needs -X");
	/* -X maps each chunk into a new window as -k, but holds none. */
	if (o.stress)
		o.mode = MODE_NONE;
	if ((o.hold_s || o.held_file || o.keep_first) && o.mode == MODE_NONE)
		o.mode = MODE_MAP;
	if (o.mode != MODE_NONE && !o.zc)
		bad_args("-k, -m, -t and -S need -z");
	if (o.rxe_netdev && o.mode != MODE_RDMA)
		bad_args("-R needs -m rdma");
	if (send && (o.mode != MODE_NONE || o.cgroup || o.ifname))
		bad_args("-m, -t, -S, -R, -g and -i are for recv");
	if (!send && o.pace)
		bad_args("-P is for send");
	if (send && (o.lock || o.rcvbuf))
		bad_args("-L and -B are for recv");
	return send ? do_send(&o) : do_recv(&o);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * ppsteal: try to steal a parked page-pool page into the page cache.
 *
 *   ppsteal -d DIR [-6] [-p PORT] [-s SEED] [-g CGROUP_DIR] [-w SECONDS]
 *
 * A FUSE server of its own (raw /dev/fuse, no libfuse), mounted at DIR,
 * with one 4096-byte file, DIR/file. A reader thread reads the file
 * through the page cache; the FUSE READ that this sends is answered with
 * a page that TCP_ZEROCOPY_RECEIVE mapped from a NIC's page pool:
 *
 *   1. accept one connection on PORT from "ppzc send" (SEED: its stream)
 *      and wait for the READ;
 *   2. TCP_ZEROCOPY_RECEIVE until a whole page P is mapped; verify it and
 *      note its PFN (/proc/self/pagemap: run as root);
 *   3. into a pipe: the READ's fuse_out_header, then P by
 *      vmsplice(SPLICE_F_GIFT);
 *   4. read the rest of the stream to its end: every skb is freed, and P,
 *      still mapped and in the pipe, is parked; then munmap P: the pipe
 *      holds its only reference (pipe_zerocopy_rx: the cgroup's
 *      memory.stat zerocopy_rx then, polled up to 5 s);
 *   5. splice(pipe, /dev/fuse, SPLICE_F_MOVE): the kernel may move P into
 *      the file's page cache instead of copying it;
 *   6. the reader's bytes (read_bad), the file mapped and read again
 *      (file_bad), the PFN of the file's page-cache page (file_pfn);
 *   7. truncate the file to 0 bytes, close the pipe, then poll up to 5 s
 *      for the cgroup's zerocopy_rx to be 0 (zerocopy_rx_after,
 *      memcg_before: memory.current before the stream, memcg_after).
 *
 * It prints one JSON object and exits 0; 2 on an error (no page mapped,
 * a refused mount, a FUSE request it did not expect). Whether the page
 * moved is for the caller to judge: pool_pfn == file_pfn.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fuse.h>
#include <linux/sockios.h>
#include <linux/tcp.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define PAGE		4096UL
#define WINDOW		(64 * PAGE)
#define FILE_INO	2
#define FILE_NAME	"file"
/* Long enough for the whole test: no GETATTR or LOOKUP to revalidate. */
#define VALID_S		3600
/* A request buffer must hold FUSE_MIN_READ_BUFFER and max_write. */
#define REQ_BUF		(128 * 1024)

struct opts {
	const char *dir, *port, *cgroup;
	uint64_t seed;
	int wait_s;
	bool v6;
};

/* What the server thread and the main thread share, under lock. */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int fd;			/* /dev/fuse */
	uint64_t size;		/* of the file: SETATTR changes it */
	bool read_seen;		/* the first READ is the main thread's */
	uint64_t read_unique, read_off;
	uint32_t read_size;
	int reads;		/* READ requests */
	uint8_t data[PAGE];	/* what later READs get (by copy) */
} fs = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER,
	.size = PAGE,
};

static void die(const char *what)
{
	fprintf(stderr, "ppsteal: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void fail(const char *what)
{
	fprintf(stderr, "ppsteal: %s\n", what);
	exit(2);
}

/* The stream of ppzc.c: byte i is a pure function of (seed, i). */
static uint64_t splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static uint8_t pattern_byte(uint64_t seed, uint64_t off)
{
	return splitmix64(seed ^ (off >> 3)) >> ((off & 7) * 8);
}

static void fill(uint8_t *buf, size_t len, uint64_t seed, uint64_t off)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = pattern_byte(seed, off + i);
}

static uint64_t count_bad(const uint8_t *buf, size_t len, uint64_t seed,
			  uint64_t off)
{
	uint64_t bad = 0;

	for (size_t i = 0; i < len; i++)
		bad += buf[i] != pattern_byte(seed, off + i);
	return bad;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* JSON output: one object, fields in call order. */
static bool json_open;

static void json_int(const char *key, long long v)
{
	printf("%s\"%s\": %lld", json_open ? ", " : "{", key, v);
	json_open = true;
}

/* ---- the FUSE server (its own thread) ---- */

static void reply(uint64_t unique, int error, const void *arg, size_t len)
{
	struct fuse_out_header oh = {
		.len = sizeof(oh) + len,
		.error = error,
		.unique = unique,
	};
	struct iovec iov[2] = {
		{ &oh, sizeof(oh) },
		{ (void *)arg, len },
	};

	/* ENOENT: the request was interrupted meanwhile. */
	if (writev(fs.fd, iov, len ? 2 : 1) < 0 && errno != ENOENT)
		die("write to /dev/fuse");
}

static void attr_of(uint64_t ino, struct fuse_attr *a)
{
	memset(a, 0, sizeof(*a));
	a->ino = ino;
	a->blksize = PAGE;
	if (ino == FUSE_ROOT_ID) {
		a->mode = S_IFDIR | 0755;
		a->nlink = 2;
		return;
	}
	a->mode = S_IFREG | 0644;
	a->nlink = 1;
	a->size = fs.size;
	a->blocks = (fs.size + 511) / 512;
}

static void do_init(const struct fuse_in_header *in, const void *arg)
{
	const struct fuse_init_in *ii = arg;
	/*
	 * One page of readahead: the read comes as one READ of one page,
	 * and through readahead, whose READ allows the kernel to move
	 * pages (page_replace). No FUSE_AUTO_INVAL_DATA, no async read.
	 */
	struct fuse_init_out o = {
		.major = FUSE_KERNEL_VERSION,
		.minor = FUSE_KERNEL_MINOR_VERSION,
		.max_readahead = PAGE,
		.max_background = 16,
		.congestion_threshold = 12,
		.max_write = PAGE,
		.time_gran = 1,
	};

	if (ii->major != FUSE_KERNEL_VERSION)
		fail("FUSE_INIT: not protocol version 7");
	reply(in->unique, 0, &o, sizeof(o));
}

static void do_read(const struct fuse_in_header *in, const void *arg)
{
	const struct fuse_read_in *ri = arg;
	size_t n = 0;

	pthread_mutex_lock(&fs.lock);
	fs.reads++;
	if (!fs.read_seen) {
		/* The main thread answers it by splice. */
		fs.read_seen = true;
		fs.read_unique = in->unique;
		fs.read_off = ri->offset;
		fs.read_size = ri->size;
		pthread_cond_broadcast(&fs.cond);
		pthread_mutex_unlock(&fs.lock);
		return;
	}
	if (ri->offset < fs.size)
		n = fs.size - ri->offset;
	if (n > ri->size)
		n = ri->size;
	pthread_mutex_unlock(&fs.lock);
	reply(in->unique, 0, n ? fs.data + ri->offset : NULL, n);
}

static void do_setattr(const struct fuse_in_header *in, const void *arg)
{
	const struct fuse_setattr_in *si = arg;
	struct fuse_attr_out o = { .attr_valid = VALID_S };

	if ((si->valid & FATTR_SIZE) && si->size > PAGE) {
		reply(in->unique, -EFBIG, NULL, 0);
		return;
	}
	pthread_mutex_lock(&fs.lock);
	if (si->valid & FATTR_SIZE)
		fs.size = si->size;
	attr_of(in->nodeid, &o.attr);
	pthread_mutex_unlock(&fs.lock);
	reply(in->unique, 0, &o, sizeof(o));
}

static void handle(const struct fuse_in_header *in, const void *arg)
{
	switch (in->opcode) {
	case FUSE_INIT:
		do_init(in, arg);
		break;
	case FUSE_LOOKUP: {
		struct fuse_entry_out o = {
			.nodeid = FILE_INO,
			.generation = 1,
			.entry_valid = VALID_S,
			.attr_valid = VALID_S,
		};

		if (in->nodeid != FUSE_ROOT_ID || strcmp(arg, FILE_NAME)) {
			reply(in->unique, -ENOENT, NULL, 0);
			break;
		}
		pthread_mutex_lock(&fs.lock);
		attr_of(FILE_INO, &o.attr);
		pthread_mutex_unlock(&fs.lock);
		reply(in->unique, 0, &o, sizeof(o));
		break;
	}
	case FUSE_GETATTR: {
		struct fuse_attr_out o = { .attr_valid = VALID_S };

		pthread_mutex_lock(&fs.lock);
		attr_of(in->nodeid, &o.attr);
		pthread_mutex_unlock(&fs.lock);
		reply(in->unique, 0, &o, sizeof(o));
		break;
	}
	case FUSE_SETATTR:
		do_setattr(in, arg);
		break;
	case FUSE_OPEN: {
		/* Keep the cache: the test opens the file more than once. */
		struct fuse_open_out o = { .fh = 1, .open_flags = FOPEN_KEEP_CACHE };

		reply(in->unique, 0, &o, sizeof(o));
		break;
	}
	case FUSE_READ:
		do_read(in, arg);
		break;
	case FUSE_FLUSH:
	case FUSE_RELEASE:
	case FUSE_DESTROY:
		reply(in->unique, 0, NULL, 0);
		break;
	case FUSE_FORGET:
	case FUSE_BATCH_FORGET:
	case FUSE_INTERRUPT:
		/* No reply: the kernel expects none (or can do without). */
		break;
	default:
		/*
		 * GETXATTR of security.capability (truncate asks), anything
		 * else: not supported.
		 */
		reply(in->unique, -EOPNOTSUPP, NULL, 0);
		break;
	}
}

static void *serve(void *unused)
{
	static uint8_t buf[REQ_BUF];

	(void)unused;
	for (;;) {
		ssize_t n = read(fs.fd, buf, sizeof(buf));
		const struct fuse_in_header *in = (const void *)buf;

		if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == ENOENT))
			continue;
		/* ENODEV: unmounted. */
		if (n < 0 && errno == ENODEV)
			break;
		if (n < 0)
			die("read /dev/fuse");
		if ((size_t)n < sizeof(*in) || in->len != (size_t)n)
			fail("short FUSE request");
		buf[n < REQ_BUF ? n : REQ_BUF - 1] = 0;
		handle(in, buf + sizeof(*in));
	}
	return NULL;
}

static void fuse_start(const struct opts *o, pthread_t *server)
{
	char mopts[128];
	int err;

	fs.fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fs.fd < 0)
		die("/dev/fuse");
	snprintf(mopts, sizeof(mopts),
		 "fd=%d,rootmode=40000,user_id=0,group_id=0", fs.fd);
	if (mount("ppsteal", o->dir, "fuse", MS_NOSUID | MS_NODEV, mopts))
		die("mount fuse");
	err = pthread_create(server, NULL, serve, NULL);
	if (err) {
		errno = err;
		die("pthread_create");
	}
}

/* ---- the reader: a page-cache read of the file ---- */

struct reader {
	int fd;
	uint8_t buf[PAGE];
	ssize_t got;
	int err;
};

static void *reader(void *arg)
{
	struct reader *r = arg;

	r->got = pread(r->fd, r->buf, sizeof(r->buf), 0);
	r->err = r->got < 0 ? errno : 0;
	return NULL;
}

/* ---- the zero-copy receiver ---- */

static int accept_one(const struct opts *o)
{
	struct addrinfo hints = {
		.ai_family = o->v6 ? AF_INET6 : AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
		.ai_flags = AI_PASSIVE,
	};
	struct pollfd p = { .events = POLLIN };
	struct addrinfo *ai;
	int lfd, fd, one = 1, err;

	err = getaddrinfo(NULL, o->port, &hints, &ai);
	if (err) {
		fprintf(stderr, "ppsteal: listen: %s\n", gai_strerror(err));
		exit(2);
	}
	lfd = socket(ai->ai_family, SOCK_STREAM, 0);
	if (lfd < 0)
		die("socket");
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, ai->ai_addr, ai->ai_addrlen) || listen(lfd, 1))
		die("bind/listen");
	freeaddrinfo(ai);
	p.fd = lfd;
	err = poll(&p, 1, o->wait_s * 1000);
	if (err <= 0) {
		errno = err ? errno : ETIMEDOUT;
		die("no sender connected");
	}
	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		die("accept");
	close(lfd);
	return fd;
}

/* The copy buffer: touched before the baseline of memory.current. */
static uint8_t copy_buf[WINDOW];

/* Bytes read and verified by copy so far, and bad ones among them. */
struct stream {
	uint64_t received, bad;
};

/* read() up to len bytes and verify them; 0 at the end of the stream. */
static ssize_t copy_in(int fd, struct stream *s, const struct opts *o,
		       size_t len)
{
	ssize_t r;

	r = read(fd, copy_buf, len < sizeof(copy_buf) ? len : sizeof(copy_buf));
	if (r < 0)
		die("read");
	s->bad += count_bad(copy_buf, r, o->seed, s->received);
	s->received += r;
	return r;
}

/*
 * TCP_ZEROCOPY_RECEIVE into win until a whole page is mapped at its
 * start; bytes that cannot be mapped are read. Returns the bytes mapped
 * (from stream offset s->received, not counted yet).
 */
static size_t map_a_page(int fd, uint8_t *win, struct stream *s,
			 const struct opts *o)
{
	double end = now() + o->wait_s;
	bool stalled = false;
	int inq;

	for (;;) {
		struct tcp_zerocopy_receive zc = {
			.address = (uintptr_t)win,
			.length = WINDOW,
		};
		socklen_t zl = sizeof(zc);
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (now() > end)
			fail("no whole page mapped in time");
		if (getsockopt(fd, IPPROTO_TCP, TCP_ZEROCOPY_RECEIVE, &zc, &zl)) {
			/* EIO: the peer closed and nothing is queued. */
			if (errno == EIO)
				fail("stream ended before a page was mapped");
			die("TCP_ZEROCOPY_RECEIVE");
		}
		if (zc.err) {
			errno = -zc.err;
			die("TCP_ZEROCOPY_RECEIVE err");
		}
		if (zc.length >= PAGE)
			return zc.length;
		if (zc.length)
			fail("TCP_ZEROCOPY_RECEIVE mapped less than a page");
		if (zc.recv_skip_hint) {
			if (!copy_in(fd, s, o, zc.recv_skip_hint))
				fail("stream ended before a page was mapped");
			stalled = false;
			continue;
		}
		/*
		 * Nothing mapped, nothing to skip: wait for data; if it is
		 * there and still cannot be mapped, read a page of it.
		 */
		if (poll(&p, 1, 1000) < 0 && errno != EINTR)
			die("poll");
		if (ioctl(fd, SIOCINQ, &inq))
			die("SIOCINQ");
		if (inq && stalled && !copy_in(fd, s, o, PAGE))
			fail("stream ended before a page was mapped");
		stalled = inq && !stalled;
	}
}

/* The PFN that maps addr in this process (0 if none, or not root). */
static uint64_t pfn_of(const void *addr)
{
	uint64_t e;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		die("/proc/self/pagemap");
	if (pread(fd, &e, sizeof(e), (uintptr_t)addr / PAGE * sizeof(e)) !=
	    sizeof(e))
		die("read /proc/self/pagemap");
	close(fd);
	/* Bit 63: present; bits 0-54: the PFN. */
	return e >> 63 ? e & ((1ULL << 55) - 1) : 0;
}

/* One memory.stat field of the cgroup, or -1 without -g. */
static long long cg_stat(const struct opts *o, const char *key)
{
	char path[PATH_MAX], k[64];
	long long v, found = -1;
	FILE *f;

	if (!o->cgroup)
		return -1;
	snprintf(path, sizeof(path), "%s/memory.stat", o->cgroup);
	f = fopen(path, "r");
	if (!f)
		die(path);
	while (fscanf(f, "%63s %lld", k, &v) == 2)
		if (!strcmp(k, key))
			found = v;
	fclose(f);
	return found;
}

static long long cg_current(const struct opts *o)
{
	char path[PATH_MAX];
	long long v;
	FILE *f;

	if (!o->cgroup)
		return -1;
	snprintf(path, sizeof(path), "%s/memory.current", o->cgroup);
	f = fopen(path, "r");
	if (!f || fscanf(f, "%lld", &v) != 1)
		die(path);
	fclose(f);
	return v;
}

/*
 * zerocopy_rx until cond(value) holds or 5 s pass: memory.stat is
 * flushed lazily, up to ~2 s late.
 */
static long long cg_poll_zc(const struct opts *o, bool (*cond)(long long))
{
	double end = now() + 5;
	long long v;

	for (;;) {
		v = cg_stat(o, "zerocopy_rx");
		if (v < 0 || cond(v) || now() > end)
			return v;
		usleep(100 * 1000);
	}
}

static bool at_least_a_page(long long v)
{
	return v >= (long long)PAGE;
}

static bool zero(long long v)
{
	return !v;
}

static void bad_args(void)
{
	fprintf(stderr,
		"usage: ppsteal -d DIR [-6] [-p PORT] [-s SEED] [-g CGROUP_DIR] [-w SECONDS]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct opts o = { .port = "4242", .seed = 1, .wait_s = 30 };
	struct fuse_out_header oh;
	struct stream s = { 0 };
	struct reader rd = { 0 };
	pthread_t server, rthread;
	long long memcg_before, memcg_after, pipe_zc, zc_after;
	uint64_t pool_pfn, file_pfn, p_off, file_bad;
	char path[PATH_MAX];
	struct iovec iov;
	size_t mapped;
	uint8_t *win, *map;
	bool seen;
	double end;
	int c, fd, pfd[2], err;
	ssize_t r;

	while ((c = getopt(argc, argv, "d:6p:s:g:w:")) != -1) {
		switch (c) {
		case 'd':
			o.dir = optarg;
			break;
		case '6':
			o.v6 = true;
			break;
		case 'p':
			o.port = optarg;
			break;
		case 's':
			o.seed = strtoull(optarg, NULL, 0);
			break;
		case 'g':
			o.cgroup = optarg;
			break;
		case 'w':
			o.wait_s = atoi(optarg);
			break;
		default:
			bad_args();
		}
	}
	if (!o.dir || optind != argc || o.wait_s <= 0)
		bad_args();

	fuse_start(&o, &server);
	snprintf(path, sizeof(path), "%s/" FILE_NAME, o.dir);
	rd.fd = open(path, O_RDONLY);
	if (rd.fd < 0)
		die(path);
	memset(copy_buf, 0, sizeof(copy_buf));
	memcg_before = cg_current(&o);

	/* 1. The sender, then the READ of the file's page. */
	fd = accept_one(&o);
	err = pthread_create(&rthread, NULL, reader, &rd);
	if (err) {
		errno = err;
		die("pthread_create");
	}
	end = now() + o.wait_s;
	pthread_mutex_lock(&fs.lock);
	while (!fs.read_seen && now() < end) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&fs.cond, &fs.lock, &ts);
	}
	seen = fs.read_seen;
	pthread_mutex_unlock(&fs.lock);
	if (!seen)
		fail("the reader's READ never came");
	if (fs.read_off || fs.read_size != PAGE)
		fail("the READ is not for the file's one page");

	/* 2. A whole page from the pool, mapped. */
	win = mmap(NULL, WINDOW, PROT_READ, MAP_SHARED, fd, 0);
	if (win == MAP_FAILED)
		die("mmap of the TCP socket");
	mapped = map_a_page(fd, win, &s, &o);
	p_off = s.received;
	s.bad += count_bad(win, mapped, o.seed, s.received);
	s.received += mapped;
	pool_pfn = pfn_of(win);
	if (!pool_pfn)
		fail("no PFN in /proc/self/pagemap (not root?)");
	fill(fs.data, PAGE, o.seed, p_off);

	/* 3. The reply's header, then P, gifted. */
	if (pipe(pfd))
		die("pipe");
	oh = (struct fuse_out_header){
		.len = sizeof(oh) + PAGE,
		.unique = fs.read_unique,
	};
	if (write(pfd[1], &oh, sizeof(oh)) != sizeof(oh))
		die("write the header into the pipe");
	iov = (struct iovec){ win, PAGE };
	r = vmsplice(pfd[1], &iov, 1, SPLICE_F_GIFT);
	if (r != (ssize_t)PAGE)
		die("vmsplice(SPLICE_F_GIFT)");

	/* 4. Every skb consumed and freed: P is parked; then unmapped. */
	while (copy_in(fd, &s, &o, WINDOW))
		;
	/* The window keeps the socket open: end the connection explicitly. */
	shutdown(fd, SHUT_RDWR);
	close(fd);
	if (munmap(win, WINDOW))
		die("munmap");
	pipe_zc = cg_poll_zc(&o, at_least_a_page);

	/* 5. The reply: the kernel may take P for the page cache. */
	r = splice(pfd[0], NULL, fs.fd, NULL, sizeof(oh) + PAGE, SPLICE_F_MOVE);
	if (r != (ssize_t)(sizeof(oh) + PAGE))
		die("splice(pipe, /dev/fuse, SPLICE_F_MOVE)");

	/* 6. What the file holds, and which page holds it. */
	pthread_join(rthread, NULL);
	if (rd.got < 0) {
		errno = rd.err;
		die("the reader's read");
	}
	map = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, rd.fd, 0);
	if (map == MAP_FAILED)
		die("mmap of the FUSE file");
	file_bad = count_bad(map, PAGE, o.seed, p_off);
	file_pfn = pfn_of(map);
	if (munmap(map, PAGE))
		die("munmap");

	/* 7. Truncate, close the pipe: every reference to P is gone. */
	if (truncate(path, 0))
		die("truncate");
	close(pfd[0]);
	close(pfd[1]);
	zc_after = cg_poll_zc(&o, zero);
	memcg_after = cg_current(&o);

	close(rd.fd);
	if (umount(o.dir))
		die("umount");
	pthread_join(server, NULL);
	close(fs.fd);

	json_int("bytes", s.received);
	json_int("bad", s.bad);
	json_int("stream_off", p_off);
	json_int("mapped", mapped);
	json_int("pool_pfn", pool_pfn);
	json_int("pipe_zerocopy_rx", pipe_zc);
	json_int("reads", fs.reads);
	json_int("read_bytes", rd.got);
	json_int("read_bad", count_bad(rd.buf, rd.got, o.seed, p_off) +
		 (PAGE - rd.got));
	json_int("file_bad", file_bad);
	json_int("file_pfn", file_pfn);
	json_int("zerocopy_rx_after", zc_after);
	json_int("memcg_before", memcg_before);
	json_int("memcg_after", memcg_after);
	printf("}\n");
	return 0;
}

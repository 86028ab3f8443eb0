// SPDX-License-Identifier: GPL-2.0
/*
 * ppzc: TCP stream sender and verifying receiver, by copy or by
 * TCP_ZEROCOPY_RECEIVE.
 *
 *   ppzc recv [-6] [-p PORT] [-b BYTES] [-s SEED] [-z] [-c CHUNK] [-k]
 *   ppzc send -H HOST [-p PORT] -b BYTES [-s SEED] [-M MSS] [-w SECONDS]
 *
 * Stream byte i is a pure function of (SEED, i), so the receiver checks every
 * byte, whichever way it arrived. The receiver prints one JSON object:
 * bytes received, bytes mapped, bytes copied, bad bytes; it exits non-zero on
 * a mismatch, an error, or (with -b) a short stream.
 *
 *   -z      map with TCP_ZEROCOPY_RECEIVE into a CHUNK-sized window
 *           (default 512 KiB), read() what cannot be mapped
 *   -k      keep: never unmap a window, map each chunk into a new one
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/tcp.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct opts {
	const char *host;
	const char *port;
	uint64_t bytes;
	uint64_t seed;
	size_t chunk;
	int mss;
	int wait_s;
	bool v6, zc, keep;
};

struct rx_stats {
	uint64_t received, mapped, copied, bad;
	uint64_t first_bad;
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

static void verify(struct rx_stats *st, const uint8_t *buf, size_t len,
		   uint64_t seed)
{
	static uint8_t want[1 << 16];
	size_t done = 0;

	while (done < len) {
		size_t n = len - done < sizeof(want) ? len - done : sizeof(want);
		uint64_t off = st->received + done;

		fill(want, n, seed, off);
		if (memcmp(want, buf + done, n)) {
			for (size_t i = 0; i < n; i++) {
				if (buf[done + i] == want[i])
					continue;
				if (!st->bad)
					st->first_bad = off + i;
				st->bad++;
			}
		}
		done += n;
	}
	st->received += len;
}

static void die(const char *what)
{
	fprintf(stderr, "ppzc: %s: %s\n", what, strerror(errno));
	exit(2);
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

static int do_send(const struct opts *o)
{
	size_t bufsz = 1 << 20;
	uint8_t *buf = malloc(bufsz);
	uint64_t off = 0;
	int fd;

	if (!buf)
		die("malloc");
	fd = tcp_socket(o, false);
	while (off < o->bytes) {
		size_t n = o->bytes - off < bufsz ? o->bytes - off : bufsz;
		size_t done = 0;

		fill(buf, n, o->seed, off);
		while (done < n) {
			ssize_t w = write(fd, buf + done, n - done);

			if (w < 0)
				die("write");
			done += w;
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
	return 0;
}

/* read() up to len bytes, verifying; returns 0 at end of stream. */
static ssize_t rx_copy(int fd, struct rx_stats *st, uint8_t *buf, size_t len,
		       uint64_t seed)
{
	ssize_t r = read(fd, buf, len);

	if (r < 0)
		die("read");
	verify(st, buf, r, seed);
	st->copied += r;
	return r;
}

static void *zc_window(int fd, size_t chunk)
{
	void *w = mmap(NULL, chunk, PROT_READ, MAP_SHARED, fd, 0);

	if (w == MAP_FAILED)
		die("mmap of the TCP socket");
	return w;
}

static int do_recv(const struct opts *o)
{
	struct rx_stats st = { 0 };
	size_t bufsz = o->chunk;
	uint8_t *buf = malloc(bufsz);
	void *win = NULL;
	int lfd, fd;

	if (!buf)
		die("malloc");
	lfd = tcp_socket(o, true);
	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		die("accept");
	close(lfd);
	if (o->zc)
		win = zc_window(fd, o->chunk);

	for (;;) {
		struct tcp_zerocopy_receive zc;
		socklen_t zl = sizeof(zc);

		if (!o->zc) {
			if (!rx_copy(fd, &st, buf, bufsz, o->seed))
				break;
			continue;
		}
		memset(&zc, 0, sizeof(zc));
		zc.address = (uintptr_t)win;
		zc.length = o->chunk;
		if (getsockopt(fd, IPPROTO_TCP, TCP_ZEROCOPY_RECEIVE, &zc, &zl)) {
			/* EIO: the peer closed and nothing is queued. */
			if (errno != EIO)
				die("TCP_ZEROCOPY_RECEIVE");
			if (!rx_copy(fd, &st, buf, bufsz, o->seed))
				break;
			continue;
		}
		if (zc.err) {
			errno = -zc.err;
			die("TCP_ZEROCOPY_RECEIVE err");
		}
		if (zc.length) {
			verify(&st, win, zc.length, o->seed);
			st.mapped += zc.length;
			if (o->keep)
				win = zc_window(fd, o->chunk);
		}
		if (zc.recv_skip_hint) {
			size_t want = zc.recv_skip_hint;

			while (want) {
				ssize_t r = rx_copy(fd, &st, buf,
						    want < bufsz ? want : bufsz,
						    o->seed);
				if (!r)
					break;
				want -= r;
			}
		} else if (!zc.length) {
			/* Nothing mappable, nothing to skip: data or EOF. */
			if (!rx_copy(fd, &st, buf, bufsz, o->seed))
				break;
		}
	}
	if (win && !o->keep)
		munmap(win, o->chunk);
	close(fd);
	free(buf);

	printf("{\"bytes\": %llu, \"mapped\": %llu, \"copied\": %llu, ",
	       (unsigned long long)st.received, (unsigned long long)st.mapped,
	       (unsigned long long)st.copied);
	printf("\"bad\": %llu, \"first_bad\": %lld}\n",
	       (unsigned long long)st.bad,
	       st.bad ? (long long)st.first_bad : -1LL);
	if (st.bad) {
		fprintf(stderr, "ppzc: %llu bad bytes, first at %llu\n",
			(unsigned long long)st.bad,
			(unsigned long long)st.first_bad);
		return 1;
	}
	if (o->bytes && st.received != o->bytes) {
		fprintf(stderr, "ppzc: received %llu of %llu bytes\n",
			(unsigned long long)st.received,
			(unsigned long long)o->bytes);
		return 1;
	}
	return 0;
}

static void bad_args(void)
{
	fprintf(stderr,
		"usage: ppzc recv [-6] [-p PORT] [-b BYTES] [-s SEED] [-z] [-c CHUNK] [-k]\n"
		"       ppzc send -H HOST [-p PORT] -b BYTES [-s SEED] [-M MSS] [-w SECONDS]\n");
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
	if (errno || end == s)
		bad_args();
	unit = *end ? strchr(units, *end) : NULL;
	if (unit) {
		v <<= 10 * (unit - units + 1);
		end++;
	}
	if (*end)
		bad_args();
	return v;
}

int main(int argc, char **argv)
{
	struct opts o = { .port = "4242", .seed = 1, .chunk = 512 << 10, .wait_s = 30 };
	bool send;
	int c;

	if (argc < 2)
		bad_args();
	if (!strcmp(argv[1], "send"))
		send = true;
	else if (!strcmp(argv[1], "recv"))
		send = false;
	else
		bad_args();
	optind = 2;
	while ((c = getopt(argc, argv, "6H:p:b:s:zc:kM:w:")) != -1) {
		switch (c) {
		case '6':
			o.v6 = true;
			break;
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
			o.keep = true;
			break;
		case 'M':
			o.mss = parse_size(optarg);
			break;
		case 'w':
			o.wait_s = parse_size(optarg);
			break;
		default:
			bad_args();
		}
	}
	if (optind != argc || (send && (!o.host || !o.bytes)) ||
	    !o.chunk || o.chunk % 4096)
		bad_args();
	return send ? do_send(&o) : do_recv(&o);
}

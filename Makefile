# SPDX-License-Identifier: GPL-2.0
# ppkit: memcg accounting and pool recycling for zero-copy-mapped page-pool
# pages, as a patch kit for Linux 6.12 LTS. See README.md.

CC ?= gcc
TOOLS_CFLAGS := -O2 -g -Wall -Wextra -Werror

.PHONY: all deps tree kernel kernel-fast kernel-kcsan tools vm demo bench check check-full check-kcsan \
	series series-check series-bisect deb clean

all: kernel tools

# Debian packages the kit needs; every other target starts here.
deps:
	@tools/build/deps

# build/linux: pristine linux-source-6.12 + kit files + patches/series.
tree: deps
	@tools/build/tree

# build/bzImage: the debug test kernel (KASAN, lockdep, kmemleak, DEBUG_VM).
kernel: tree
	@tools/build/kernel debug

# build/bzImage-fast: same without the debug set.
kernel-fast: tree
	@tools/build/kernel fast

# build/bzImage-kcsan: KCSAN instead of KASAN (the two exclude each other).
kernel-kcsan: tree
	@tools/build/kernel kcsan

tools: build/tools/ppzc build/tools/ppnl build/tools/ppsteal

# The selftests' C tools, also built here for the host tests. The hold
# modes need libibverbs and liburing (make deps installs them).
SELFTEST_DIR := tools/testing/selftests/drivers/net/page_pool_zc

build/tools/ppzc: $(SELFTEST_DIR)/ppzc.c | deps
	@mkdir -p $(@D)
	$(CC) $(TOOLS_CFLAGS) -DHAVE_IBVERBS -DHAVE_LIBURING -o $@ $< -libverbs -luring -lpthread

# Netlink requests of the tests (tcp-data-split, page pools), in C.
build/tools/ppnl: $(SELFTEST_DIR)/ppnl.c
	@mkdir -p $(@D)
	$(CC) $(TOOLS_CFLAGS) -o $@ $<

# The FUSE server and zero-copy receiver of fuse_steal.sh.
build/tools/ppsteal: $(SELFTEST_DIR)/ppsteal.c
	@mkdir -p $(@D)
	$(CC) $(TOOLS_CFLAGS) -o $@ $< -lpthread

# DPDK's mempool and external-buffer paths, for make bench (dpdk-dev).
build/tools/ppdpdk: tools/bench/ppdpdk.c | deps
	@mkdir -p $(@D)
	$(CC) $(TOOLS_CFLAGS) $$(pkg-config --cflags libdpdk) -o $@ $< \
		-lrte_eal -lrte_mempool -lrte_mbuf -lrte_ring

# Guest instructions per operation: stock 6.12 vs the kit off and on, DPDK
# beside them (one table, build/bench/results.json).
bench: deps
	@tools/bench/run

# A zero-copy transfer with rx-zc-memcg off, then on, side by side.
demo: deps
	@tools/demo/run

# An interactive shell in the test kernel (the host root, read-only).
vm: kernel tools
	@tools/vm/run -i

# Everything: host tests, kernel, static checks, KUnit and kselftests in
# the VM. Ends with "N passed, N failed, N skipped".
check: deps
	@tools/check/run

# make check with every kselftest of the target, every upstream suite and
# six tests on e1000e (tools/check/guest/check): about an hour warm.
check-full: deps
	@PPKIT_CHECK_SET=full tools/check/run

# The race cases (boot KUnit suite, charging suite, stress kselftest) in the
# KCSAN kernel; a data race in the kit's paths fails it. Same summary line.
check-kcsan: deps
	@PPKIT_VARIANT=kcsan tools/check/run

# build/series/: the kit as a git format-patch series against the pristine
# tree, cut as tools/series/layout says (cover letter first).
series: tree
	@tools/series/generate

# git am of build/series onto a fresh pristine tree must give build/linux;
# checkpatch --strict on every patch. BISECT=1 also builds the fast test
# kernel at every patch (make series-bisect).
series-check: series
	@tools/series/check $(if $(filter 1,$(BISECT)),--bisect) > build/series-check.tap; \
	tools/check/tap --name series build/series-check.tap

series-bisect:
	@$(MAKE) -s series-check BISECT=1

# build/deb/*.deb: bindeb-pkg of the kit's kernel from the operator's config
# (CONFIG=path, default /boot/config-$$(uname -r), else Debian's;
# CONFIG=test: the kit's test configuration), kit symbols on, -ppkit.
deb: tree
	@tools/build/deb $(CONFIG)

clean:
	rm -rf build

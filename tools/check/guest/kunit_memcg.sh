#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run the page_pool_zc_memcg KUnit suite from a memory cgroup of its own:
# its cases charge the memcg of the task that loads the module.
source "$(dirname "$0")/lib.sh"
: "${PPKIT_KIT:?run through tools/check/guest/kunit-modules}"

cg=/sys/fs/cgroup/ppkit-kunit-$$
# A limit for the cases that check the socket reserve against memory.max.
mkdir "$cg" && echo 256M > "$cg/memory.max" && echo $$ > "$cg/cgroup.procs" || exit 1
kunit_module page_pool_zc_memcg \
	"$PPKIT_KIT/build/obj-${PPKIT_VARIANT:-debug}/net/core/page_pool_zc_memcg_test.ko"
rc=$?
echo $$ > /sys/fs/cgroup/cgroup.procs
rmdir "$cg"
exit $rc

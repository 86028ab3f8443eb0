# SPDX-License-Identifier: GPL-2.0
"""tools/series/generate: the layout table must take every kit input exactly
once, and the series it writes must rebuild the kit tree patch by patch."""
import os
import shutil
import subprocess
import tempfile
import textwrap
import unittest

from kit import run, tool

GENERATE = tool("tools", "series", "generate")

MAKEFILE = "obj-y += x.o\nobj-y += y.o\nobj-y += z.o\n"

PATCH = textwrap.dedent("""\
    From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
    From: ppkit <dev@ppkit.invalid>
    Subject: [PATCH] net: build a and b

    Build both.

    Signed-off-by: ppkit <dev@ppkit.invalid>
    ---
     net/core/Makefile | 2 ++
     1 file changed, 2 insertions(+)

    diff --git a/net/core/Makefile b/net/core/Makefile
    --- a/net/core/Makefile
    +++ b/net/core/Makefile
    @@ -1,3 +1,5 @@
     obj-y += x.o
     obj-y += y.o
    +obj-$(CONFIG_A) += a.o
    +obj-$(CONFIG_B) += b.o
     obj-y += z.o
    """)

KCONFIG = textwrap.dedent("""\
    # SPDX-License-Identifier: GPL-2.0

    config A
    \tbool "a"

    config B
    \tbool "b"
    \tdepends on A
    """)

LAYOUT = textwrap.dedent("""\
    == one: net: add a
    patches/0001-*.patch:net/core/Makefile:a\\.o
    Kconfig:A
    net/core/a.c

    == two: net: add b
    patches/0001-*.patch:net/core/Makefile:b\\.o
    Kconfig:B
    net/core/b.c
    ? drivers/later/*
    """)


class Series(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="ppkit-series-test.")
        self.kit = os.path.join(self.tmp, "kit")
        self.build = os.path.join(self.tmp, "build")
        self.write("tools/build/tree", 'overlay_dirs="net drivers"\n')
        self.write("patches/series", "0001-net-build-a-and-b.patch\n")
        self.write("patches/0001-net-build-a-and-b.patch", PATCH)
        self.write("Kconfig", KCONFIG)
        self.write("net/core/a.c", "/* a */\n")
        self.write("net/core/b.c", "/* b */\n")
        self.write("tools/series/layout", LAYOUT)
        self.write("tools/series/messages/one", "Why a.\n")
        self.write("tools/series/messages/two", "Why b.\n")
        self.write("tools/series/cover-letter", "# comment\nsubject\n\nBlurb.\n\n@BENCH_RESULTS@\n")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def write(self, path, text, root=None):
        full = os.path.join(root or self.kit, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write(text)

    def generate(self, *args):
        env = dict(os.environ, PPKIT_KIT=self.kit, PPKIT_BUILD=self.build)
        return run([GENERATE, *args], env=env)

    def assert_layout_error(self, *needles):
        r = self.generate("--check-layout")
        self.assertNotEqual(r.returncode, 0, r.stdout + r.stderr)
        for n in needles:
            self.assertIn(n, r.stderr)

    def test_layout_complete(self):
        r = self.generate("--check-layout")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("2 series patches take 2 overlay files, 2 Kconfig blocks, "
                      "2 changed lines of 1 kit patches", r.stdout)

    def test_unassigned_overlay_file_fails(self):
        self.write("net/core/c.c", "/* added by a merge */\n")
        self.assert_layout_error("overlay file net/core/c.c is in no series patch")

    def test_new_overlay_folder_file_fails(self):
        self.write("tools/build/tree", 'overlay_dirs="net drivers tools/testing"\n')
        self.write("tools/testing/selftests/t.sh", "#!/bin/sh\n")
        self.assert_layout_error("overlay file tools/testing/selftests/t.sh is in no series patch")

    def test_file_in_two_series_patches_fails(self):
        self.write("tools/series/layout", LAYOUT + "net/core/a.c\n")
        self.assert_layout_error("overlay file net/core/a.c is in 2 series patches (one, two)")

    def test_unassigned_patch_line_fails(self):
        self.write("tools/series/layout", LAYOUT.replace("Makefile:b\\.o", "Makefile:nothing"))
        self.assert_layout_error("patches/0001-net-build-a-and-b.patch: net/core/Makefile: "
                                 "line '+obj-$(CONFIG_B) += b.o' is in no series patch")

    def test_new_kit_patch_fails(self):
        self.write("patches/series", "0001-net-build-a-and-b.patch\n0002-more.patch\n")
        self.write("patches/0002-more.patch", PATCH.replace("a.o", "c.o").replace(
            "+obj-$(CONFIG_B) += b.o\n", ""))
        self.assert_layout_error("patches/0002-more.patch: net/core/Makefile: "
                                 "line '+obj-$(CONFIG_A) += c.o' is in no series patch")

    def test_unassigned_kconfig_block_fails(self):
        self.write("Kconfig", KCONFIG + "\nconfig C\n\tbool \"c\"\n")
        self.assert_layout_error("Kconfig symbol C is in no series patch")

    def test_selector_matching_nothing_fails(self):
        self.write("tools/series/layout", LAYOUT + "net/core/gone.c\n")
        self.assert_layout_error("'net/core/gone.c' (two) matches nothing")

    def test_optional_group_lands(self):
        self.write("drivers/later/x.c", "/* later */\n")
        r = self.generate("--check-layout")
        self.assertEqual(r.returncode, 0, r.stderr)

    def git(self, repo, *args):
        env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null",
                   GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org",
                   GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.org")
        r = subprocess.run(["git", "-C", repo, *args], capture_output=True, text=True, env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def read(self, root, path):
        with open(os.path.join(root, path)) as f:
            return f.read()

    def test_series_rebuilds_the_tree_patch_by_patch(self):
        pristine = os.path.join(self.build, "pristine")
        self.write("Makefile", "VERSION = 6\n", pristine)
        self.write("net/core/Makefile", MAKEFILE, pristine)
        r = self.generate()
        self.assertEqual(r.returncode, 0, r.stderr)
        out = os.path.join(self.build, "series")
        names = sorted(os.listdir(out))
        self.assertEqual(len(names), 3, names)
        self.assertEqual(names[0], "0000-cover-letter.patch")
        cover = self.read(out, names[0])
        self.assertIn("subject", cover)
        self.assertIn("Run `make bench`", cover)
        first = self.read(out, names[1])
        self.assertIn("Subject: [RFC PATCH 1/2] net: add a", first)
        self.assertIn("Why a.\n\nSigned-off-by: ppkit <ppkit@example.org>", first)

        repo = os.path.join(self.tmp, "am")
        shutil.copytree(pristine, repo)
        self.git(repo, "init", "-q")
        self.git(repo, "add", "-A")
        self.git(repo, "commit", "-qm", "pristine")
        self.git(repo, "am", os.path.join(out, names[1]))
        self.assertEqual(self.read(repo, "net/core/Makefile"),
                         "obj-y += x.o\nobj-y += y.o\nobj-$(CONFIG_A) += a.o\nobj-y += z.o\n")
        self.assertEqual(self.read(repo, "net/core/Kconfig.ppkit"),
                         "# SPDX-License-Identifier: GPL-2.0\n\nconfig A\n\tbool \"a\"\n")
        self.assertFalse(os.path.exists(os.path.join(repo, "net/core/b.c")))
        self.git(repo, "am", os.path.join(out, names[2]))
        self.assertEqual(self.read(repo, "net/core/Kconfig.ppkit"), KCONFIG)
        self.assertEqual(self.read(repo, "net/core/b.c"), "/* b */\n")
        self.assertIn("obj-$(CONFIG_B) += b.o\nobj-y += z.o\n", self.read(repo, "net/core/Makefile"))

    def test_order_that_cannot_apply_fails(self):
        # 0002 adds a line between those 0001 adds; the layout puts 0002
        # first, where its context does not exist yet.
        pristine = os.path.join(self.build, "pristine")
        self.write("Makefile", "VERSION = 6\n", pristine)
        self.write("net/core/Makefile", MAKEFILE, pristine)
        self.write("patches/series", "0001-net-build-a-and-b.patch\n0002-c.patch\n")
        self.write("patches/0002-c.patch", textwrap.dedent("""\
            Subject: [PATCH] net: build c

            diff --git a/net/core/Makefile b/net/core/Makefile
            --- a/net/core/Makefile
            +++ b/net/core/Makefile
            @@ -2,3 +2,4 @@
             obj-y += y.o
             obj-$(CONFIG_A) += a.o
            +obj-$(CONFIG_C) += c.o
             obj-$(CONFIG_B) += b.o
            """))
        self.write("tools/series/layout", LAYOUT.replace(
            "patches/0001-*.patch:net/core/Makefile:a\\.o", "patches/0002-*.patch").replace(
            "Makefile:b\\.o", "Makefile"))
        self.assertEqual(self.generate("--check-layout").returncode, 0)
        r = self.generate()
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertIn("patches/0002-c.patch, cut to series patches up to 'one', does not apply",
                      r.stderr)

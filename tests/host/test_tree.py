# SPDX-License-Identifier: GPL-2.0
"""tools/build/tree: overlay, strict patch application, incremental sync."""
import os
import shutil
import subprocess
import tempfile
import textwrap
import unittest

from kit import run, tool

TREE = tool("tools", "build", "tree")

PAGE_POOL_C = "".join(f"int line{i};\n" for i in range(1, 21))

GOOD_PATCH = textwrap.dedent("""\
    From: ppkit <dev@ppkit.invalid>
    Subject: [PATCH] page_pool: example

    --- a/net/core/page_pool.c
    +++ b/net/core/page_pool.c
    @@ -9,7 +9,7 @@
     int line9;
     int line10;
     int line11;
    -int line12;
    +int line12_kit;
     int line13;
     int line14;
     int line15;
    """)

# Context that matches nothing in the file: must be refused, naming the hunk.
BAD_PATCH = GOOD_PATCH.replace(" int line13;", " int line13_elsewhere;")

# Only the outermost context line differs: GNU patch would take it with fuzz 1.
FUZZ_PATCH = GOOD_PATCH.replace(" int line15;", " int line15_moved;")


class Tree(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="ppkit-tree-test.")
        src = os.path.join(self.tmp, "src", "linux-source-6.12")
        os.makedirs(os.path.join(src, "net", "core"))
        with open(os.path.join(src, "Makefile"), "w") as f:
            f.write("VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 117\n")
        with open(os.path.join(src, "net", "core", "page_pool.c"), "w") as f:
            f.write(PAGE_POOL_C)
        self.tarball = os.path.join(self.tmp, "linux-source-6.12.tar.xz")
        subprocess.run(["tar", "-cJf", self.tarball, "-C", os.path.join(self.tmp, "src"),
                        "linux-source-6.12"], check=True)
        self.kit = os.path.join(self.tmp, "kit")
        os.makedirs(os.path.join(self.kit, "patches"))
        self.build = os.path.join(self.tmp, "build")
        self.series([])

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def series(self, patches):
        for p in os.listdir(os.path.join(self.kit, "patches")):
            os.unlink(os.path.join(self.kit, "patches", p))
        with open(os.path.join(self.kit, "patches", "series"), "w") as f:
            f.write("# applied in order\n")
            for name, text in patches:
                f.write(name + "\n")
                with open(os.path.join(self.kit, "patches", name), "w") as p:
                    p.write(text)

    def overlay(self, path, text="/* kit */\n"):
        full = os.path.join(self.kit, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write(text)

    def tree(self):
        env = dict(os.environ, PPKIT_KIT=self.kit, PPKIT_SRC_TARBALL=self.tarball)
        return run([TREE, self.build], env=env)

    def linux(self, path):
        return os.path.join(self.build, "linux", path)

    def read(self, path):
        with open(self.linux(path)) as f:
            return f.read()

    def test_overlay_and_patch_applied(self):
        self.overlay("net/core/page_pool_zc.c")
        self.series([("0001-example.patch", GOOD_PATCH)])
        r = self.tree()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("kernel source linux-source-6.12", r.stdout + r.stderr)
        self.assertIn("1 overlay files, 1 patches applied", r.stdout)
        self.assertIn("int line12_kit;", self.read("net/core/page_pool.c"))
        self.assertEqual(self.read("net/core/page_pool_zc.c"), "/* kit */\n")
        with open(os.path.join(self.build, "pristine", "net", "core", "page_pool.c")) as f:
            self.assertEqual(f.read(), PAGE_POOL_C, "pristine copy was modified")

    def test_failing_hunk_names_patch_and_hunk(self):
        self.series([("0001-example.patch", GOOD_PATCH), ("0002-bad.patch", BAD_PATCH)])
        r = self.tree()
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("patches/0002-bad.patch does not apply", r.stderr)
        self.assertIn("Hunk #1 FAILED", r.stderr)
        self.assertIn("net/core/page_pool.c", r.stderr)

    def test_patch_needing_fuzz_is_refused(self):
        self.series([("0001-fuzz.patch", FUZZ_PATCH)])
        r = self.tree()
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("patches/0001-fuzz.patch does not apply", r.stderr)
        self.assertIn("without fuzz", r.stderr)

    def test_overlay_shadowing_upstream_is_refused(self):
        self.overlay("net/core/page_pool.c")
        r = self.tree()
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("overlay file net/core/page_pool.c would shadow", r.stderr)

    def test_patch_missing_from_series_is_refused(self):
        with open(os.path.join(self.kit, "patches", "0009-stray.patch"), "w") as f:
            f.write(GOOD_PATCH)
        r = self.tree()
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("patches/0009-stray.patch is not listed in patches/series", r.stderr)

    def test_series_naming_missing_patch_is_refused(self):
        with open(os.path.join(self.kit, "patches", "series"), "w") as f:
            f.write("0001-gone.patch\n")
        r = self.tree()
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("patches/series names 0001-gone.patch, which does not exist", r.stderr)

    def test_incremental_rewrites_only_changes_and_reverts_removed_files(self):
        self.overlay("net/core/page_pool_zc.c")
        self.series([("0001-example.patch", GOOD_PATCH)])
        self.assertEqual(self.tree().returncode, 0)
        patched = self.linux("net/core/page_pool.c")
        os.utime(patched, (1000000000, 1000000000))
        r = self.tree()
        self.assertIn("(0 files updated)", r.stdout)
        self.assertEqual(os.stat(patched).st_mtime, 1000000000, "unchanged file was rewritten")

        os.unlink(os.path.join(self.kit, "net/core/page_pool_zc.c"))
        self.series([])
        r = self.tree()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("(2 files updated)", r.stdout)
        self.assertFalse(os.path.exists(self.linux("net/core/page_pool_zc.c")))
        self.assertEqual(self.read("net/core/page_pool.c"), PAGE_POOL_C)

    def test_removed_overlay_folder_and_pycache_leave_nothing(self):
        # git am of the series makes no empty folder and no bytecode:
        # build/linux must not have them either (series-check compares).
        self.overlay("tools/testing/kit/dir/test.py")
        self.overlay("tools/testing/kit/__pycache__/test.cpython-311.pyc")
        self.assertEqual(self.tree().returncode, 0)
        self.assertFalse(os.path.exists(self.linux("tools/testing/kit/__pycache__")))
        os.unlink(os.path.join(self.kit, "tools/testing/kit/dir/test.py"))
        r = self.tree()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertFalse(os.path.exists(self.linux("tools/testing/kit/dir")))
        self.assertFalse(os.path.exists(self.linux("tools/testing")))
        self.assertTrue(os.path.isdir(self.linux("net/core")))

    def test_missing_tarball_is_a_clear_error(self):
        env = dict(os.environ, PPKIT_KIT=self.kit, PPKIT_SRC_TARBALL="/nonexistent.tar.xz")
        r = run([TREE, self.build], env=env)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("make deps installs linux-source-6.12", r.stderr)


if __name__ == "__main__":
    unittest.main()

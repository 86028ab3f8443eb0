# SPDX-License-Identifier: GPL-2.0
"""tools/vm/scan-console finds each kind of splat and passes clean logs."""
import os
import subprocess
import tempfile
import unittest

from kit import run, tool

LOGS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "console")
SCAN = tool("tools", "vm", "scan-console")

# sample log -> the kind scan-console must report first
SPLATS = {
    "warning.log": "warning",
    "null-deref.log": "bug",
    "kasan.log": "kasan",
    "lockdep.log": "lockdep",
    "atomic-sleep.log": "bug",
    "page-pool-leak.log": "bad-page",
    "still-charged.log": "bad-page",
    "kmemleak.log": "kmemleak",
    "hung-task.log": "hung-task",
    "rcu-stall.log": "rcu-stall",
    "panic.log": "oops",
    "ubsan.log": "ubsan",
    "kcsan-kit.log": "kcsan",
    "kcsan-driver-kit.log": "kcsan",
    "pp-zc-report.log": "bad-page",
    "pool-stall.log": "pool-stall",
    "netdev-refs.log": "netdev-refs",
    "ref-tracker-leak.log": "ref-tracker",
    "ref-tracker-double-put.log": "ref-tracker",
}


class ScanConsole(unittest.TestCase):
    def scan(self, path, *extra):
        return run([SCAN, path, *extra])

    def test_clean_boot_passes(self):
        r = self.scan(os.path.join(LOGS, "clean-boot.log"), "--tap", "console")
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertEqual(r.stdout.splitlines(), ["1..1", "ok 1 console"])

    def test_each_splat_kind_fails(self):
        for name, kind in SPLATS.items():
            with self.subTest(log=name):
                r = self.scan(os.path.join(LOGS, name))
                self.assertEqual(r.returncode, 1, r.stdout)
                first = r.stdout.splitlines()[0]
                self.assertIn(f": {kind}: ", first)

    def test_splat_inside_clean_log_is_found_with_line_and_context(self):
        with open(os.path.join(LOGS, "clean-boot.log")) as f:
            lines = f.read().splitlines()
        with open(os.path.join(LOGS, "page-pool-leak.log")) as f:
            splat = f.read().splitlines()
        with tempfile.NamedTemporaryFile("w", suffix=".log") as t:
            t.write("\n".join(lines[:5] + splat + lines[5:]) + "\n")
            t.flush()
            r = self.scan(t.name, "--tap", "console")
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"{t.name}:6: bad-page: ", r.stdout)
        self.assertIn("page dumped because: page_pool leak", r.stdout)
        self.assertRegex(r.stdout.splitlines()[-1], r"^not ok 1 console # \d+ report\(s\): bad-page")

    def test_teardown_reports_inside_clean_log_fail(self):
        # The lines a device removal leaves when something still holds its
        # pages or references, amid an otherwise clean boot.
        with open(os.path.join(LOGS, "clean-boot.log")) as f:
            lines = f.read().splitlines()
        splats = []
        for name in ("pool-stall.log", "netdev-refs.log", "ref-tracker-leak.log"):
            with open(os.path.join(LOGS, name)) as f:
                splats += f.read().splitlines()
        with tempfile.NamedTemporaryFile("w", suffix=".log") as t:
            t.write("\n".join(lines + splats) + "\n")
            t.flush()
            r = self.scan(t.name, "--tap", "console")
        self.assertEqual(r.returncode, 1, r.stdout)
        n = len(lines)
        self.assertIn(f":{n + 1}: pool-stall: ", r.stdout)
        self.assertIn(f":{n + 2}: netdev-refs: ", r.stdout)
        self.assertIn(f":{n + 3}: ref-tracker: ", r.stdout)
        # The leaked reference's stack comes with it.
        self.assertIn("scan-console:     [  240.118230]      nsim_dev_port_add+0x1f3/0x4a0",
                      r.stdout)
        self.assertEqual(r.stdout.splitlines()[-1],
                         "not ok 1 console # 3 report(s): netdev-refs, pool-stall, ref-tracker")

    def test_ref_tracker_function_names_are_not_reports(self):
        # A stack that merely passes through the tracker is no report.
        with tempfile.NamedTemporaryFile("w", suffix=".log") as t:
            t.write("[    5.1]  ref_tracker_alloc+0x1a/0x2c0\n"
                    "[    5.1]  ref_tracker_free+0x90/0x300\n")
            t.flush()
            r = self.scan(t.name)
        self.assertEqual(r.returncode, 0, r.stdout)

    def test_kcsan_race_outside_the_kit_is_a_note(self):
        # The line after the report names the kit: only the report's own
        # lines decide.
        r = self.scan(os.path.join(LOGS, "kcsan-upstream.log"), "--tap", "console")
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertIn(":2: note: kcsan outside the kit: ", r.stdout)
        self.assertEqual(r.stdout.splitlines()[-1], "ok 1 console")

    def test_kcsan_addresses_named_from_vmlinux(self):
        # A kernel without kallsyms prints bare addresses: only once they
        # are named can a race on the kit's paths be told apart.
        src = ("void page_pool_zc_recycle(void) {}\n"
               "void tick_nohz_stop_tick(void) {}\n"
               "void _start(void) {}\n")
        log = ("[    3.0] BUG: KCSAN: data-race in 0xffffffff81000003 / 0xffffffff81000008\n"
               "[    3.0] \n"
               "[    3.0] write to 0xffff8880001b6250 of 8 bytes by task 9 on cpu 1:\n"
               "[    3.0]  0xffffffff81000003\n"
               "[    3.0] ==================================================================\n")
        with tempfile.TemporaryDirectory() as d:
            c, elf, path = (os.path.join(d, n) for n in ("k.c", "vmlinux", "console.log"))
            with open(c, "w") as f:
                f.write(src)
            subprocess.run(["gcc", "-nostdlib", "-static", "-fno-pic", "-no-pie",
                            "-mcmodel=kernel", "-Wl,-Ttext=0xffffffff81000000",
                            "-o", elf, c], check=True)
            with open(path, "w") as f:
                f.write(log)
            bare = self.scan(path)
            named = self.scan(path, "--vmlinux", elf)
        self.assertEqual(bare.returncode, 0, bare.stdout)
        self.assertIn("note: kcsan outside the kit", bare.stdout)
        self.assertEqual(named.returncode, 1, named.stdout)
        self.assertIn("data-race in page_pool_zc_recycle+0x3 / tick_nohz_stop_tick+0x1",
                      named.stdout)

    def test_missing_log_is_an_error(self):
        r = self.scan("/nonexistent/console.log")
        self.assertEqual(r.returncode, 2)


if __name__ == "__main__":
    unittest.main()

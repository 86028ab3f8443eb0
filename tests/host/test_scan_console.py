# SPDX-License-Identifier: GPL-2.0
"""tools/vm/scan-console finds each kind of splat and passes clean logs."""
import os
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

    def test_kcsan_race_outside_the_kit_is_a_note(self):
        # The line after the report names the kit: only the report's own
        # lines decide.
        r = self.scan(os.path.join(LOGS, "kcsan-upstream.log"), "--tap", "console")
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertIn(":2: note: kcsan outside the kit: ", r.stdout)
        self.assertEqual(r.stdout.splitlines()[-1], "ok 1 console")

    def test_missing_log_is_an_error(self):
        r = self.scan("/nonexistent/console.log")
        self.assertEqual(r.returncode, 2)


if __name__ == "__main__":
    unittest.main()

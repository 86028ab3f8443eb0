# SPDX-License-Identifier: GPL-2.0
"""The page_pool_zc selftest target, and how make check reads its results."""
import os
import re
import stat
import tempfile
import textwrap
import unittest

from kit import run, tool

TARGET = tool("tools", "testing", "selftests", "drivers", "net", "page_pool_zc")
KSELFTESTS = tool("tools", "check", "guest", "kselftests")
TAP = tool("tools", "check", "tap")


def make_var(name):
    """The words of a `NAME := ...` list in the target's Makefile."""
    text = open(os.path.join(TARGET, "Makefile")).read()
    m = re.search(rf"^{name} :=((?:.*\\\n)*.*)$", text, re.M)
    if not m:
        return []
    words = []
    for line in m.group(1).splitlines():
        words += line.split("#")[0].replace("\\", " ").split()
    return words


class Target(unittest.TestCase):
    def test_every_test_listed_and_executable(self):
        progs = make_var("TEST_PROGS")
        self.assertGreater(len(progs), 10)
        on_disk = sorted(f for f in os.listdir(TARGET)
                         if f.endswith((".sh", ".py")) and f != "lib.sh")
        self.assertEqual(sorted(progs), on_disk, "TEST_PROGS vs the tests on disk")
        for p in progs:
            mode = os.stat(os.path.join(TARGET, p)).st_mode
            self.assertTrue(mode & stat.S_IXUSR, f"{p} is not executable")

    def test_guest_scripts_executable(self):
        # kunit-modules and the check script exec these: a lost mode bit
        # is exit 126 in the VM, an hour into make check.
        guest = tool("tools", "check", "guest")
        for f in os.listdir(guest):
            if f == "lib.sh":  # sourced
                continue
            with open(os.path.join(guest, f), "rb") as fh:
                if fh.read(2) != b"#!":
                    continue
            mode = os.stat(os.path.join(guest, f)).st_mode
            self.assertTrue(mode & stat.S_IXUSR, f"tools/check/guest/{f} is not executable")

    def test_check_sets_name_existing_tests(self):
        # run_kselftest.sh -t with a test that does not exist runs nothing
        # and says nothing: a renamed test would drop out of make check.
        progs = set(make_var("TEST_PROGS"))
        with open(tool("tools", "check", "guest", "check")) as f:
            bounded = re.search(r"^zc_bounded=\(([^)]*)\)", f.read(), re.M).group(1).split()
        with open(tool("tools", "check", "run")) as f:
            e1k = re.findall(r'^\s*e1k_default="([^"]*)"', f.read(), re.M)
        self.assertGreater(len(bounded), 4)
        self.assertEqual(len(e1k), 2)
        for t in bounded + " ".join(e1k).split():
            self.assertIn(t, progs)

    def test_no_unquoted_assertions(self):
        # ktap_test_result runs its command unquoted: an empty counter
        # vanishes and "test $a = $b" passes. The tests use check().
        for f in os.listdir(TARGET):
            if not f.endswith(".sh"):
                continue
            with open(os.path.join(TARGET, f)) as fh:
                for n, line in enumerate(fh, 1):
                    code = line.split("#")[0]
                    self.assertNotIn("ktap_test_result", code, f"{f}:{n}")

    def test_config_and_settings(self):
        cfg = open(os.path.join(TARGET, "config")).read().split()
        self.assertIn("CONFIG_PAGE_POOL_ZC_MEMCG=y", cfg)
        self.assertIn("CONFIG_NETDEVSIM=m", cfg)
        self.assertRegex(open(os.path.join(TARGET, "settings")).read(), r"^timeout=\d+$")


class ShellChecks(unittest.TestCase):
    """lib.sh's check and num_cmp, with a stand-in ktap_helpers.sh."""

    def results(self, script):
        with tempfile.TemporaryDirectory() as d:
            os.makedirs(os.path.join(d, "kselftest"))
            with open(os.path.join(d, "kselftest", "ktap_helpers.sh"), "w") as f:
                f.write("ktap_test_pass() { echo \"ok $1\"; }\n"
                        "ktap_test_fail() { echo \"not ok $1\"; }\n")
            tdir = os.path.join(d, "drivers", "net", "page_pool_zc")
            os.makedirs(tdir)
            with open(os.path.join(TARGET, "lib.sh")) as src, \
                 open(os.path.join(tdir, "lib.sh"), "w") as dst:
                dst.write(src.read())
            r = run(["bash", "-c", f"source {tdir}/lib.sh; {script}"])
        self.assertEqual(r.stderr, "")
        return r.stdout.splitlines()

    def test_missing_counters_fail(self):
        # Two missing counters are not equal; ktap_test_result said they were.
        self.assertEqual(self.results('a=; b=; check "missing equal" num_cmp "$a" -eq "$b"'),
                         ["not ok missing equal"])
        self.assertEqual(self.results('check "one missing" num_cmp "" -ge 0'),
                         ["not ok one missing"])
        self.assertEqual(self.results('check "not a number" num_cmp "n/a" -eq 0'),
                         ["not ok not a number"])

    def test_numbers_compare(self):
        self.assertEqual(self.results('check "equal" num_cmp 3 -eq 3; '
                                      'check "less" num_cmp 2 -ge 3; '
                                      'check "sum" num_cmp "$(sum 1 2 -1)" -eq 2; '
                                      'check "sum of a missing one" num_cmp "$(sum 1 "")" -eq 1'),
                         ["ok equal", "not ok less", "ok sum", "not ok sum of a missing one"])

    def test_check_keeps_arguments(self):
        # An argument with blanks stays one argument.
        self.assertEqual(self.results('check "quoted" test "a b" = "a b"'), ["ok quoted"])


class KselftestOutput(unittest.TestCase):
    """tools/check/guest/kselftests over a stand-in run_kselftest.sh."""

    def results(self, runner_output, rc=0):
        with tempfile.TemporaryDirectory() as d:
            script = os.path.join(d, "run_kselftest.sh")
            with open(script, "w") as f:
                f.write("#!/bin/sh\ncat <<'EOF'\n" + textwrap.dedent(runner_output) +
                        f"EOF\nexit {rc}\n")
            os.chmod(script, 0o755)
            out = os.path.join(d, "ks.tap")
            r = run([KSELFTESTS, d, out])
            self.assertEqual(r.returncode, rc)
            t = run([TAP, "--name", "ks", out])
        return t.returncode, t.stdout.splitlines()

    def test_nested_results_counted(self):
        rc, lines = self.results("""\
            TAP version 13
            1..1
            # timeout set to 900
            # selftests: drivers/net/page_pool_zc: stream.sh
            # TAP version 13
            # 1..2
            # ok 1 sender wrote
            # ok 2 receiver got
            ok 1 selftests: drivers/net/page_pool_zc: stream.sh
            """)
        self.assertEqual(rc, 0)
        self.assertEqual(lines[-1], "2 passed, 0 failed, 0 skipped")
        self.assertIn("PASS ks:drivers/net/page_pool_zc: stream.sh:receiver got", lines)

    def test_nested_failure_fails(self):
        rc, lines = self.results("""\
            TAP version 13
            1..1
            # selftests: drivers/net/page_pool_zc: memcg.sh
            # TAP version 13
            # 1..2
            # ok 1 held
            # not ok 2 charged
            not ok 1 selftests: drivers/net/page_pool_zc: memcg.sh # exit=1
            """, rc=1)
        self.assertEqual(rc, 1)
        self.assertIn("FAIL ks:drivers/net/page_pool_zc: memcg.sh:charged # failed", lines)

    def test_timeout_fails(self):
        rc, lines = self.results("""\
            TAP version 13
            1..1
            # selftests: drivers/net/page_pool_zc: stress.sh
            # TAP version 13
            # 1..3
            # ok 1 first
            #
            not ok 1 selftests: drivers/net/page_pool_zc: stress.sh # TIMEOUT 900 seconds
            """, rc=1)
        self.assertEqual(rc, 1)
        self.assertTrue(any(l.startswith("FAIL") for l in lines), lines)

    def test_collections_joined(self):
        # One TAP document per collection; a collection cut short (1..2,
        # one result) fails the whole.
        rc, lines = self.results("""\
            TAP version 13
            1..1
            # selftests: drivers/net: ping.py
            # KTAP version 1
            # 1..1
            # ok 1 ping.test_v4
            ok 1 selftests: drivers/net: ping.py
            TAP version 13
            1..2
            # selftests: net: nl_netdev.py
            # KTAP version 1
            # 1..1
            # ok 1 nl_netdev.lo_check
            ok 1 selftests: net: nl_netdev.py
            """)
        self.assertIn("PASS ks:drivers/net: ping.py:ping.test_v4", lines)
        self.assertIn("PASS ks:net: nl_netdev.py:nl_netdev.lo_check", lines)
        self.assertTrue(any(l.startswith("FAIL ks") and "2 of 3 planned" in l for l in lines),
                        lines)

    def test_skip_is_not_a_pass(self):
        rc, lines = self.results("""\
            TAP version 13
            1..1
            # selftests: drivers/net/page_pool_zc: pins.sh
            # TAP version 13
            # 1..0 # SKIP eth0 has no rx-zc-memcg private flag
            ok 1 selftests: drivers/net/page_pool_zc: pins.sh # SKIP
            """)
        self.assertEqual(lines[-1], "0 passed, 0 failed, 1 skipped")


if __name__ == "__main__":
    unittest.main()

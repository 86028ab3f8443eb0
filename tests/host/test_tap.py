# SPDX-License-Identifier: GPL-2.0
"""tools/check/tap: KTAP/TAP results, nesting, crashes, missing plans."""
import tempfile
import textwrap
import unittest

from kit import run, tool

TAP = tool("tools", "check", "tap")


def summarise(text, name="t"):
    with tempfile.NamedTemporaryFile("w", suffix=".tap") as f:
        f.write(textwrap.dedent(text))
        f.flush()
        r = run([TAP, "--name", name, f.name])
    lines = r.stdout.splitlines()
    return r.returncode, lines[:-1], lines[-1]


# KUnit's parameterised case: a nested document with no plan line.
PARAM_CASE_START = ("KTAP version 1\n"
                    "1..1\n"
                    "    KTAP version 1\n"
                    "    # Subtest: suite\n"
                    "    1..1\n"
                    "        KTAP version 1\n"
                    "        # Subtest: param_case\n"
                    "        ok 1 first param\n")


class Tap(unittest.TestCase):
    def test_all_pass(self):
        rc, lines, total = summarise("""\
            TAP version 13
            1..2
            ok 1 first
            ok 2 - second
            """)
        self.assertEqual(rc, 0)
        self.assertEqual(lines, ["PASS t:first", "PASS t:second"])
        self.assertEqual(total, "2 passed, 0 failed, 0 skipped")

    def test_failure_and_skip(self):
        rc, lines, total = summarise("""\
            TAP version 13
            1..3
            ok 1 a
            not ok 2 b # exit 1
            ok 3 c # SKIP no rxe
            """)
        self.assertEqual(rc, 1)
        self.assertIn("FAIL t:b # exit 1", lines)
        self.assertIn("SKIP t:c # SKIP no rxe", lines)
        self.assertEqual(total, "1 passed, 1 failed, 1 skipped")

    def test_kunit_console_with_timestamps_noise_and_nesting(self):
        rc, lines, total = summarise("""\
            [    0.100000] random: crng init done
            [    1.000000] KTAP version 1
            [    1.000001] 1..1
            [    1.000002]     KTAP version 1
            [    1.000003]     # Subtest: pp-zc
            [    1.000004]     1..2
            [    1.000005]     ok 1 map_charge_unmap
            [    1.000006] virtio_net virtio0: some unrelated line
            [    1.000007]         KTAP version 1
            [    1.000008]         # Subtest: races
            [    1.000009]         ok 1 races order=skb-first
            [    1.000010]         not ok 2 races order=unmap-first
            [    1.000011]         1..2
            [    1.000012]     not ok 2 races
            [    1.000013] not ok 1 pp-zc
            """, name="kunit")
        self.assertEqual(rc, 1)
        self.assertEqual(lines, [
            "PASS kunit:pp-zc:map_charge_unmap",
            "PASS kunit:pp-zc:races:races order=skb-first",
            "FAIL kunit:pp-zc:races:races order=unmap-first # failed",
        ])
        self.assertEqual(total, "2 passed, 1 failed, 0 skipped")

    def test_crash_mid_run(self):
        rc, lines, _ = summarise("""\
            [    1.0] KTAP version 1
            [    1.0] 1..2
            [    1.0]     KTAP version 1
            [    1.0]     # Subtest: pp-zc
            [    1.0]     1..5
            [    1.0]     ok 1 a
            [    1.0]     ok 2 b
            [    1.1] BUG: kernel NULL pointer dereference, address: 0000000000000008
            """)
        self.assertEqual(rc, 1)
        self.assertIn("PASS t:pp-zc:a", lines)
        self.assertIn("FAIL t # 0 of 2 planned results (crashed or stopped mid-run)", lines)
        self.assertIn("FAIL t:pp-zc # no result line for this subtest (crashed mid-run?)", lines)

    def test_missing_plan(self):
        rc, lines, _ = summarise("""\
            TAP version 13
            ok 1 a
            """)
        self.assertEqual(rc, 1)
        self.assertIn("FAIL t # no plan line (1..N)", lines)

    def test_parameterised_subtest_without_plan(self):
        rc, lines, total = summarise(PARAM_CASE_START +
                                     "        not ok 2 second param\n"
                                     "    not ok 1 param_case\n"
                                     "not ok 1 suite\n")
        self.assertEqual(rc, 1)
        self.assertEqual(lines, ["PASS t:suite:param_case:first param",
                                 "FAIL t:suite:param_case:second param # failed"])
        self.assertEqual(total, "1 passed, 1 failed, 0 skipped")

    def test_parameterised_subtest_cut_off(self):
        # No plan and no result line of its own: it did not end.
        rc, lines, _ = summarise(PARAM_CASE_START)
        self.assertEqual(rc, 1)
        self.assertIn("FAIL t:param_case # no result line for this subtest (crashed mid-run?)", lines)
        self.assertIn("FAIL t:suite # no result line for this subtest (crashed mid-run?)", lines)

    def test_more_results_than_planned(self):
        rc, lines, _ = summarise("""\
            1..1
            ok 1 a
            ok 2 b
            """)
        self.assertEqual(rc, 1)
        self.assertIn("FAIL t # 2 results, 1 planned", lines)

    def test_parent_fails_with_passing_children(self):
        rc, lines, _ = summarise("""\
            KTAP version 1
            1..1
                KTAP version 1
                1..1
                ok 1 inner
            not ok 1 outer # timed out after 600s
            """)
        self.assertEqual(rc, 1)
        self.assertEqual(lines, ["PASS t:outer:inner", "FAIL t:outer # timed out after 600s"])

    def test_bail_out(self):
        rc, lines, _ = summarise("""\
            KTAP version 1
            1..1
                KTAP version 1
                1..3
                ok 1 setup
                Bail out! cannot set up the netdevsim pair
            not ok 1 nsim_stream.sh # exit 1
            """)
        self.assertEqual(rc, 1)
        self.assertIn("PASS t:nsim_stream.sh:setup", lines)
        self.assertIn("FAIL t:nsim_stream.sh # bail out: cannot set up the netdevsim pair", lines)

    def test_no_tap_at_all(self):
        rc, lines, total = summarise("just a console\nwith nothing\n")
        self.assertEqual(rc, 1)
        self.assertEqual(lines, ["FAIL t # no TAP output"])
        self.assertEqual(total, "0 passed, 1 failed, 0 skipped")

    def test_empty_run_fails(self):
        # e.g. kunit.filter_glob naming a suite that does not exist
        rc, lines, total = summarise("""\
            [    1.0] KTAP version 1
            [    1.0] 1..0
            """)
        self.assertEqual(rc, 1)
        self.assertEqual(lines, ["FAIL t # plan 1..0: no test ran"])

    def test_skipped_suite_counts_as_skipped(self):
        rc, lines, total = summarise("""\
            KTAP version 1
            1..1
            ok 1 rdma_pin # SKIP rxe not available
            """)
        self.assertEqual(rc, 0)
        self.assertEqual(total, "0 passed, 0 failed, 1 skipped")


if __name__ == "__main__":
    unittest.main()

# SPDX-License-Identifier: GPL-2.0
"""build/tools/ppnl: bad input gets a usage error, kernel refusals the
kernel's own message (the host kernel's lo has no ring parameters)."""
import os
import unittest

from kit import KIT, run

PPNL = os.path.join(KIT, "build", "tools", "ppnl")


class Ppnl(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        r = run(["make", "-s", "-C", KIT, "tools"])
        if r.returncode:
            raise RuntimeError(f"make tools failed: {r.stderr}")

    def test_usage_errors(self):
        for args in ([], ["bogus"], ["rings-set", "lo"],
                     ["rings-set", "lo", "tcp-data-split", "maybe"],
                     ["rings-set", "lo", "rx", "on"],
                     ["page-pools", "eth0"], ["page-pool-stats", "0"]):
            r = run([PPNL, *args])
            self.assertEqual(r.returncode, 2, args)
            self.assertIn("usage: ppnl", r.stderr)

    def test_kernel_refusal_is_reported(self):
        r = run([PPNL, "rings-set", "lo", "tcp-data-split", "on"])
        self.assertEqual(r.returncode, 1)
        self.assertIn("rings-set: Operation not supported", r.stderr)

    def test_unknown_device(self):
        r = run([PPNL, "rings-get", "ppkit-no-such-dev"])
        self.assertEqual(r.returncode, 1)
        self.assertIn("No such device", r.stderr)

    def test_page_pool_dump(self):
        r = run([PPNL, "page-pools"])
        self.assertEqual(r.returncode, 0, r.stderr)
        for line in r.stdout.splitlines():
            self.assertRegex(line, r"^id \d+ ifindex \d+ inflight \d+ detached [01]$")

# SPDX-License-Identifier: GPL-2.0
"""build/tools/ppzc over host loopback: verification catches bad streams."""
import json
import os
import subprocess
import unittest

from kit import KIT, run

PPZC = os.path.join(KIT, "build", "tools", "ppzc")


class Ppzc(unittest.TestCase):
    port = 47000

    @classmethod
    def setUpClass(cls):
        r = run(["make", "-s", "-C", KIT, "tools"])
        if r.returncode:
            raise RuntimeError(f"make tools failed: {r.stderr}")

    def stream(self, send_args, recv_args):
        Ppzc.port += 1
        port = str(Ppzc.port)
        rx = subprocess.Popen([PPZC, "recv", "-p", port, *recv_args],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        tx = run([PPZC, "send", "-H", "127.0.0.1", "-p", port, "-w", "10", *send_args],
                 timeout=60)
        out, err = rx.communicate(timeout=60)
        return tx, rx.returncode, out, err

    def test_stream_verified(self):
        tx, rc, out, err = self.stream(["-b", "8M", "-s", "7"], ["-b", "8M", "-s", "7"])
        self.assertEqual(tx.returncode, 0, tx.stderr)
        self.assertEqual(rc, 0, err)
        res = json.loads(out)
        self.assertEqual(res["bytes"], 8 << 20)
        self.assertEqual(res["bad"], 0)
        self.assertEqual(res["copied"] + res["mapped"], res["bytes"])

    def test_corrupt_stream_detected(self):
        # Another seed is another byte stream: every word differs.
        _, rc, out, err = self.stream(["-b", "1M", "-s", "1"], ["-b", "1M", "-s", "2"])
        self.assertEqual(rc, 1)
        res = json.loads(out)
        self.assertGreater(res["bad"], (1 << 20) // 2)
        self.assertEqual(res["first_bad"], 0)
        self.assertIn("bad bytes", err)

    def test_short_stream_detected(self):
        _, rc, out, err = self.stream(["-b", "1M"], ["-b", "2M"])
        self.assertEqual(rc, 1)
        self.assertEqual(json.loads(out)["bytes"], 1 << 20)
        self.assertIn("received 1048576 of 2097152 bytes", err)

    def test_bad_arguments_rejected(self):
        for args in (["recv", "-b", "12Q"], ["send", "-b", "1M"], ["recv", "-c", "1000"], ["bogus"]):
            with self.subTest(args=args):
                r = run([PPZC, *args])
                self.assertEqual(r.returncode, 2)
                self.assertIn("usage: ppzc", r.stderr)


if __name__ == "__main__":
    unittest.main()

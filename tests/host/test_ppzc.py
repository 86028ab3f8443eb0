# SPDX-License-Identifier: GPL-2.0
"""build/tools/ppzc over host loopback: verification catches bad streams."""
import json
import os
import signal
import subprocess
import tempfile
import time
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

    def test_locked_receiver_with_small_rcvbuf_verified(self):
        tx, rc, out, err = self.stream(["-b", "4M", "-s", "3"],
                                       ["-b", "4M", "-s", "3", "-z", "-L", "-B", "256K"])
        self.assertEqual((tx.returncode, rc), (0, 0), tx.stderr + err)
        self.assertEqual((json.loads(out)["bytes"], json.loads(out)["bad"]), (4 << 20, 0))

    def test_msg_zerocopy_sender_verified(self):
        tx, rc, out, err = self.stream(["-b", "8M", "-s", "9", "-z"], ["-b", "8M", "-s", "9", "-z"])
        self.assertEqual(tx.returncode, 0, tx.stderr)
        self.assertEqual(rc, 0, err)
        res = json.loads(out)
        self.assertEqual((res["bytes"], res["bad"]), (8 << 20, 0))
        self.assertEqual(res["copied"] + res["mapped"], res["bytes"])

    def test_paced_sender_takes_its_time(self):
        # 4 MiB at 2 MiB/s: the first burst is free, the rest is paced.
        start = time.monotonic()
        tx, rc, out, err = self.stream(["-b", "4M", "-P", "2M"], ["-b", "4M"])
        took = time.monotonic() - start
        self.assertEqual((tx.returncode, rc), (0, 0), tx.stderr + err)
        self.assertEqual(json.loads(out)["bad"], 0)
        self.assertGreater(took, 1.0)

    def test_sigusr1_lifts_pacing(self):
        # 32 MiB at 1 MiB/s would take half a minute.
        Ppzc.port += 1
        port = str(Ppzc.port)
        rx = subprocess.Popen([PPZC, "recv", "-p", port, "-b", "32M"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        start = time.monotonic()
        tx = subprocess.Popen([PPZC, "send", "-H", "127.0.0.1", "-p", port, "-w", "10",
                               "-b", "32M", "-P", "1M"], stderr=subprocess.PIPE, text=True)
        time.sleep(1.5)
        self.assertIsNone(tx.poll())
        tx.send_signal(signal.SIGUSR1)
        self.assertEqual(tx.wait(timeout=60), 0, tx.stderr.read())
        took = time.monotonic() - start
        out, err = rx.communicate(timeout=60)
        self.assertEqual(rx.returncode, 0, err)
        self.assertEqual(json.loads(out)["bad"], 0)
        self.assertLess(took, 15)

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
        for args in (["recv", "-b", "12Q"], ["send", "-b", "1M"], ["recv", "-c", "1000"], ["bogus"],
                     ["recv", "-z", "-m", "bogus"], ["recv", "-m", "fork"], ["recv", "-k"],
                     ["recv", "-t", "5"], ["recv", "-S", "/tmp/x"], ["recv", "-z", "-R", "lo"],
                     ["recv", "-g"], ["recv", "-i"], ["recv", "-z", "-m"], ["recv", "-z", "-t", "-1"],
                     ["send", "-H", "127.0.0.1", "-b", "1M", "-m", "fork"],
                     ["send", "-H", "127.0.0.1", "-b", "1M", "-g", "/tmp"],
                     ["recv", "-P", "1M"], ["send", "-H", "127.0.0.1", "-b", "1M", "-P", "x"],
                     ["send", "-H", "127.0.0.1", "-b", "1M", "-L"], ["recv", "-B", "0"],
                     ["recv", "-B", "4097M"], ["send", "-H", "127.0.0.1", "-b", "1M", "-B", "1M"],
                     ["recv", "-z", "-K"], ["recv", "-z", "-K", "x"], ["recv", "-z", "-X", "-D"]):
            with self.subTest(args=args):
                r = run([PPZC, *args])
                self.assertEqual(r.returncode, 2)
                self.assertIn("usage: ppzc", r.stderr)

    def test_new_options_refused_with_reason(self):
        for args, why in (
                (["recv", "-K", "1M"], "-K needs -z"),
                (["recv", "-K", "1M", "-S", "/tmp/x"], "-K needs -z"),
                (["recv", "-z", "-K", "0"], "-K must be at least 1 byte"),
                (["recv", "-z", "-K", "1M", "-k"], "not with -k or -m"),
                (["recv", "-z", "-K", "1M", "-m", "map"], "not with -k or -m"),
                (["recv", "-z", "-K", "1M", "-m", "fork"], "not with -k or -m"),
                (["recv", "-X"], "-X needs -z"),
                (["recv", "-X", "-k"], "-X needs -z"),
                (["recv", "-z", "-X", "-m", "map"], "-X zaps every window"),
                (["recv", "-z", "-X", "-K", "1M"], "-X zaps every window"),
                (["recv", "-z", "-X", "-r"], "-X zaps every window"),
                (["recv", "-z", "-X", "-t", "5"], "-X zaps every window"),
                (["recv", "-z", "-X", "-S", "/tmp/x"], "-X zaps every window"),
                (["recv", "-z", "-D", "/dev/ram0"], "-D needs -X"),
                (["send", "-H", "127.0.0.1", "-b", "1M", "-K", "1M"], "are for recv"),
                (["send", "-H", "127.0.0.1", "-b", "1M", "-z", "-X"], "are for recv")):
            with self.subTest(args=args):
                r = run([PPZC, *args])
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(why, r.stderr)
                self.assertIn("usage: ppzc", r.stderr)

    def test_hold_first_bytes_reverified(self):
        # The host kernel may map little or nothing over lo: what was held
        # is re-verified, and exit 1 says when it was less than -K.
        cg = self.fake_cgroup(8192)
        tx, rc, out, err = self.stream(["-b", "8M", "-s", "4", "-z"],
                                       ["-b", "8M", "-s", "4", "-z", "-K", "2M", "-c", "64K",
                                        "-g", cg])
        self.assertEqual(tx.returncode, 0, tx.stderr)
        res = json.loads(out)
        self.assertEqual((res["bytes"], res["bad"], res["mode"]), (8 << 20, 0, "map"))
        self.assertEqual(res["held_reverified_bytes"], res["held_bytes"])
        self.assertEqual(res["held_bad_bytes"], 0)
        self.assertEqual(res["memcg_held"], 8192)
        self.assertIn("ppzc: held", err)
        if res["mapped"] >= 2 << 20:
            self.assertEqual(rc, 0, err)
            # Kept until 2 MiB are held, not one 64 KiB window more.
            self.assertGreaterEqual(res["held_bytes"], 2 << 20)
            self.assertLess(res["held_bytes"], (2 << 20) + (64 << 10))
        else:
            self.assertEqual(rc, 1)
            self.assertIn("-K: held", err)

    def test_hold_first_bytes_short_stream_fails(self):
        _, rc, out, err = self.stream(["-b", "1M", "-z"], ["-b", "1M", "-z", "-K", "2M"])
        self.assertEqual(rc, 1)
        res = json.loads(out)
        self.assertEqual((res["bytes"], res["bad"], res["held_bad_bytes"]), (1 << 20, 0, 0))
        self.assertLess(res["held_bytes"], 2 << 20)
        self.assertIn(f"ppzc: -K: held {res['held_bytes']} of 2097152 bytes", err)

    def test_hold_first_bytes_released_by_file(self):
        rx, held = self.start_held(["-K", "4K", "-t", "60"])
        os.unlink(held)
        out, err = rx.communicate(timeout=30)
        res = json.loads(out)
        self.assertEqual(res["held_reverified_bytes"], res["held_bytes"])
        self.assertEqual(res["held_bad_bytes"], 0)
        self.assertEqual(rx.returncode, 0 if res["held_bytes"] else 1, err)

    STRESS_KEYS = ("stress_cpus", "stress_zapped_windows", "fork_checks", "fork_bad",
                   "odirect_bytes", "odirect_bad", "odirect_skipped", "odirect_errno",
                   "zcsend_bytes", "zcsend_bad")

    def stress(self, extra):
        tx, rc, out, err = self.stream(["-b", "8M", "-s", "6", "-z"],
                                       ["-b", "8M", "-s", "6", "-z", "-X", "-c", "64K", *extra])
        self.assertEqual(tx.returncode, 0, tx.stderr)
        self.assertEqual(rc, 0, err)
        res = json.loads(out)
        for k in self.STRESS_KEYS:
            self.assertIn(k, res)
        self.assertEqual((res["bytes"], res["bad"]), (8 << 20, 0))
        self.assertEqual((res["fork_bad"], res["odirect_bad"], res["zcsend_bad"]), (0, 0, 0))
        self.assertEqual(res["stress_cpus"], min(2, len(os.sched_getaffinity(0))))
        self.assertNotIn("mode", res)
        # Every mapped chunk had a window of its own; every 4th was checked,
        # in turn by fork, O_DIRECT and MSG_ZEROCOPY.
        checks = res["stress_zapped_windows"] // 4
        self.assertEqual(res["fork_checks"], (checks + 2) // 3)
        if res["mapped"]:
            self.assertGreater(res["stress_zapped_windows"], 0)
            self.assertLessEqual(res["held_bytes"], 16 * (64 << 10))
        return res, checks

    def test_stress_without_device_skips_odirect(self):
        res, checks = self.stress([])
        self.assertEqual(res["odirect_skipped"], (checks + 1) // 3)
        self.assertEqual((res["odirect_bytes"], res["odirect_errno"]), (0, 0))
        self.assertEqual(res["zcsend_bytes"] % 4096, 0)
        if checks >= 3:
            self.assertGreater(res["zcsend_bytes"], 0)

    def test_stress_odirect_to_a_file(self):
        # A file on the build's file system stands in for /dev/ram0.
        d = tempfile.TemporaryDirectory(dir=os.path.join(KIT, "build"))
        self.addCleanup(d.cleanup)
        dev = os.path.join(d.name, "dev")
        with open(dev, "wb") as f:
            f.truncate(1 << 20)
        res, checks = self.stress(["-D", dev])
        if res["odirect_skipped"]:
            # No O_DIRECT on this file system: skipped, with the reason.
            self.assertEqual(res["odirect_skipped"], (checks + 1) // 3)
            self.assertEqual(res["odirect_errno"], 22)
        else:
            self.assertEqual(res["odirect_errno"], 0)
            if checks >= 2:
                self.assertGreater(res["odirect_bytes"], 0)

    def test_stress_missing_device_is_skipped(self):
        res, checks = self.stress(["-D", "/nonexistent/ram0"])
        self.assertEqual(res["odirect_skipped"], (checks + 1) // 3)
        self.assertEqual(res["odirect_errno"], 2)

    def fake_cgroup(self, value):
        d = tempfile.TemporaryDirectory()
        self.addCleanup(d.cleanup)
        with open(os.path.join(d.name, "memory.current"), "w") as f:
            f.write(f"{value}\n")
        return d.name

    def test_memcg_and_empty_pp_reported(self):
        cg = self.fake_cgroup(123456)
        tx, rc, out, err = self.stream(["-b", "2M"], ["-b", "2M", "-g", cg, "-i", "lo"])
        self.assertEqual(tx.returncode, 0, tx.stderr)
        self.assertEqual(rc, 0, err)
        res = json.loads(out)
        for k in ("memcg_before", "memcg_peak", "memcg_held", "memcg_after"):
            self.assertEqual(res[k], 123456, k)
        self.assertEqual(res["pp"], {})
        self.assertNotIn("pp_held", res)
        self.assertIn("warning: lo", err)

    def test_reporting_absent_without_options(self):
        _, rc, out, err = self.stream(["-b", "1M"], ["-b", "1M"])
        self.assertEqual(rc, 0, err)
        res = json.loads(out)
        for k in ("memcg_before", "pp", "mode", "held_bytes"):
            self.assertNotIn(k, res)

    def test_missing_device_is_a_warning(self):
        _, rc, out, err = self.stream(["-b", "1M"], ["-b", "1M", "-i", "ppzcnodev0"])
        self.assertEqual(rc, 0, err)
        self.assertEqual(json.loads(out)["pp"], {})
        self.assertIn("ppzcnodev0: ethtool stats", err)

    def test_missing_memory_current_fails(self):
        d = tempfile.TemporaryDirectory()
        self.addCleanup(d.cleanup)
        r = run([PPZC, "recv", "-p", "47999", "-g", d.name], timeout=10)
        self.assertEqual(r.returncode, 2)
        self.assertIn("memory.current", r.stderr)

    def test_hold_modes_verify(self):
        # The host kernel may map nothing over lo; then every mode holds 0 bytes.
        cg = self.fake_cgroup(4096)
        for mode in ("map", "vmsplice", "fork", "iouring"):
            with self.subTest(mode=mode):
                tx, rc, out, err = self.stream(["-b", "4M", "-s", "3", "-z"],
                                               ["-b", "4M", "-s", "3", "-z", "-m", mode, "-g", cg])
                self.assertEqual(tx.returncode, 0, tx.stderr)
                self.assertEqual(rc, 0, err)
                res = json.loads(out)
                self.assertEqual((res["bytes"], res["bad"], res["mode"]), (4 << 20, 0, mode))
                self.assertEqual(res["copied"] + res["mapped"], res["bytes"])
                if mode == "map":
                    self.assertEqual(res["held_bytes"], res["mapped"])
                self.assertIn("ppzc: held", err)
                if mode == "vmsplice":
                    self.assertEqual(res["spliced_bytes"], res["mapped"])
                if mode == "fork":
                    self.assertTrue(res["fork_child_held"])
                if mode == "iouring":
                    self.assertTrue(res["iouring_intact"])
                    if res["iouring_errno"]:
                        self.assertEqual(res["pin_fallback_bytes"], res["mapped"])

    def start_held(self, recv_args):
        """A receiver holding its pages (-S FILE) after a 1 MiB stream."""
        d = tempfile.TemporaryDirectory()
        self.addCleanup(d.cleanup)
        held = os.path.join(d.name, "held")
        Ppzc.port += 1
        port = str(Ppzc.port)
        rx = subprocess.Popen([PPZC, "recv", "-p", port, "-b", "1M", "-z", "-S", held, *recv_args],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(lambda: rx.poll() is None and rx.kill())
        tx = run([PPZC, "send", "-H", "127.0.0.1", "-p", port, "-w", "10", "-b", "1M"], timeout=60)
        self.assertEqual(tx.returncode, 0, tx.stderr)
        deadline = time.monotonic() + 30
        while not os.path.exists(held) and time.monotonic() < deadline:
            time.sleep(0.05)
        with open(held) as f:
            self.assertEqual(f.read(), "held\n")
        time.sleep(0.3)
        self.assertIsNone(rx.poll(), "released before it was told to")
        return rx, held

    def test_held_file_removed_releases(self):
        rx, held = self.start_held(["-t", "60"])
        t0 = time.monotonic()
        os.unlink(held)
        out, err = rx.communicate(timeout=30)
        self.assertEqual(rx.returncode, 0, err)
        self.assertLess(time.monotonic() - t0, 10)
        self.assertEqual(json.loads(out)["mode"], "map")

    def test_sigusr1_releases(self):
        rx, held = self.start_held(["-m", "fork"])
        rx.send_signal(signal.SIGUSR1)
        out, err = rx.communicate(timeout=30)
        self.assertEqual(rx.returncode, 0, err)
        self.assertFalse(os.path.exists(held), "FILE left behind")
        self.assertTrue(json.loads(out)["fork_child_held"])

    def test_hold_timeout_releases(self):
        t0 = time.monotonic()
        _, rc, out, err = self.stream(["-b", "1M"], ["-b", "1M", "-z", "-t", "2"])
        self.assertEqual(rc, 0, err)
        self.assertGreaterEqual(time.monotonic() - t0, 2)
        self.assertEqual(json.loads(out)["mode"], "map")

if __name__ == "__main__":
    unittest.main()

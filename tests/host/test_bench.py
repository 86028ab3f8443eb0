# SPDX-License-Identifier: GPL-2.0
"""tools/bench/results: raw benchmark lines -> figures, table, results.json."""
import importlib.machinery
import importlib.util
import json
import os
import tempfile
import unittest

from kit import run, tool

RESULTS = tool("tools", "bench", "results")
_loader = importlib.machinery.SourceFileLoader("bench_results", RESULTS)
_spec = importlib.util.spec_from_loader("bench_results", _loader)
results = importlib.util.module_from_spec(_spec)
_loader.exec_module(results)

COMMON = ["loop", "get_put", "alloc_free", "alloc_free_account", "munmap_anon", "release_anon",
          "truncate_shmem", "pp_direct", "pp_ring", "pp_slow"]
KIT_ON = ["zc_pp_direct", "zc_pp_ring", "zc_pp_slow", "zc_cycle", "zc_charge_1"]
KIT_ON_32 = ["zc_cycle_32", "zc_charge_32"]
DPDK = ["mempool_cache", "mempool_ring", "mbuf_extbuf"]


def stream(name, mapped, rx_ticks, tx_ticks, nbytes=1 << 20):
    rx = {"bytes": nbytes, "mapped": mapped, "copied": nbytes - mapped, "bad": 0,
          "call_ticks": rx_ticks, "calls": 10}
    tx = {"bytes": nbytes, "call_ticks": tx_ticks, "calls": 5}
    return [f"ppzc: {name} rx {json.dumps(rx)}", f"ppzc: {name} tx {json.dumps(tx)}"]


def stock_raw(per_op=100):
    lines = [f"ppbench: off {c} ops=1000 insns={per_op * 1000}" for c in COMMON]
    lines += [f"ppdpdk: dpdk {c} ops=1000 insns=50000" for c in DPDK]
    lines += stream("copy_off", 0, 3 << 20, 1 << 20)
    return "\n".join(["bench: stock kernel"] + lines) + "\n"


def kit_raw(per_op=100, on_extra=0, skip=()):
    lines = [f"ppbench: off {c} ops=1000 insns={per_op * 1000}" for c in COMMON]
    lines += [f"ppbench: on {c} ops=1000 insns={(per_op + on_extra) * 1000}"
              for c in COMMON + KIT_ON]
    lines += [f"ppbench: on {c} ops=32000 insns=3200000" for c in KIT_ON_32]
    lines += [f"ppdpdk: dpdk {c} ops=1000 insns=50000" for c in DPDK]
    lines += stream("zc_off", 1 << 20, 256 * 1000, 1 << 20)
    lines += stream("zc_on", 1 << 20, 256 * 900, 1 << 20)
    lines += stream("copy_off", 0, 3 << 20, 1 << 20)
    lines += stream("copy_on", 0, 3 << 20, 1 << 20)
    lines = [x for x in lines if not any(f" {s} " in x for s in skip)]
    return "\n".join(lines) + "\n"


class BenchResults(unittest.TestCase):
    def test_every_figure_per_operation(self):
        rows = results.figures(stock_raw(), kit_raw(on_extra=2))
        self.assertEqual(results.missing(rows), [])
        self.assertEqual(rows["get_put"], {"stock": 100, "kit_off": 100, "kit_on": 102})
        self.assertEqual(rows["zc_charge_32"], {"kit_on": 100})
        self.assertEqual(rows["zc_cycle_32"], {"kit_on": 100})
        self.assertEqual(rows["dpdk_mbuf_extbuf"], {"stock": 50, "kit_off": 50})

    def test_stream_figures(self):
        rows = results.figures(stock_raw(), kit_raw())
        # 256 pages mapped: receiver's ticks per page; both sides per MiB.
        self.assertEqual(rows["zc_rx_page"], {"kit_off": 1000, "kit_on": 900})
        self.assertEqual(rows["zc_rx_mib"]["kit_on"], 256 * 900 + (1 << 20))
        self.assertEqual(rows["copy_rx_mib"]["stock"], 4 << 20)

    def test_a_missing_figure_is_named(self):
        rows = results.figures(stock_raw(), kit_raw(skip=("zc_cycle", "zc_on")))
        self.assertEqual(results.missing(rows),
                         ["kit_on:zc_cycle", "kit_on:zc_rx_mib", "kit_on:zc_rx_page"])

    def test_goals(self):
        rows = results.figures(stock_raw(), kit_raw())
        self.assertTrue(results.goal_met("get_put", "eq", rows))
        self.assertTrue(results.goal_met("zc_rx_mib", "on<=off*1.03", rows))
        rows = results.figures(stock_raw(), kit_raw(on_extra=6))
        self.assertFalse(results.goal_met("get_put", "eq", rows))
        self.assertFalse(results.goal_met("alloc_free", "on<=stock+5", rows))
        # cycle: 106 per page against 2 x 100 for stock's ptr_ring.
        self.assertTrue(results.goal_met("zc_cycle", "on<=2*ref", rows))

    def test_command_writes_json_and_fails_on_a_gap(self):
        with tempfile.TemporaryDirectory() as d:
            s, k, j = (os.path.join(d, n) for n in ("stock", "kit", "r.json"))
            with open(s, "w") as f:
                f.write(stock_raw())
            with open(k, "w") as f:
                f.write(kit_raw())
            r = run([RESULTS, s, k, "--json", j, "--params", "loops=1000"])
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("non-final put: get_page + put_page", r.stdout)
            with open(j) as f:
                doc = json.load(f)
            self.assertEqual(doc["missing"], [])
            self.assertEqual(doc["params"], {"loops": "1000"})
            self.assertEqual(len(doc["rows"]), len(results.ROWS))
            with open(k, "w") as f:
                f.write(kit_raw(skip=("pp_ring",)))
            r = run([RESULTS, s, k])
            self.assertEqual(r.returncode, 1)
            self.assertIn("kit_off:pp_ring", r.stderr)

    def test_kit_only(self):
        # make check boots no stock kernel: the kit's columns must be whole,
        # a stock figure is not asked for, a kit gap still fails.
        with tempfile.TemporaryDirectory() as d:
            k = os.path.join(d, "kit")
            with open(k, "w") as f:
                f.write(kit_raw())
            r = run([RESULTS, "--kit-only", k])
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(k, "w") as f:
                f.write(kit_raw(skip=("zc_on",)))
            r = run([RESULTS, "--kit-only", k])
            self.assertEqual(r.returncode, 1)
            self.assertIn("kit_on:zc_rx_mib", r.stderr)
            self.assertNotIn("stock:", r.stderr)
            r = run([RESULTS, "--kit-only", k, k])
            self.assertEqual(r.returncode, 2)


if __name__ == "__main__":
    unittest.main()

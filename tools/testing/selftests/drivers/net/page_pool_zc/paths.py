#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""
Zero-copy receive from an opted-in page pool on the paths besides plain
IPv4: IPv6, a VLAN on top of the pair, GRO turned off and on under
traffic. Each stream is verified byte by byte; the held pages are charged
to the receiver's memory cgroup (memory.stat zerocopy_rx) and uncharged
after munmap.
"""

import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

from lib.py import ksft_run, ksft_exit, ksft_pr, ksft_eq, ksft_ge, ksft_true
from lib.py import KsftFailEx, KsftSkipEx
from lib.py import NetDrvEpEnv, EthtoolFamily
from lib.py import cmd, ip, ethtool, defer, rand_port, wait_port_listen

HERE = Path(__file__).parent.resolve()
PPZC = (HERE / "ppzc").as_posix()
MIB = 1 << 20
# A 4096-byte TCP payload per segment: 40 (IPv6) or 20 (IPv4) bytes of IP
# header, 20 of TCP and 12 of timestamps.
MTU_V4 = 4148
MTU_V6 = 4168
CG_ROOT = Path("/sys/fs/cgroup")
# enum ethtool_tcp_data_split: 6.12's ethtool spec gives the u8 no names.
TCP_DATA_SPLIT_UNKNOWN = 0
TCP_DATA_SPLIT_ENABLED = 2


def remote_ifname(cfg):
    """The sender's device: the one holding the remote address."""
    addr = cfg.remote_v4 or cfg.remote_v6
    out = cmd(f"ip -j addr show to {addr}", host=cfg.remote).stdout
    return json.loads(out)[0]["ifname"]


def set_mtu(cfg, mtu):
    old = int(Path(f"/sys/class/net/{cfg.ifname}/mtu").read_text())
    rdev = remote_ifname(cfg)
    rold = int(cmd(f"cat /sys/class/net/{rdev}/mtu", host=cfg.remote).stdout)
    ip(f"link set dev {cfg.ifname} mtu {mtu}")
    defer(ip, f"link set dev {cfg.ifname} mtu {old}")
    ip(f"link set dev {rdev} mtu {mtu}", host=cfg.remote)
    defer(ip, f"link set dev {rdev} mtu {rold}", host=cfg.remote)


def zc_on(cfg):
    """rx-zc-memcg and tcp-data-split on, back off at the end of the case."""
    flags = cmd(f"ethtool --show-priv-flags {cfg.ifname}", fail=False)
    if flags.ret or "rx-zc-memcg" not in flags.stdout:
        raise KsftSkipEx(f"{cfg.ifname} has no rx-zc-memcg private flag")
    ethtool(f"--set-priv-flags {cfg.ifname} rx-zc-memcg on")
    defer(ethtool, f"--set-priv-flags {cfg.ifname} rx-zc-memcg off")
    rings = cfg.ethnl.rings_get({"header": {"dev-index": cfg.ifindex}})
    old = rings.get("tcp-data-split", TCP_DATA_SPLIT_UNKNOWN)
    cfg.ethnl.rings_set({"header": {"dev-index": cfg.ifindex},
                         "tcp-data-split": TCP_DATA_SPLIT_ENABLED})
    if old != TCP_DATA_SPLIT_UNKNOWN:
        defer(cfg.ethnl.rings_set, {"header": {"dev-index": cfg.ifindex},
                                    "tcp-data-split": old})


# memory.stat in 6.12 folds its per-CPU counts in lazily: a read does it
# only when more than 64 x online CPUs page updates are pending (up to 63
# per CPU are not even counted), the stats worker every 2 s; on 2 CPUs a
# read can miss 127 pages of zerocopy_rx (two updates a page, with kernel)
# for up to 2 s. Reading the cgroup's cpu.stat folds in the counts of every
# controller in its subtree (cgroup_rstat_flush_hold()): Cgroup.stat reads
# it first and is exact on 6.12. Cgroup.stat_wait polls, bounded by
# STAT_WAIT_S, a few seconds past the stats worker's period: the last
# reference of a page can go a little after the event that frees it.
STAT_WAIT_S = 5


class Cgroup:
    """A memory cgroup for the receiver, in a parent of its own."""

    def __init__(self):
        ctl = CG_ROOT / "cgroup.subtree_control"
        if "memory" not in ctl.read_text().split():
            ctl.write_text("+memory")
        self.parent = CG_ROOT / f"ppzc-paths-{os.getpid()}"
        self.parent.mkdir()
        (self.parent / "cgroup.subtree_control").write_text("+memory")
        self.path = self.parent / "rx"
        self.path.mkdir()
        defer(self.remove)

    def stat(self, key):
        """One memory.stat field, the per-CPU counts folded in first."""
        try:
            (self.path / "cpu.stat").read_text()
        except OSError:
            pass
        for line in (self.path / "memory.stat").read_text().splitlines():
            k, v = line.split()
            if k == key:
                return int(v)
        raise KeyError(f"memory.stat has no {key}")

    def stat_wait(self, key, ok, timeout=STAT_WAIT_S):
        """
        stat(key) every 0.1 s until ok(value) or timeout seconds pass;
        returns the last value read, which the caller asserts on.
        """
        end = time.monotonic() + timeout
        while True:
            v = self.stat(key)
            if ok(v) or time.monotonic() > end:
                return v
            time.sleep(0.1)

    def remove(self):
        for d in (self.path, self.parent):
            try:
                d.rmdir()
            except OSError:
                pass


def zc_charged(cfg):
    """
    Bytes of the device's pool pages charged now by the pools' own count
    (rx_pp_zc_mapped - rx_pp_zc_uncharged): what zerocopy_rx reaches while
    the receiver holds its pages.
    """
    st = {}
    for line in ethtool(f"-S {cfg.ifname}").stdout.splitlines():
        k, _, v = line.partition(":")
        if k.strip() in ("rx_pp_zc_mapped", "rx_pp_zc_uncharged"):
            st[k.strip()] = int(v)
    return (st["rx_pp_zc_mapped"] - st["rx_pp_zc_uncharged"]) * 4096


def wait_established(port, timeout=60):
    """Wait for the sender's connection to the receiver's port."""
    for _ in range(timeout * 10):
        if cmd(f"ss -Htn state established 'sport = :{port}'").stdout.strip():
            return
        time.sleep(0.1)
    raise KsftFailEx(f"no connection to port {port} in {timeout} s")


def stream(cfg, cg, addr, nbytes, during=None):
    """
    One verified zero-copy transfer to addr: the receiver holds its
    mappings until the stream is over; during(), if given, runs while the
    sender sends. Returns ppzc's JSON and zerocopy_rx while held.
    """
    port = rand_port()
    with tempfile.TemporaryDirectory() as tmp:
        held = Path(tmp) / "held"
        v6 = ["-6"] if ":" in addr else []
        rx = subprocess.Popen(
            ["sh", "-c", 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"',
             "sh", cg.path.as_posix(), PPZC, "recv", *v6, "-p", str(port),
             "-b", str(nbytes), "-z", "-m", "map", "-S", held.as_posix(),
             "-i", cfg.ifname, "-g", cg.path.as_posix()],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        wait_port_listen(port, deadline=30)
        pace = "-P 256K" if during else ""
        tx = cmd(f"{PPZC} send -H {addr} -p {port} -b {nbytes} -w 30 {pace}",
                 host=cfg.remote, background=True)
        if during:
            # Under traffic, and the pacing signal must not come before
            # ppzc blocks it, which it does before it connects.
            wait_established(port)
            during()
            cmd(f"pkill -USR1 -f '^{PPZC} send -H {addr} -p {port} '",
                host=cfg.remote, fail=False)
        tx.process(terminate=False, timeout=600)
        for _ in range(3000):
            if held.exists() or rx.poll() is not None:
                break
            time.sleep(0.1)
        want = zc_charged(cfg)
        charged = cg.stat_wait("zerocopy_rx", lambda v: v >= want)
        held.unlink(missing_ok=True)
        out, err = rx.communicate(timeout=600)
    ksft_pr(f"receiver: {out.decode().strip()}")
    if rx.returncode:
        ksft_pr(err.decode().strip())
    ksft_eq(rx.returncode, 0, "receiver exit status")
    return json.loads(out), charged


def check_zc(cfg, cg, res, nbytes):
    """Every byte right, >= 99 % mapped, charged while held, not after."""
    got, charged = res
    ksft_eq(got["bytes"], nbytes, "bytes received")
    ksft_eq(got["bad"], 0, "bad bytes")
    ksft_ge(got["mapped"] * 100, nbytes * 99, "share of the payload mapped")
    ksft_ge(got["pp"]["rx_pp_zc_mapped"] * 4096, got["mapped"],
            "mapped bytes that were pool pages")
    ksft_ge(charged, got["held_bytes"], "zerocopy_rx while held")
    ksft_eq(cg.stat_wait("zerocopy_rx", lambda v: v == 0), 0,
            "zerocopy_rx after munmap")


def no_skb_defer():
    """
    An skb freed on another CPU may wait on that CPU's defer list with its
    pages charged: defer none, so that "uncharged after munmap" holds.
    """
    knob = Path("/proc/sys/net/core/skb_defer_max")
    old = knob.read_text().strip()
    knob.write_text("0")
    defer(knob.write_text, old)


def setup(cfg, mtu=MTU_V4):
    no_skb_defer()
    set_mtu(cfg, mtu)
    zc_on(cfg)
    return Cgroup()


def ipv4(cfg):
    """IPv4: mapped from pool pages, charged while held."""
    cfg.require_v4()
    cg = setup(cfg)
    check_zc(cfg, cg, stream(cfg, cg, cfg.v4, 16 * MIB), 16 * MIB)


def ipv6(cfg):
    """IPv6 (MTU 4168 for 4096-byte segments): payload after the IPv6 header."""
    cfg.require_v6()
    cg = setup(cfg, MTU_V6)
    check_zc(cfg, cg, stream(cfg, cg, cfg.v6, 16 * MIB), 16 * MIB)


def vlan(cfg):
    """An 802.1Q VLAN on top of the pair: tagged frames still split."""
    cfg.require_v4()
    cg = setup(cfg)
    rdev = remote_ifname(cfg)
    # Host addresses inside 192.0.2.0/24 with a peer route each, so that
    # they win over the pair's own /24.
    lo, ro = "192.0.2.201", "192.0.2.202"
    ip(f"link add link {cfg.ifname} name ppzc.100 type vlan id 100")
    defer(ip, "link del ppzc.100")
    ip(f"link add link {rdev} name ppzc.100 type vlan id 100", host=cfg.remote)
    defer(ip, "link del ppzc.100", host=cfg.remote)
    ip(f"addr add {lo} peer {ro} dev ppzc.100")
    ip(f"addr add {ro} peer {lo} dev ppzc.100", host=cfg.remote)
    ip(f"link set ppzc.100 mtu {MTU_V4} up")
    ip(f"link set ppzc.100 mtu {MTU_V4} up", host=cfg.remote)
    check_zc(cfg, cg, stream(cfg, cg, lo, 16 * MIB), 16 * MIB)


def gro_toggle(cfg):
    """GRO off and on (rx-gro-hw too where the device has it) under traffic."""
    cfg.require_v4()
    cg = setup(cfg)
    feats = ethtool(f"-k {cfg.ifname}").stdout
    names = ["generic-receive-offload"]
    if "rx-gro-hw: off [fixed]" not in feats and "rx-gro-hw:" in feats:
        names.append("rx-gro-hw")
    toggles = []

    def flip():
        for state in ("off", "on", "off", "on"):
            for name in names:
                ethtool(f"-K {cfg.ifname} {name} {state}")
                toggles.append(name)
            time.sleep(0.5)

    nbytes = 32 * MIB
    res = stream(cfg, cg, cfg.v4, nbytes, during=flip)
    ksft_pr(f"toggled {len(toggles)} times: {sorted(set(toggles))}")
    ksft_eq(len(toggles), 4 * len(names), "toggles done")
    got, _ = res
    ksft_eq(got["bytes"], nbytes, "bytes received")
    ksft_eq(got["bad"], 0, "bad bytes")
    ksft_true(got["mapped"] > 0, "some payload mapped")
    ksft_eq(cg.stat_wait("zerocopy_rx", lambda v: v == 0), 0,
            "zerocopy_rx after munmap")


def main() -> None:
    with NetDrvEpEnv(__file__) as cfg:
        cfg.ethnl = EthtoolFamily()
        ksft_run([ipv4, ipv6, vlan, gro_toggle], args=(cfg, ))
    ksft_exit()


if __name__ == "__main__":
    main()

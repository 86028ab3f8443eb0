# SPDX-License-Identifier: GPL-2.0
"""tools/vm/run from a checkout under /tmp, which the guest covers with a
tmpfs: the checkout must reach the guest through a share of its own."""
import json
import os
import shutil
import tempfile
import textwrap
import unittest

from kit import run, tool

# Stands in for qemu: records its arguments and ends as a guest whose
# command exited 0 with a clean console.
FAKE_QEMU = textwrap.dedent("""\
    #!/usr/bin/env python3
    import json, os, sys
    args = sys.argv[1:]
    with open(os.environ["FAKE_QEMU_ARGS"], "w") as f:
        json.dump(args, f)
    for a in args:
        if a.startswith("file:"):
            open(a[len("file:"):], "w").close()
        if a.startswith("local,id=res,"):
            res = dict(o.split("=", 1) for o in a.split(",")[2:])["path"]
            with open(os.path.join(res, "rc"), "w") as f:
                f.write("0\\n")
    """)


class VmRunFromTmp(unittest.TestCase):
    def setUp(self):
        # Under /tmp on purpose, whatever TMPDIR says.
        self.tmp = tempfile.mkdtemp(prefix="ppkit-vm-run-test.", dir="/tmp")
        self.kit = os.path.join(self.tmp, "clone")
        os.makedirs(os.path.join(self.kit, "tools", "vm"))
        for name in ("run", "guest-init", "scan-console"):
            shutil.copy2(tool("tools", "vm", name), os.path.join(self.kit, "tools", "vm"))
        self.image = os.path.join(self.kit, "bzImage")
        open(self.image, "w").close()
        bindir = os.path.join(self.tmp, "bin")
        os.makedirs(bindir)
        qemu = os.path.join(bindir, "qemu-system-x86_64")
        with open(qemu, "w") as f:
            f.write(FAKE_QEMU)
        os.chmod(qemu, 0o755)
        self.args = os.path.join(self.tmp, "qemu-args.json")
        self.env = dict(os.environ, PATH=bindir + os.pathsep + os.environ["PATH"],
                        FAKE_QEMU_ARGS=self.args)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def vm_run(self, cwd, *cmd):
        return run([os.path.join(self.kit, "tools", "vm", "run"), "-k", self.image,
                    "-t", "60", "--", *cmd], cwd=cwd, env=self.env)

    def qemu_args(self):
        with open(self.args) as f:
            return json.load(f)

    def test_checkout_is_shared_at_its_own_path(self):
        r = self.vm_run(self.kit, os.path.join(self.kit, "tools", "demo", "guest"))
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        args = self.qemu_args()
        fsdevs = [args[i + 1] for i, a in enumerate(args) if a == "-fsdev"]
        self.assertIn(f"local,id=kit,path={self.kit},security_model=none,"
                      "readonly=on,multidevs=remap", fsdevs)
        self.assertIn("virtio-9p-pci,fsdev=kit,mount_tag=kit", args)
        cmdline = args[args.index("-append") + 1].split()
        self.assertIn(f"ppkit.kit={self.kit}", cmdline)
        self.assertIn(f"init={self.kit}/tools/vm/guest-init", cmdline)
        # guest-init mounts that tag at the path the command line names,
        # after its tmpfs over /tmp and before the results folder.
        with open(tool("tools", "vm", "guest-init")) as f:
            init = f.read()
        mount_kit = init.index('ro kit "$kit"')
        self.assertLess(init.index("mount -t tmpfs tmpfs /tmp"), mount_kit)
        self.assertLess(mount_kit, init.index('results "$results"'))
        self.assertIn("s/.*ppkit\\.kit=\\([^ ]*\\).*/\\1/p", init)

    def test_directory_hidden_in_the_guest_is_refused(self):
        elsewhere = os.path.join(self.tmp, "elsewhere")
        os.makedirs(elsewhere)
        r = self.vm_run(elsewhere, "true")
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn(f"vm: {elsewhere} is hidden in the guest", r.stderr)
        self.assertFalse(os.path.exists(self.args), "qemu ran")

    def test_command_hidden_in_the_guest_is_refused(self):
        script = os.path.join(self.tmp, "script")
        r = self.vm_run(self.kit, script)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn(f"vm: {script} is hidden in the guest", r.stderr)
        self.assertFalse(os.path.exists(self.args), "qemu ran")


if __name__ == "__main__":
    unittest.main()

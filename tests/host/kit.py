# SPDX-License-Identifier: GPL-2.0
"""Paths and helpers shared by the host tests."""
import os
import subprocess

KIT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def tool(*parts):
    return os.path.join(KIT, *parts)


def run(cmd, **kw):
    """Run cmd; return CompletedProcess with text stdout/stderr."""
    return subprocess.run(cmd, capture_output=True, text=True, **kw)

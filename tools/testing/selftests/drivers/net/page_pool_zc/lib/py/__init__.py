# SPDX-License-Identifier: GPL-2.0
"""The net and drivers/net test libraries, for the tests of this target."""
import sys
from pathlib import Path

# lib/py/ of this target -> the selftests root, in the tree or installed.
sys.path.append(str(Path(__file__).resolve().parents[5]))
try:
    from net.lib.py import *            # noqa: F401,F403
    from drivers.net.lib.py import *    # noqa: F401,F403
except ModuleNotFoundError as err:
    print(f"# cannot import the net test libraries ({err}): install the "
          "drivers/net/page_pool_zc target with the selftests Makefile, "
          "which brings net/lib and drivers/net/lib")
    sys.exit(1)

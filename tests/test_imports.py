"""Importing mesocalc stays cheap: optional and heavy dependencies load on use."""

from __future__ import annotations

import subprocess
import sys


def test_import_mesocalc_imports_no_optional_dependency() -> None:
    code = (
        "import sys, mesocalc\n"
        "heavy = [m for m in ('pint', 'pandas', 'pint_pandas', 'shapely', 'matplotlib')"
        " if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""

"""The package's data files (the catalog and its companion tables).

Read beside this module rather than through importlib.resources, whose import
alone costs about 10 ms of start-up; mesocalc is installed as plain files.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["read_text"]


def read_text(name: str) -> str:
    """The text of the data file ``name`` shipped in the package."""
    return Path(__file__).with_name(name).read_text(encoding="utf-8")

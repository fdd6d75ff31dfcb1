"""The shipped catalog, validated once when the wheel is built.

Reading catalog.toml and validating it costs about 11 ms, a third of what mesocalc adds
to a process's start-up to a plan; loading the validated catalog back costs about 1.5 ms.
The wheel's build (``hatch_build.py``) parses the catalog with the package's own code and
stores the result as ``mesocalc/catalog.pickle``, as pip byte-compiles the modules: an
artefact of the build, never committed, never written at run time. Its key hashes
catalog.toml and the source of every module whose classes it holds, so a file that no
longer matches (an edited catalog or class in a source checkout) is parsed again, as is a
file that is missing, unreadable or not a catalog. The file is trusted as the package's
``.pyc`` files are: whoever can write there can already change mesocalc's code. A clinic's
catalog or protocol is parsed every time. docs/adr/0008-built-catalog.md says why.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from typing import Final, TypeVar

__all__ = ["dump", "load", "path"]

T = TypeVar("T")

_HERE: Final = os.path.dirname(os.path.dirname(__file__))  # the package folder
# The modules that define what a pickled catalog holds (its classes and enums) and what
# their validators read: a change to any of them must not load an old catalog.
_CODE: Final = (
    "_engine/built",
    "_catalog/catalog",
    "_catalog/entries",
    "_catalog/reader",
    "_records/codec",
    "_records/kinds",
    "_quantities/codes",
    "_engine/files",
    "_quantities/names",
    "_quantities/parameters",
    "_records/structuring",
    "_quantities/units",
    "_quantities/validators",
)
_DIGEST: Final = 32  # bytes of sha-256 at the head of the file
_PROTOCOL: Final = 5  # read by every Python mesocalc supports (3.8 and later)


def path(name: str) -> str:
    """Where the wheel keeps the parsed form of data file ``name``."""
    return os.path.join(_HERE, f"{os.path.splitext(name)[0]}.pickle")


def _key(text: str) -> bytes:
    digest = hashlib.sha256(text.encode("utf-8"))
    for module in _CODE:
        with open(os.path.join(_HERE, *f"{module}.py".split("/")), "rb") as source:
            digest.update(source.read())
    return digest.digest()


def dump(text: str, value: object) -> bytes:
    """The bytes to keep for ``value``, parsed from ``text`` by this very code."""
    return _key(text) + pickle.dumps(value, protocol=_PROTOCOL)


def load(name: str, text: str, kind: type[T]) -> T | None:
    """The ``kind`` the build kept for data file ``name`` whose text is ``text``, if any."""
    try:
        with open(path(name), "rb") as file:
            data = file.read()
        if data[:_DIGEST] != _key(text):
            return None
        value = pickle.loads(data[_DIGEST:])  # trusted as the .pyc files beside it
    except Exception:  # no usable file: the caller parses the text
        return None
    return value if type(value) is kind else None

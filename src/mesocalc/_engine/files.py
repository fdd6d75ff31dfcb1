"""The package's data files, and the one bounded reader of a user's TOML file.

Shipped files are read beside this module rather than through importlib.resources,
whose import alone costs about 10 ms of start-up; mesocalc is installed as plain
files. A user's file (a catalog, a protocol, a session) is read by
:func:`read_bounded` and parsed by :func:`parse_bounded`, which refuse anything
that could hang or eat memory before parsing it.
"""

from __future__ import annotations

import os
import re
import stat
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:  # the caller passes the error class: this module sits below the errors
    from mesocalc.exceptions import MesocalcError

__all__ = [
    "MAX_ENTRIES",
    "MAX_FILE_BYTES",
    "MAX_KEY_PARTS",
    "parse_bounded",
    "read_bounded",
    "read_text",
]

# Software bounds, not clinical ones: the shipped catalog is some 40 kB with about 2,000
# entries; a clinic's file is smaller, and a file ten times larger is no catalog (or an
# attack that would hang the parser and the validation).
# The package's own folder, where its data files are.
_PACKAGE: Final = os.path.dirname(os.path.dirname(__file__))
MAX_FILE_BYTES: Final = 1_000_000
MAX_ENTRIES: Final = 20_000
# A dotted key of n parts costs tomllib time of order n² (20,000 parts take 17 s); the
# catalog's keys have at most 4. This finds a run of 16 dotted parts, bare or quoted,
# anywhere (possessive, and starting only at a part's start, so in linear time).
MAX_KEY_PARTS: Final = 16
_DEEP_KEY: Final = re.compile(
    r"""(?<![\w\-"'.])(?<!\.[ \t])"""
    r"""(?:(?:[\w-]++|"[^"\n]*+"|'[^'\n]*+')[ \t]*+\.[ \t]*+)"""
    f"{{{MAX_KEY_PARTS - 1}}}"
)


def read_text(name: str) -> str:
    """The text of the data file ``name`` shipped in the package."""
    with open(os.path.join(_PACKAGE, name), encoding="utf-8") as file:
        return file.read()


def read_bounded(
    path: Any, error: type[MesocalcError], *, parameter: str = "path", what: str = "a TOML file"
) -> str:
    """The UTF-8 text of the regular file at ``path``, of at most :data:`MAX_FILE_BYTES`.

    The file is opened without blocking (a named pipe would wait for a writer) and
    its kind and size are checked before a byte is read, so ``/dev/zero`` or a
    50 MB file are refused at once.

    Raises:
        MesocalcError: of class ``error``, naming ``parameter``: not a path, missing,
            not a regular file, too large, or not UTF-8.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise error(parameter, path, f"a path to {what}")
    shown = os.fspath(path)
    expected = f"a readable UTF-8 {what.removeprefix('a ')} of at most {MAX_FILE_BYTES:,} bytes"
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except (OSError, ValueError) as exc:  # a NUL in the path is a ValueError
        raise error(parameter, shown, expected, str(exc)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            detail = "not a regular file: a directory, a device or a pipe"
            raise error(parameter, shown, expected, detail)
        if info.st_size > MAX_FILE_BYTES:
            raise error(parameter, shown, expected, f"{info.st_size:,} bytes")
        with os.fdopen(os.dup(fd), "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise error(parameter, shown, expected, str(exc)) from None
    finally:
        os.close(fd)
    if len(raw) > MAX_FILE_BYTES:  # grown since it was measured
        raise error(parameter, shown, expected, "the file grew while it was read")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(parameter, shown, expected, str(exc)) from None


def parse_bounded(text: Any, origin: str, error: type[MesocalcError]) -> dict[str, Any]:
    """The TOML document in ``text``, its size and entry count checked before it is parsed.

    Entries are counted as the ``=``, ``[``, ``,`` and ``.`` characters (every key,
    table, array, item after an array's first and part of a dotted key needs one): an
    upper bound found without parsing. A key of more than :data:`MAX_KEY_PARTS`
    dotted parts is refused too.

    Raises:
        MesocalcError: of class ``error``, naming ``origin``: not text, too long, too
            many entries, not TOML, or nested too deeply for the parser.
    """
    if not isinstance(text, str) or len(text) > MAX_FILE_BYTES:
        raise error(origin, "...", f"TOML text of at most {MAX_FILE_BYTES:,} characters")
    entries = sum(text.count(c) for c in "=[,.")
    if entries > MAX_ENTRIES:
        raise error(
            origin, "...", f"TOML of at most {MAX_ENTRIES:,} entries", f"about {entries:,}"
        )
    if _DEEP_KEY.search(text):
        raise error(origin, "...", f"TOML keys of at most {MAX_KEY_PARTS} dotted parts")
    import tomllib  # noqa: PLC0415 - the shipped catalog is usually read from its cache

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(origin, "...", "valid TOML", str(exc)) from None
    except RecursionError:
        raise error(origin, "...", "valid TOML", "nested too deeply") from None

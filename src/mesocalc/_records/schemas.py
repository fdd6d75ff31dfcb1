"""The published JSON contract: the JSON Schemas of what ``to_dict()`` writes.

The schemas are hand-written files in ``mesocalc/schemas/`` (draft 2020-12), not
generated from the code: they are the contract clinic software codes against, and
the test suite keeps code and contract in step. A file refers to another by a
relative ``$ref`` (``common.schema.json#/$defs/zone``); :func:`json_schema` returns
one document, with every file it refers to copied under ``$defs`` and each ``$ref``
pointing within it (``#/$defs/mesocalc.common/$defs/zone``), so that a validator
needs no registry, and finds every reference at once (jsonschema searches a
document's embedded resources anew on each lookup, ten times slower).
"""

from __future__ import annotations

import copy
import json
from importlib import resources
from typing import Any, Final, Literal, TypeAlias
from urllib.parse import urldefrag, urljoin

from mesocalc._engine import engine as _engine
from mesocalc.exceptions import InputTypeError, UnknownNameError

__all__ = ["INPUTS", "KINDS", "json_schema"]

KINDS: Final = ("plan", "spec", "session", "course", "record")
INPUTS: Final = ("protocol",)  # files people write, not what to_dict() writes
# Every file's $id is this base and its file name; relative $refs resolve against it.
_BASE: Final = "https://mesocalc.invalid/schemas/2/"
_FILES: Final = ("common", *KINDS, *INPUTS)


@_engine.cached()
def _load(name: str) -> dict[str, Any]:
    """The schema file ``<name>.schema.json`` shipped in the package, as parsed."""
    text = (resources.files("mesocalc") / "schemas" / f"{name}.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _refs(node: Any) -> list[str]:
    """Every ``$ref`` in a schema, at any depth."""
    if isinstance(node, list):
        return [ref for item in node for ref in _refs(item)]
    if not isinstance(node, dict):
        return []
    found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
    return found + [ref for value in node.values() for ref in _refs(value)]


def _target(name: str, ref: str) -> tuple[str, str]:
    """The file a ``$ref`` of file ``name`` points into, and the JSON pointer within it."""
    uri, pointer = urldefrag(urljoin(_BASE + f"{name}.schema.json", ref))
    return uri.removeprefix(_BASE).removesuffix(".schema.json"), pointer


def _referenced(name: str) -> list[str]:
    """The other files that ``name`` refers to, directly or through others, in a fixed order."""
    seen = [name]
    for current in seen:  # grows as files are found
        for ref in _refs(_load(current)):
            other, _ = _target(current, ref)
            if other in _FILES and other not in seen:
                seen.append(other)
    return seen[1:]


def _local(node: Any, name: str, root: str) -> Any:
    """File ``name``'s ``node``, copied, each ``$ref`` pointing within the bundle of ``root``."""
    if isinstance(node, list):
        return [_local(item, name, root) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _local(value, name, root) for key, value in node.items()}
    if isinstance(node.get("$ref"), str):
        other, pointer = _target(name, node["$ref"])
        out["$ref"] = "#" + ("" if other == root else f"/$defs/mesocalc.{other}") + pointer
    return out


@_engine.cached()
def _bundled(kind: str) -> dict[str, Any]:
    schema: dict[str, Any] = _local(_load(kind), kind, kind)
    for name in _referenced(kind):
        embedded = _local(_load(name), name, kind)
        embedded["$comment"] = f"{embedded.pop('$id')}, bundled"
        del embedded["$schema"]
        schema.setdefault("$defs", {})[f"mesocalc.{name}"] = embedded
    return schema


# The kinds json_schema() gives, for type checkers (any case and spacing is read at run time).
SchemaKind: TypeAlias = Literal["plan", "spec", "session", "course", "record", "protocol"]


def json_schema(kind: SchemaKind) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of what ``to_dict()`` writes for ``kind``.

    ``kind`` is "plan" (Plan and PlanArray), "spec", "session", "course" or "record"
    (a TreatmentRecord); or
    "protocol", the schema of a clinic's protocol file (TOML, read as JSON data by an
    editor that checks it as it is written; see :func:`mesocalc.load_protocol`). The
    schema is a fresh copy, with the shared definitions it refers to bundled in, so
    ``jsonschema.Draft202012Validator(mesocalc.json_schema("plan"))`` validates a
    plan's JSON as it is. docs/json.md describes the contract.

    Raises:
        UnknownNameError: ``kind`` is not one of the six.
        InputTypeError: ``kind`` is not a string.

    Examples:
        >>> import mesocalc
        >>> schema = mesocalc.json_schema("plan")
        >>> schema["$id"], schema["$defs"]["plan"]["properties"]["schema"]["const"]
        ('https://mesocalc.invalid/schemas/2/plan.schema.json', 'mesocalc.plan')
    """
    known = (*KINDS, *INPUTS)
    expected = "one of " + ", ".join(repr(k) for k in known)
    if not isinstance(kind, str):
        raise InputTypeError("kind", kind, expected, f"got a {type(kind).__name__}")
    key = kind.strip().casefold()
    if key not in known:
        import difflib  # noqa: PLC0415 - only a near miss needs it

        near = difflib.get_close_matches(key, known, n=2, cutoff=0.6) if len(key) <= 64 else []
        raise UnknownNameError("kind", kind, expected, suggestions=tuple(near))
    return copy.deepcopy(_bundled(key))

"""Which layer structures untrusted data: mesocalc's codec, cattrs, msgspec or pydantic.

Run ``python benchmarks/structuring.py`` (cattrs, msgspec and pydantic are optional:
``pip install cattrs msgspec pydantic``; a candidate that is not installed is left out).
It prints three tables, the figures ADR 0011 records:

1. what importing the candidate adds to ``import mesocalc``, in fresh interpreters
   (medians of alternating runs, so that the figure is the candidate's own modules);
2. the time to structure every range table of the shipped catalog, and a stored plan's
   JSON, once the TOML or JSON is parsed. The libraries check the shape only (types,
   keys), through classes written for the purpose; mesocalc's reader checks units,
   bounds and sources as well, so its figure is an upper bound of its shape pass;
3. the first line of each candidate's message for malformed range tables: the key path,
   the value and what was expected are what a clinician needs to fix a protocol file.
"""

from __future__ import annotations

import copy
import importlib.util
import statistics
import subprocess
import sys
import timeit
import tomllib
from collections.abc import Callable
from typing import Any, Literal

import attrs

from mesocalc._catalog.reader import RANGE_KEYS, _Reader, read_document
from mesocalc._engine.files import read_text
from mesocalc._planning.plan import Plan
from mesocalc._planning.planner import plan
from mesocalc._records import codec as _codec
from mesocalc.exceptions import MesocalcError

LIBRARIES = [n for n in ("cattrs", "msgspec", "pydantic") if importlib.util.find_spec(n)]
# What each candidate imports, timed inside a fresh interpreter after what reading a file
# loads in any case (the catalog's records, units); the codec after ``import mesocalc``.
_IMPORTS = {
    "codec": ("import mesocalc", "import mesocalc._records.codec"),
    "cattrs": ("import mesocalc._catalog.reader", "import cattrs; cattrs.Converter()"),
    "msgspec": ("import mesocalc._catalog.reader", "import msgspec"),
    "pydantic": ("import mesocalc._catalog.reader", "import pydantic"),
}
_TIMED = "{0}\nimport time\nt = time.perf_counter()\n{1}\nprint(time.perf_counter() - t)"


def _run(base: str, code: str) -> float:
    out = subprocess.run(
        [sys.executable, "-c", _TIMED.format(base, code)], check=True, capture_output=True
    )
    return float(out.stdout)


def import_costs(rounds: int = 15) -> dict[str, float]:
    """Milliseconds each candidate's import takes in a fresh interpreter (median of ``rounds``).

    Timed inside the interpreter, so that the noise of starting one does not enter.
    """
    names = ["codec", *LIBRARIES]
    runs: dict[str, list[float]] = {n: [] for n in names}
    for i in range(rounds + 1):
        for n in names:
            t = _run(*_IMPORTS[n])
            if i:  # the first round only warms the file cache
                runs[n].append(t)
    return {n: statistics.median(runs[n]) * 1e3 for n in names}


# --- the shapes the libraries are given --------------------------------------------------------

_Basis = Literal["stated", "derived", "analogue", "unsourced"]


@attrs.frozen(kw_only=True)
class RangeDoc:
    """A catalog range table, as cattrs structures it (types and keys only)."""

    high: float
    low: float | None = None
    nominal: float | int | bool | None = None
    unit: str | None = None
    source: list[str] = attrs.Factory(list)
    basis: _Basis = "stated"
    note: str = ""
    low_open: bool | None = None
    hard: bool = False
    about: bool = False


@attrs.frozen(kw_only=True)
class ZoneDoc:
    """A zone table with two ranges, for faults in two places at once."""

    depth_cap: RangeDoc | None = None
    skin: RangeDoc | None = None


def _msgspec_shapes() -> tuple[Any, Any]:
    import msgspec  # noqa: PLC0415 - optional

    fields = [(f.name, f.type, f.default) for f in attrs.fields(RangeDoc)]
    fields = [
        (n, list[str], msgspec.field(default_factory=list)) if n == "source" else (n, t, d)
        for n, t, d in fields
    ]
    types = {"high": float, "low": float | None, "nominal": float | bool | None}
    types |= {"unit": str | None, "basis": _Basis, "note": str, "low_open": bool | None}
    one = msgspec.defstruct(
        "MRange",
        [
            (n, types[n])
            if d is attrs.NOTHING
            else (n, types.get(n, t if n == "source" else bool), d)
            for n, t, d in fields
        ],
        forbid_unknown_fields=True,
        kw_only=True,
    )
    zone = msgspec.defstruct(
        "MZone",
        [("depth_cap", one | None, None), ("skin", one | None, None)],
        forbid_unknown_fields=True,
        kw_only=True,
    )
    return one, zone


def _pydantic_shapes() -> tuple[Any, Any]:
    import pydantic  # noqa: PLC0415 - optional

    config = pydantic.ConfigDict(extra="forbid", strict=True, frozen=True)

    class PRange(pydantic.BaseModel):
        model_config = config
        high: float
        low: float | None = None
        nominal: float | int | bool | None = None
        unit: str | None = None
        source: list[str] = []
        basis: _Basis = "stated"
        note: str = ""
        low_open: bool | None = None
        hard: bool = False
        about: bool = False

    class PZone(pydantic.BaseModel):
        model_config = config
        depth_cap: PRange | None = None
        skin: PRange | None = None

    return PRange, PZone


def _shape_of(payload: dict[str, Any]) -> dict[str, Any]:
    """Python types for a stored payload's keys: what a library would be told."""
    out: dict[str, Any] = {}
    for key, value in payload.items():
        if isinstance(value, dict) and set(value) == {"value", "unit"}:
            out[key] = dict[str, float | str]
        elif isinstance(value, list):
            out[key] = list[Any]
        else:
            out[key] = type(value)
    return out


# --- the candidates: each structures a range table, a zone, and a plan's JSON ----------------


class Candidate:
    """One structuring layer: how it reads a range, a zone, a plan; and its message."""

    def __init__(
        self,
        name: str,
        one: Callable[[Any], Any],
        zone: Callable[[Any], Any],
        stored: Callable[[Any], Any],
        message: Callable[[Exception], str],
    ) -> None:
        self.name, self.one, self.zone, self.stored, self.message = (
            name,
            one,
            zone,
            stored,
            message,
        )


def _codec_candidate(known: set[str], payload: dict[str, Any]) -> Candidate:
    read = _Reader("catalog.toml")

    def zone(doc: Any) -> Any:
        read.table(doc, "zones.face")
        return [
            read.range(doc[k], "depth" if k == "depth_cap" else "skin", f"zones.face.{k}", known)
            for k in ("depth_cap", "skin")
            if k in doc
        ]

    body = {k: v for k, v in payload.items() if k not in _RESULTS}
    return Candidate(
        "codec",
        lambda doc: read.range(doc, "depth", "zones.face.depth_cap", known),
        zone,
        lambda data: _codec.structure(Plan, {k: v for k, v in data.items() if k in body}),
        lambda exc: str(exc) if isinstance(exc, MesocalcError) else f"{type(exc).__name__}: {exc}",
    )


def _cattrs_candidate(payload: dict[str, Any]) -> Candidate:
    import cattrs  # noqa: PLC0415 - optional
    from cattrs.strategies import configure_union_passthrough  # noqa: PLC0415

    conv = cattrs.Converter(forbid_extra_keys=True)
    configure_union_passthrough(int | float | str | bool | None, conv)  # else no float | str hook
    shape = attrs.make_class(
        "PlanDoc", {k: attrs.field(type=t) for k, t in _shape_of(payload).items()}
    )

    def message(exc: Exception) -> str:
        if isinstance(exc, cattrs.BaseValidationError):
            return "; ".join(cattrs.transform_error(exc))
        return f"{type(exc).__name__}: {exc}"

    return Candidate(
        "cattrs",
        lambda doc: conv.structure(doc, RangeDoc),
        lambda doc: conv.structure(doc, ZoneDoc),
        lambda data: conv.structure(data, shape),
        message,
    )


def _msgspec_candidate(payload: dict[str, Any]) -> Candidate:
    import msgspec  # noqa: PLC0415 - optional

    one, zone = _msgspec_shapes()
    shape = msgspec.defstruct(
        "PlanDoc", list(_shape_of(payload).items()), forbid_unknown_fields=True
    )
    return Candidate(
        "msgspec",
        lambda doc: msgspec.convert(doc, one),
        lambda doc: msgspec.convert(doc, zone),
        lambda data: msgspec.convert(data, shape),
        lambda exc: f"{type(exc).__name__}: {exc}",
    )


def _pydantic_candidate(payload: dict[str, Any]) -> Candidate:
    import pydantic  # noqa: PLC0415 - optional

    one, zone = _pydantic_shapes()
    fields: Any = {k: (t, ...) for k, t in _shape_of(payload).items()}
    shape = pydantic.create_model(
        "PlanDoc", __config__=pydantic.ConfigDict(extra="forbid"), **fields
    )

    def message(exc: Exception) -> str:
        if isinstance(exc, pydantic.ValidationError):
            return "; ".join(
                f"{'.'.join(map(str, e['loc']))}: {e['msg']} (got {e['input']!r:.40})"
                for e in exc.errors()
            )
        return f"{type(exc).__name__}: {exc}"

    return Candidate(
        "pydantic",
        one.model_validate,
        zone.model_validate,
        shape.model_validate,
        message,
    )


_RESULTS = {
    "total_volume",
    "expected_loss",
    "delivered_volume",
    "insertion_length",
    "dose_per_area",
    "schema",
    "schema_version",
}


# --- inputs ------------------------------------------------------------------------------------


def _ranges(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Every depth range table of the shipped catalog (the bulk of what the reader reads)."""
    out = []
    for zone in doc["zones"].values():
        if "depth_cap" in zone:
            out.append(zone["depth_cap"])
        for use in zone.get("techniques", {}).values():
            if isinstance(use, dict) and isinstance(use.get("depth"), dict):
                depth = use["depth"]
                if "unit" in depth:
                    out.append(depth)
    for tech in doc["techniques"].values():
        for key in RANGE_KEYS:
            if key == "depth" and isinstance(tech.get(key), dict):
                out.append(tech[key])
    return out


_GOOD = {"low": 0.5, "high": 1.5, "unit": "mm", "source": ["SEED3"]}
MALFORMED: list[tuple[str, str, dict[str, Any]]] = [
    ("one", "a string for a number", {**_GOOD, "high": "1.5"}),
    ("one", "true for a number", {**_GOOD, "low": True}),
    ("one", "an unknown key (near miss)", {**_GOOD, "hgih": 2.0}),
    ("one", "a list for the unit", {**_GOOD, "unit": ["mm"]}),
    ("one", "a table for a source", {**_GOOD, "source": [{"key": "SEED3"}]}),
    ("one", "a string for the source list", {**_GOOD, "source": "SEED3x"}),
    ("one", "a 400-digit number", {**_GOOD, "high": 10**400}),
    ("one", "nan for a number", {**_GOOD, "high": float("nan")}),
    ("one", "a required key missing", {k: v for k, v in _GOOD.items() if k != "high"}),
    ("one", "an unknown basis", {**_GOOD, "basis": "stat"}),
    (
        "zone",
        "faults in two places at once",
        {"depth_cap": {**_GOOD, "high": "x"}, "skin": {**_GOOD, "unit": ["mm"]}},
    ),
]


def _best(fn: Callable[[], Any], number: int) -> float:
    return min(timeit.repeat(fn, number=number, repeat=5)) / number


def main() -> int:
    doc = tomllib.loads(read_text("catalog.toml"))
    known = set(doc["sources"])
    ranges = _ranges(doc)
    payload = plan(technique="classic", zone="face", area="40 cm^2").to_dict()
    body = {k: v for k, v in payload.items() if k not in _RESULTS}
    candidates = [_codec_candidate(known, payload)]
    makers = {"cattrs": _cattrs_candidate, "msgspec": _msgspec_candidate}
    makers["pydantic"] = _pydantic_candidate
    candidates += [makers[n](body) for n in LIBRARIES]

    print("1. import time (ms, median of 15 fresh interpreters; the codec after mesocalc)")
    for name, ms in import_costs().items():
        print(f"   {name:9} {ms:6.1f}")

    print(
        f"\n2. structuring time (µs; {len(ranges)} range tables of the shipped catalog; "
        "one plan JSON)"
    )
    print(f"   {'':9} {'ranges':>9} {'plan JSON':>10}")
    for c in candidates:
        t_ranges = _best(lambda c=c: [c.one(copy.copy(r)) for r in ranges], 20) * 1e6
        t_plan = _best(lambda c=c: c.stored(body), 200) * 1e6
        print(f"   {c.name:9} {t_ranges:9.0f} {t_plan:10.1f}")

    whole = _best(lambda: read_document(copy.deepcopy(doc), "catalog.toml"), 5) * 1e3
    copying = _best(lambda: copy.deepcopy(doc), 5) * 1e3
    print(f"   (the codec's reader over the whole catalog: {whole - copying:.1f} ms)")

    print("\n3. messages for malformed range tables (accepted: the value came through unchecked)")
    for which, what, bad in MALFORMED:
        print(f"   - {what}")
        for c in candidates:
            try:
                (c.one if which == "one" else c.zone)(copy.deepcopy(bad))
            except Exception as exc:
                text = c.message(exc).splitlines()[0]
            else:
                text = "accepted"
            print(f"       {c.name:9} {text[:150]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

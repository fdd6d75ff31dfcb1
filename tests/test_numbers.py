"""Golden numbers: every request of tests/data/numbers-<catalog version>.json plans as before.

The file holds the numbers the last release computed for a fixed list of requests (the
default plan of each published pair, explicit plans using every keyword of plan(), the
published protocols, sessions, courses, plans over arrays, plans against a clinic's
protocol, tables through plan_frame, and plans stored as JSON, today's and 0.1.0's; see
tests/golden.py). Each request is planned again and every number compared: floats to 12
significant digits, whole numbers, names, units and warning codes exactly. A change that
moves a number on purpose carries a ``numbers`` changelog fragment and writes the file
again by hand (``python tests/data/make_numbers.py``); nothing else does.
"""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any

import pytest

import mesocalc
from tests import golden

DATA = Path(__file__).parent / "data"
VERSION = mesocalc.Catalog.default().version
FILE = DATA / f"numbers-{VERSION}.json"


def _load() -> dict[str, Any]:
    if not FILE.exists():
        return {"requests": {}}
    data: dict[str, Any] = json.loads(FILE.read_text("utf-8"))
    return data


GOLDEN = _load()
CASES = GOLDEN["requests"]


def test_the_numbers_file_is_the_shipped_catalogs() -> None:
    assert FILE.exists(), (
        f"no golden numbers for catalog version {VERSION}: a new catalog version moves "
        "numbers; write its numbers changelog fragment, then run "
        "python tests/data/make_numbers.py and compare the diff with it"
    )
    assert GOLDEN["catalog"] == VERSION
    assert [p.name for p in DATA.glob("numbers-*.json")] == [FILE.name]


def test_the_file_holds_the_requests_of_golden_py() -> None:
    # A request added or changed in tests/golden.py needs the file written again.
    assert {name: case["request"] for name, case in CASES.items()} == golden.requests()


def test_the_file_covers_what_it_claims() -> None:
    book = mesocalc.Catalog.default()
    kinds = [name.split("/")[0] for name in CASES]
    assert kinds.count("default") == len(book.entries)
    assert kinds.count("unpublished") == len(book.unpublished)
    assert kinds.count("contraindicated") == len(book.contraindicated)
    used = {key for case in CASES.values() for key in case["request"].get("plan", {})}
    keywords = set(inspect.signature(mesocalc.plan).parameters)
    assert {"technique", "area", "spacing", "override", "dose_per_area"} <= keywords
    assert keywords - used == set()
    # Every kind of result, and refusals, are there.
    results = {_kind(case["numbers"]) for case in CASES.values()}
    assert results == {"plan", "array", "session", "course", "frame", "error"}


def _kind(numbers: dict[str, Any]) -> str:
    if "error" in numbers:
        return "error"
    if "frame" in numbers:
        return "frame"
    if "sessions" in numbers:
        return "course"
    if "plans" in numbers:
        return "session"
    return "array" if "shape" in numbers else "plan"


@pytest.mark.parametrize("name", list(CASES))
def test_numbers_stay_as_they_were(name: str) -> None:
    case = CASES[name]
    now = golden.numbers(golden.build(case["request"]))
    moved = golden.differences(case["numbers"], now)
    assert not moved, (
        f"{name}: {len(moved)} number(s) moved from the golden file {FILE.name} "
        "(a change that moves numbers on purpose needs a numbers changelog fragment and "
        "python tests/data/make_numbers.py):\n  " + "\n  ".join(moved[:20])
    )


def test_differences_name_the_field_that_moved() -> None:
    was = {"points": 40, "spacing": [10.0, "millimeter"], "warnings": [["a", "b", None]]}
    assert golden.differences(was, was) == []
    now = {"points": 41, "spacing": [10.0 * (1 + 1e-9), "meter"], "warnings": []}
    assert golden.differences(was, now) == [
        "points: was 40, now 41",
        "spacing[0]: was 10.0, now 10.00000001",
        "spacing[1]: was 'millimeter', now 'meter'",
        "warnings: was [['a', 'b', None]], now []",
    ]
    # Floats to 12 digits (and 1e-12 of the unit near zero); whole numbers stay whole.
    assert golden.differences([1.0, 0.0], [1.0 + 1e-14, 1e-17]) == []
    assert golden.differences(40, 40.0) == ["(top): was 40, now 40.0"]
    assert golden.differences({"a": 1}, {"b": 1}) == ["(top): keys were ['a'], now ['b']"]
    assert golden.differences(None, 0) == ["(top): was None, now 0"]
    with pytest.raises(TypeError, match="no comparison"):
        golden.differences({1, 2}, {1, 2})

"""A unit is spelled in the parameter table, not in the code that shows or makes a quantity.

Every quantity's pint unit, shown unit and JSON unit live in ``mesocalc._quantities.parameters`` (and
the dimensions' canonical units in ``mesocalc._quantities.units``), so that a unit has one spelling in
every output. This test reads every module of the package and fails on a unit written as a
string of its own (``quantity(x, "millimeter")``) or after a formatted number
(``f"{x:.4g} mm"``) anywhere else, but for the exceptions listed below, each with its reason.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import mesocalc
from mesocalc._quantities.parameters import PARAMETERS
from mesocalc._quantities.units import Dim

PACKAGE = Path(mesocalc.__file__).parent

# Every spelling of a unit the table holds, and the spellings a person types for them.
UNITS = (
    {p.shown for p in PARAMETERS.values()}
    | {p.shown_unit for p in PARAMETERS.values()}
    | {p.json for p in PARAMETERS.values()}
    | {d.canonical for d in Dim}
    | {d.symbol for d in Dim}
    | {"cm^2", "mm^2", "cm²", "mm²", "mm2", "cm", "centimeter", "degrees", "ml", "uL", "µL"}
    | {"microliter", "milliliter / centimeter", "mL/cm"}
) - {"", "1", "U", "G", "dimensionless"}  # too short or not units to tell from other text
_AFTER_NUMBER = re.compile(
    r"^ ?(" + "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True)) + r")(?!\w)"
)

# Modules where a unit is the subject, not a way to show a quantity.
ALLOWED: dict[str, str] = {
    "_quantities/parameters.py": "the table itself",
    "_quantities/units.py": "the string parser and pint's names: where spellings are read",
    "_records/codec.py": "the units older schema versions wrote, read by the migrations",
    "_records/structuring.py": "the units older schema versions wrote, read by the migrations",
    "testing/strategies.py": "spellings a user may type, generated as inputs",
}
# Unit literals still written outside the table, by module: a count that may only fall
# (plans, plans over arrays, sessions, frames and tables have none). Most are quantities the
# table holds under another name or not at all: a product per cm of thread, a mass of
# active per area, coordinates and outlines, a needle or a pitch in a message, FHIR's UCUM
# codes, the syringe sizes of a label.
REMAINING: dict[str, int] = {
    "_exchange/cli_catalog.py": 3,
    "_quantities/arithmetic.py": 2,  # finite_error's units: tests pin its unitless text for other parameters
    "_clinic/course.py": 2,
    "_planning/derived.py": 4,
    "_planning/equipment.py": 12,
    "_clinic/fhir.py": 9,
    "_planning/guardrails.py": 12,
    "_geometry/injector.py": 2,
    "_geometry/layout.py": 7,
    "_geometry/placement.py": 7,
    "_planning/plan.py": 1,  # volume_per_cm, in mL/cm: no parameter has that dimension
    "_geometry/plot.py": 2,
    "_clinic/products.py": 5,
    "_geometry/shapes.py": 3,
    "_planning/stored.py": 1,
    "_geometry/threads.py": 15,
    "testing/__init__.py": 4,
}


def _literals(tree: ast.AST) -> list[tuple[int, str]]:
    """The unit strings of a module: (line, text)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            for before, part in zip(node.values, node.values[1:], strict=False):
                if (
                    isinstance(before, ast.FormattedValue)
                    and isinstance(part, ast.Constant)
                    and isinstance(part.value, str)
                    and _AFTER_NUMBER.match(part.value)
                ):
                    found.append((part.lineno, part.value))
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and node.value.strip() in UNITS
        ):
            found.append((node.lineno, node.value))
    return sorted(found)


def _module(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def _found() -> dict[str, list[tuple[int, str]]]:
    out: dict[str, list[tuple[int, str]]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = _module(path)
        if name in ALLOWED:
            continue
        found = _literals(ast.parse(path.read_text(encoding="utf-8")))
        if found:
            out[name] = sorted(set(found))
    return out


def test_no_unit_is_spelled_outside_the_parameter_table() -> None:
    over = {name: found for name, found in _found().items() if len(found) > REMAINING.get(name, 0)}
    assert over == {}, (
        "unit literals outside mesocalc._quantities.parameters (read them from the table)"
    )


def test_the_remaining_counts_are_not_stale() -> None:
    """A module that lost a literal lowers its count here, so that none comes back."""
    found = {name: len(lines) for name, lines in _found().items()}
    assert {n: c for n, c in REMAINING.items() if found.get(n, 0) != c} == {}


def test_the_test_sees_unit_literals() -> None:
    tree = ast.parse('quantity(x, "millimeter")\nf"{x:.4g} mm each"\nf"{n} mmol"\n"mm"')
    assert _literals(tree) == [(1, "millimeter"), (2, " mm each"), (4, "mm")]


def test_the_allowed_modules_exist() -> None:
    assert [n for n in (*ALLOWED, *REMAINING) if not (PACKAGE / n).is_file()] == []

"""The screening and course tables' refusals, on small tables read as the shipped ones are."""

from __future__ import annotations

from typing import Any

import pytest

import mesocalc
from mesocalc._clinic import course as _course
from mesocalc._clinic import screening as _screening
from mesocalc._clinic import screening_rules as _screening_rules

RULE = """\
format = 1

[conditions.pregnant]
severity = "absolute"
reason = "pregnancy"
source = ["SEED3"]
"""


@pytest.mark.parametrize(
    ("old", "new", "where", "value"),
    [
        ("format = 1", "format = 3", "format", 3),
        ("[conditions.pregnant]", "[conditions.tall]", "conditions", "tall"),
        ('severity = "absolute"', 'severity = "mild"', "conditions.pregnant.severity", "mild"),
        ('reason = "pregnancy"', 'reason = " "', "conditions.pregnant.reason", " "),
        ('reason = "pregnancy"', 'reason = "p"\ndays = -1', "conditions.pregnant.days", -1),
        (
            'reason = "pregnancy"',
            'reason = "p"\nmin_stage = 4',
            "conditions.pregnant.min_stage",
            4,
        ),
        ('source = ["SEED3"]', "source = []", "conditions.pregnant.source", []),
    ],
)
def test_a_malformed_screening_table_names_the_key(
    old: str, new: str, where: str, value: object
) -> None:
    assert old in RULE
    with pytest.raises(mesocalc.CatalogError) as info:
        _screening._parse_rules(RULE.replace(old, new, 1))
    assert info.value.parameter == f"screening.toml: {where}"
    assert info.value.value == value


def test_a_screening_rule_must_be_a_table() -> None:
    with pytest.raises(mesocalc.CatalogError) as info:
        _screening_rules._rule("pregnant", 1, "conditions.pregnant")
    assert info.value.value == 1


COURSE = """\
format = 1
interval = { low = 7, high = 10, unit = "d", source = ["SEED3"], note = "n" }
"""


def _interval(monkeypatch: pytest.MonkeyPatch, text: str) -> Any:
    monkeypatch.setattr(_course, "read_text", lambda name: text)
    return _course._interval.__wrapped__()


@pytest.mark.parametrize(
    ("old", "new", "where", "value"),
    [
        ("format = 1", "format = 2", "interval", None),
        ('unit = "d"', 'unit = "h"', "interval", None),
        ("low = 7", "low = 0", "interval", (0, 10)),
        ("high = 10", "high = 5", "interval", (7, 5)),
        ('source = ["SEED3"]', 'source = ["NOPE"]', "interval.source", ["NOPE"]),
    ],
)
def test_a_malformed_course_table_names_the_key(
    monkeypatch: pytest.MonkeyPatch, old: str, new: str, where: str, value: object
) -> None:
    with pytest.raises(mesocalc.CatalogError) as info:
        _interval(monkeypatch, COURSE.replace(old, new, 1))
    assert info.value.parameter == f"course.toml: {where}"
    if value is not None:
        assert info.value.value == value


def test_the_minimal_course_table_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    interval = _interval(monkeypatch, COURSE)
    assert (interval.low, interval.high, interval.source) == (7, 10, "SEED3")

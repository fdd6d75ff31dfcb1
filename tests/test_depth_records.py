"""Stored records with one field corrupted: from_dict refuses with a MesocalcError, always.

Each record's JSON dict is walked; every value in it, at any depth, is replaced in turn by
values of the wrong type. Reading it back either gives a record (the replacement happened
to be acceptable) or raises a MesocalcError whose message renders, never another exception.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mesocalc
from tests import strategies as mst

WRONG: tuple[Any, ...] = (None, 7, -1.5, True, "x", [], {}, [1, "a"], {"value": "x"})


def _paths(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every key path in a JSON value, down to the leaves."""
    if isinstance(data, dict):
        items: Any = data.items()
    elif isinstance(data, list):
        items = enumerate(data[:3])  # the first few elements stand for the rest
    else:
        return
    for key, value in items:
        yield (*path, key)
        yield from _paths(value, (*path, key))


def _replaced(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    out = copy.deepcopy(data)
    here = out
    for key in path[:-1]:
        here = here[key]
    here[path[-1]] = value
    return out


def _read_back(cls: Any, data: Any) -> None:
    for path in _paths(data):
        if path == ("schema",):
            continue
        for value in WRONG:
            try:
                cls.from_dict(_replaced(data, path, value))
            except mesocalc.MesocalcError as exc:
                assert str(exc), path
    with pytest.raises(mesocalc.MesocalcError):
        cls.from_dict([])


def _records() -> list[Any]:
    plan = mesocalc.plan(
        technique="classic",
        zone="face",
        area="4 cm^2",
        needle=mesocalc.Needle(gauge=30, length="4 mm"),
        syringe=mesocalc.Syringe.conventional(),
        depth="2.2 mm",
        override=mesocalc.Override(reason="thick skin", by="Dr A"),
    )
    return [
        plan,
        mesocalc.plan(technique="classic", zone="face", area=["4 cm^2", "5 cm^2"]),
        mesocalc.product("kybella", lot="B1", expires="2027-03-31"),
        mesocalc.Syringe.low_dead_space(),
        mesocalc.spec("infiltration", "submental"),
        plan.warning_records[0],
        plan.overrides[0],
    ]


@pytest.mark.parametrize("record", _records(), ids=lambda r: type(r).__name__)
def test_a_corrupted_record_is_refused_with_a_mesocalc_error(record: Any) -> None:
    data = record.to_dict()
    assert type(record).from_dict(data) == record
    _read_back(type(record), data)


@settings(max_examples=10, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(mst.sessions(max_areas=2), mst.courses(max_areas=1)))
def test_a_corrupted_session_or_course_is_refused_with_a_mesocalc_error(record: Any) -> None:
    _read_back(type(record), record.to_dict())


@settings(max_examples=10, suppress_health_check=[HealthCheck.too_slow])
@given(mst.plans_of_every_kind(kinds=("shape", "threads", "injector")))
def test_a_corrupted_plan_on_a_shape_is_refused_with_a_mesocalc_error(record: Any) -> None:
    _read_back(type(record), record.to_dict())

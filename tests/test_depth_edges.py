"""Edges the rest of the suite leaves unmeasured: names, geometries, stored numbers, exits."""

from __future__ import annotations

import importlib
import io
import os
import sys
from typing import Any

import numpy as np
import pytest

import mesocalc
from mesocalc import Polygon
from mesocalc._exchange import cli as _cli
from mesocalc._quantities.names import added_zone


def test_importing_the_main_module_runs_nothing() -> None:
    module = importlib.import_module("mesocalc.__main__")
    assert module.console is _cli.console


class _Pipe(io.StringIO):
    """A stdout whose reader went away: only its file number is asked for."""

    def fileno(self) -> int:
        return 99


def test_a_reader_that_goes_away_is_not_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(argv: Any = None) -> int:
        raise BrokenPipeError

    redirected: list[int] = []
    monkeypatch.setattr(_cli, "main", broken)
    monkeypatch.setattr(os, "dup2", lambda fd, to: redirected.append(to))
    monkeypatch.setattr(sys, "stdout", _Pipe())
    with pytest.raises(SystemExit) as stop:
        _cli.console()
    assert stop.value.code == 0
    assert redirected == [99]


def test_an_added_zone_is_found_again_and_names_are_bounded() -> None:
    assert added_zone("face") is mesocalc.Zone.FACE
    with pytest.raises(mesocalc.InvalidValueError):
        added_zone("Not A Name")
    with pytest.raises(mesocalc.UnknownNameError) as info:
        mesocalc.plan(technique="classic", zone="z" * 65, area="1 cm^2")
    assert info.value.detail == "longer than 64 characters"


@pytest.mark.parametrize(
    ("coordinates", "detail"),
    [
        ((np.array([["a", "b"], ["c", "d"], ["e", "f"]]),), "exterior ring"),
        ((np.zeros((3, 3)),), "exterior ring"),
        (("not a ring",), "exterior ring"),
        ([[[0, 0], [10**400, 0], [0, 1]]], "a coordinate beyond a float"),
    ],
    ids=["strings", "3-d", "text", "huge"],
)
def test_a_geometry_with_bad_rings_is_refused(coordinates: Any, detail: str) -> None:
    with pytest.raises(mesocalc.InvalidValueError) as info:
        Polygon.from_shapely({"type": "Polygon", "coordinates": coordinates}, unit="mm")
    assert detail in str(info.value)


def test_a_shape_is_not_a_geometry() -> None:
    from mesocalc._geometry.shapes import is_geometry  # noqa: PLC0415 - private helper

    square = Polygon([("0 cm", "0 cm"), ("1 cm", "0 cm"), ("1 cm", "1 cm"), ("0 cm", "1 cm")])
    assert not is_geometry(square)


def test_a_stored_number_too_large_for_a_float_is_refused() -> None:
    data = mesocalc.Syringe.low_dead_space().to_dict()
    key = next(k for k, v in data.items() if isinstance(v, dict) and "value" in v)
    data[key] = {**data[key], "value": 10**400}
    with pytest.raises(mesocalc.InvalidValueError, match="below 1e308"):
        mesocalc.Syringe.from_dict(data)

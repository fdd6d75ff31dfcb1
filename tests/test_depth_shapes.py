"""Outlines given in other units keep their size: mutation testing found no test of it."""

from __future__ import annotations

import numpy as np
import pytest

import mesocalc
from mesocalc._quantities.units import quantity

SQUARE = [[0.0, 0.0], [3.0, 0.0], [3.0, 2.0], [0.0, 2.0]]


@pytest.mark.parametrize(("unit", "cm"), [("cm", 1.0), ("mm", 0.1), ("m", 100.0), ("inch", 2.54)])
def test_a_polygon_of_a_quantity_array_keeps_its_size(unit: str, cm: float) -> None:
    polygon = mesocalc.Polygon(quantity(np.array(SQUARE), unit))
    assert polygon.area.to("cm**2").magnitude == pytest.approx(6.0 * cm * cm)
    assert polygon.perimeter.to("cm").magnitude == pytest.approx(10.0 * cm)


def test_a_hole_in_cm_is_cut_at_its_size() -> None:
    hole = quantity(np.array([[1.0, 0.5], [2.0, 0.5], [2.0, 1.5], [1.0, 1.5]]), "cm")
    polygon = mesocalc.Polygon(quantity(np.array(SQUARE), "cm"), holes=[hole])
    assert polygon.area.to("cm**2").magnitude == pytest.approx(5.0)


def test_a_polygon_in_strings_and_one_in_a_quantity_array_are_equal() -> None:
    words = mesocalc.Polygon([(f"{x} cm", f"{y} cm") for x, y in SQUARE])
    array = mesocalc.Polygon(quantity(np.array(SQUARE) * 10.0, "mm"))
    assert words.area == array.area

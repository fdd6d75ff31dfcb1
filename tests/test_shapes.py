"""Shapes: areas and perimeters in physical units, and every way a shape can be wrong."""

from __future__ import annotations

import math
import pickle
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mesocalc
from mesocalc._quantities.units import Dim, quantity

from .strategies import expressed, shapes, star_polygons

MM = "millimeter"


def test_rectangle_area_and_perimeter_by_hand() -> None:
    r = mesocalc.Rectangle("6 cm", "40 mm")
    assert r.area.to("cm^2").magnitude == pytest.approx(24.0)
    assert r.perimeter.to("mm").magnitude == pytest.approx(200.0)
    assert r.width.magnitude == 60.0
    assert r.height.magnitude == 40.0
    assert repr(r) == "Rectangle(width='60 mm', height='40 mm')"


def test_circle_and_ellipse_use_the_true_curve() -> None:
    c = mesocalc.Circle("1 cm")
    assert c.area.to("mm^2").magnitude == pytest.approx(100 * math.pi)
    assert c.perimeter.to("mm").magnitude == pytest.approx(20 * math.pi)
    e = mesocalc.Ellipse("6 cm", "2 cm")
    assert e.area.to("mm^2").magnitude == pytest.approx(math.pi * 30 * 10)
    # Perimeter of a 30 x 10 mm half-axes ellipse: 133.6489 mm (elliptic integral).
    assert e.perimeter.to("mm").magnitude == pytest.approx(133.6489, rel=1e-5)
    assert mesocalc.Ellipse("2 cm", "2 cm").perimeter.magnitude == pytest.approx(20 * math.pi)


def test_polygon_with_a_hole_by_hand() -> None:
    face = [("0 cm", "0 cm"), ("10 cm", "0 cm"), ("10 cm", "8 cm"), ("0 cm", "8 cm")]
    eye = quantity([[20, 50], [40, 50], [40, 60], [20, 60]], MM)
    p = mesocalc.Polygon(face, holes=[eye])
    assert p.area.to("cm^2").magnitude == pytest.approx(80 - 2)
    assert p.perimeter.magnitude == pytest.approx(360 + 60)
    assert p.vertices.shape == (4, 2)
    assert len(p.holes) == 1
    assert "1 holes" in repr(p)


def test_closed_ring_is_accepted() -> None:
    open_ring = quantity([[0, 0], [3, 0], [0, 4]], MM)
    closed = quantity([[0, 0], [3, 0], [0, 4], [0, 0]], MM)
    assert mesocalc.Polygon(open_ring) == mesocalc.Polygon(closed)
    assert mesocalc.Polygon(closed).area.to("mm^2").magnitude == pytest.approx(6.0)


@given(st.floats(1.0, 500.0), st.floats(1.0, 500.0), st.data())
def test_shapes_do_not_depend_on_the_units_they_arrive_in(
    w: float, h: float, data: st.DataObject
) -> None:
    a = mesocalc.Rectangle(
        data.draw(expressed(w, Dim.LENGTH)), data.draw(expressed(h, Dim.LENGTH))
    )
    assert a.area.to("mm^2").magnitude == pytest.approx(w * h, rel=1e-9)
    assert a.perimeter.magnitude == pytest.approx(2 * (w + h), rel=1e-9)


@given(shapes())
def test_every_shape_has_positive_area_within_its_bounds(shape: mesocalc.Shape) -> None:
    xmin, ymin, xmax, ymax = shape.bounds.magnitude
    area = shape.area.to("mm^2").magnitude
    assert 0 < area <= (xmax - xmin) * (ymax - ymin) * (1 + 1e-9)
    # isoperimetric inequality: no outline encloses more than a circle of its length
    assert area <= shape.perimeter.magnitude**2 / (4 * math.pi) * (1 + 1e-6)


@given(shapes())
def test_shapes_are_hashable_values_that_pickle(shape: mesocalc.Shape) -> None:
    assert pickle.loads(pickle.dumps(shape)) == shape
    assert hash(pickle.loads(pickle.dumps(shape))) == hash(shape)


BAD_POLYGONS: list[tuple[Any, Any, str, type[mesocalc.MesocalcError]]] = [
    (
        [("0 mm", "0 mm"), ("1 mm", "1 mm"), ("1 mm", "0 mm"), ("0 mm", "1 mm")],
        (),
        "crosses",
        mesocalc.InvalidValueError,
    ),
    ([("0 mm", "0 mm"), ("1 mm", "1 mm")], (), "at least 3", mesocalc.InvalidValueError),
    (
        [("0 mm", "0 mm"), ("1 mm", "0 mm"), ("1 mm", "0 mm"), ("0 mm", "0 mm")],
        (),
        "at least 3",
        mesocalc.InvalidValueError,
    ),
    (
        [("0 mm", "0 mm"), ("1 mm", "1 mm"), ("3 mm", "3 mm")],
        (),
        "zero area",
        mesocalc.InvalidValueError,
    ),
    ([(0, 0), (1, 0), (0, 1)], (), "no unit", mesocalc.UnitError),
    (np.array([[0, 0], [1, 0], [0, 1]]), (), "no unit", mesocalc.UnitError),
    (quantity([[0, 0], [1, 0], [0, 1]], "mL"), (), "not a length", mesocalc.UnitError),
    ([("0 mL", "0 mm"), ("1 mm", "0 mm"), ("0 mm", "1 mm")], (), "volume", mesocalc.UnitError),
    (quantity([[0, 0], [1, np.nan], [0, 1]], MM), (), "NaN", mesocalc.InvalidValueError),
    (quantity([[0, 0], [1, np.inf], [0, 1]], MM), (), "infinite", mesocalc.InvalidValueError),
    (quantity([[0, 0, 0], [1, 0, 0], [0, 1, 0]], MM), (), "shape", mesocalc.InvalidValueError),
    (quantity([[0, 0], [20_000, 0], [0, 1]], MM), (), "10 m", mesocalc.InvalidValueError),
    ("0 mm, 1 mm, 2 mm", (), "got a str", mesocalc.InputTypeError),
    ([("0 mm", "0 mm", "0 mm")], (), "pair", mesocalc.InvalidValueError),
    (
        quantity([[0, 0], [10, 0], [10, 10], [0, 10]], MM),
        [quantity([[20, 2], [40, 2], [40, 4]], MM)],
        "outside",
        mesocalc.InvalidValueError,
    ),
    (
        quantity([[0, 0], [10, 0], [10, 10], [0, 10]], MM),
        [quantity([[2, 2], [4, 4], [2, 4], [4, 2]], MM)],
        "crosses",
        mesocalc.InvalidValueError,
    ),
    (
        quantity([[0, 0], [10, 0], [10, 10], [0, 10]], MM),
        "hole",
        "sequence",
        mesocalc.InputTypeError,
    ),
]


@pytest.mark.parametrize(("vertices", "holes", "words", "error"), BAD_POLYGONS)
def test_bad_polygons_say_what_is_wrong(
    vertices: Any, holes: Any, words: str, error: type[mesocalc.MesocalcError]
) -> None:
    with pytest.raises(error) as info:
        mesocalc.Polygon(vertices, holes=holes)
    assert words in str(info.value)
    assert info.value.parameter.startswith(("vertices", "holes"))


@pytest.mark.parametrize("size", ["0 mm", "-1 cm", "nan mm", "1 mL", 5, 5.0, None, "20 m"])
@pytest.mark.parametrize("cls", [mesocalc.Rectangle, mesocalc.Ellipse])
def test_bad_sizes_are_refused_naming_the_side(cls: Any, size: Any) -> None:
    with pytest.raises(mesocalc.MesocalcError) as info:
        cls(size, "1 cm")
    assert info.value.parameter == "width"
    with pytest.raises(mesocalc.MesocalcError) as info:
        cls("1 cm", size)
    assert info.value.parameter == "height"


@pytest.mark.parametrize("radius", ["0 mm", "-1 cm", "inf mm", "1 cm^2", 3, True])
def test_bad_radius_is_refused(radius: Any) -> None:
    with pytest.raises(mesocalc.MesocalcError) as info:
        mesocalc.Circle(radius)
    assert info.value.parameter == "radius"


@given(star_polygons())
def test_polygon_area_matches_the_shoelace_formula(p: mesocalc.Polygon) -> None:
    x, y = p.vertices.magnitude.T
    shoelace = abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2
    assert p.area.to("mm^2").magnitude == pytest.approx(shoelace, rel=1e-9)

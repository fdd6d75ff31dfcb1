"""Shapes from the ecosystem: shapely and GeoJSON polygons, with their unit named; shape units."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import shapely
from hypothesis import assume, event, given
from hypothesis import strategies as st

import mesocalc
from mesocalc._geometry.shapes import polygon_of
from mesocalc._quantities.parameters import PARAMETERS
from mesocalc._quantities.units import quantity

from . import strategies as mst

Polygon = mesocalc.Polygon


def test_a_shapely_polygon_plans() -> None:
    box = Polygon.from_shapely(shapely.box(0, 0, 60, 40), unit="mm")
    assert box.area == quantity(24.0, "centimeter ** 2")
    p = mesocalc.plan(technique="classic", zone="face", area=box)
    same = mesocalc.plan(technique="classic", zone="face", area=mesocalc.Rectangle("6 cm", "4 cm"))
    assert p.points == same.points == 24
    assert p.area == same.area


def test_the_unit_scales_the_coordinates() -> None:
    triangle = shapely.Polygon([(0, 0), (4, 0), (0, 3)])
    in_cm = Polygon.from_shapely(triangle, unit="cm")
    assert in_cm == Polygon([("0 cm", "0 cm"), ("4 cm", "0 cm"), ("0 cm", "3 cm")])
    assert in_cm.perimeter == quantity(120.0, "millimeter")
    assert Polygon.from_shapely(triangle, unit=" mm ").area.to("mm^2").magnitude == 6.0


def test_holes_are_kept_and_one_part_multipolygons_are_polygons() -> None:
    face = shapely.Polygon(
        [(0, 0), (100, 0), (100, 80), (0, 80)], [[(20, 50), (40, 50), (40, 60), (20, 60)]]
    )
    p = Polygon.from_shapely(face, unit="mm")
    assert len(p.holes) == 1
    assert p.area == quantity(78.0, "centimeter ** 2")
    assert Polygon.from_shapely(shapely.MultiPolygon([face]), unit="mm") == p


def test_geojson_and_geo_interface_objects_read_as_shapely_does() -> None:
    ring = [[0, 0], [40, 0], [0, 30], [0, 0]]
    expected = Polygon.from_shapely(shapely.Polygon(ring), unit="mm")
    data = {"type": "Polygon", "coordinates": [ring]}
    assert Polygon.from_shapely(data, unit="mm") == expected
    assert Polygon.from_shapely(mst._GeoObject(data), unit="mm") == expected
    multi = {"type": "MultiPolygon", "coordinates": [[ring]]}
    assert Polygon.from_shapely(multi, unit="mm") == expected
    arrays = {"type": "Polygon", "coordinates": (np.array(ring),)}
    assert Polygon.from_shapely(arrays, unit="mm") == expected


@given(mst.geometries())
def test_every_valid_geometry_reads_to_its_polygon(case: tuple[Any, str, float]) -> None:
    geometry, unit, factor = case
    p = Polygon.from_shapely(geometry, unit=unit)
    data = geometry if isinstance(geometry, dict) else geometry.__geo_interface__
    if data["type"] == "MultiPolygon":
        data = {"type": "Polygon", "coordinates": data["coordinates"][0]}
    rings = [np.asarray(r, dtype=float) * factor for r in data["coordinates"]]
    expected = shapely.Polygon(rings[0], rings[1:])
    assert p.area.to("mm^2").magnitude == pytest.approx(expected.area, rel=1e-9)
    assert len(p.holes) == len(rings) - 1


@given(mst.star_polygons())
def test_a_shape_read_back_from_its_shapely_polygon_is_the_same(shape: mesocalc.Polygon) -> None:
    assert Polygon.from_shapely(polygon_of(shape), unit="mm") == shape


@pytest.mark.parametrize(
    ("unit", "kind"),
    [
        (None, mesocalc.UnitError),
        ("", mesocalc.UnitError),
        ("kg", mesocalc.UnitError),
        ("cm^2", mesocalc.UnitError),
        ("parsec", mesocalc.UnitError),
        (1, mesocalc.InputTypeError),
        (1.0, mesocalc.InputTypeError),
    ],
)
def test_the_unit_is_a_length_never_guessed(unit: Any, kind: type[Exception]) -> None:
    with pytest.raises(kind) as info:
        Polygon.from_shapely(shapely.box(0, 0, 1, 1), unit=unit)
    assert info.value.parameter == "unit"  # type: ignore[attr-defined]
    assert "'mm'" in str(info.value)


def test_no_unit_at_all_is_a_call_error() -> None:
    with pytest.raises(TypeError, match="unit"):
        Polygon.from_shapely(shapely.box(0, 0, 1, 1))  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("geometry", "words"),
    [
        (shapely.MultiPolygon([shapely.box(0, 0, 9, 9), shapely.box(20, 0, 29, 9)]), "separately"),
        (shapely.Polygon(), "no coordinates"),
        (shapely.MultiPolygon(), "MultiPolygon of 0 parts"),
        (shapely.Point(1, 1), "not a polygon"),
        (shapely.Polygon([(0, 0), (10, 10), (10, 0), (0, 10)]), "crosses or touches itself"),
        (shapely.Polygon([(0, 0, 1), (9, 0, 1), (0, 9, 1)]), "2-D positions"),
        (
            shapely.Polygon([(0, 0), (9, 0), (9, 9), (0, 9)], [[(20, 20), (30, 20), (30, 30)]]),
            "a hole lies outside the outline",
        ),
        ({"type": "Polygon", "coordinates": [[[np.nan, 0], [9, 0], [0, 9]]]}, "NaN or infinite"),
        ({"type": "Polygon", "coordinates": [[["0", "0"], [9, 0], [0, 9]]]}, "real numbers"),
        ({"type": "Polygon", "coordinates": [[[True, 0], [9, 0], [0, 9]]]}, "real numbers"),
        ({"type": "Polygon", "coordinates": [[[10**400, 0], [9, 0], [0, 9]]]}, "beyond a float"),
        ({"type": "Polygon", "coordinates": [[[1e5, 0], [9, 0], [0, 9]]]}, "within 10 m"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [9, 0], [18, 0]]]}, "collinear"),
        ({"type": "Feature", "geometry": None}, "pass its geometry"),
        ({"type": "Polygon", "coordinates": [[[0, 0]] * 10**7]}, "at most 100,000 vertices"),
        ({"type": "Polygon", "coordinates": [[]] * 10**6}, "at most 100,000 vertices"),
        (shapely.polygons(np.random.default_rng(0).random((200_001, 2))), "200,002 vertices"),
    ],
)
def test_wrong_geometries_are_refused_naming_the_geometry(geometry: Any, words: str) -> None:
    with pytest.raises(mesocalc.MesocalcError) as info:
        Polygon.from_shapely(geometry, unit="mm")
    assert info.value.parameter == "geometry"
    assert words in str(info.value)


@given(mst.hostile_geometries())
def test_hostile_geometries_raise_mesocalc_errors_only(case: tuple[Any, Any]) -> None:
    geometry, unit = case
    try:
        p = Polygon.from_shapely(geometry, unit=unit)
    except mesocalc.MesocalcError as exc:
        assert exc.parameter in ("geometry", "unit")
        event(f"refused: {exc.parameter}")
        str(exc)  # the message is made without failing
    else:
        event("read")
        assert p.area.magnitude > 0


@pytest.mark.parametrize(
    "geometry",
    [shapely.box(0, 0, 60, 40), {"type": "Polygon", "coordinates": [[[0, 0], [60, 0], [0, 40]]]}],
)
def test_plan_refuses_a_geometry_and_says_how_to_make_a_shape(geometry: Any) -> None:
    with pytest.raises(mesocalc.InputTypeError) as info:
        mesocalc.plan(technique="classic", zone="face", area=geometry)
    assert info.value.parameter == "area"
    assert "mesocalc.Polygon.from_shapely(geometry, unit='mm')" in str(info.value)
    with pytest.raises(mesocalc.InputTypeError, match="from_shapely") as info:
        mesocalc.layout(geometry, "5 mm")
    assert info.value.parameter == "shape"


# Shape results in one family of units: the parameter table's, as plans have them.


def _shown_unit(name: str) -> Any:
    return quantity(1.0, PARAMETERS[name].shown_unit).units


@given(mst.shapes(low=10.0, high=60.0))
def test_shape_results_are_in_the_units_plans_use(shape: mesocalc.Shape) -> None:
    assert shape.area.units == _shown_unit("area")  # cm², as plan.area
    for length in (shape.perimeter, shape.bounds):
        assert length.units == _shown_unit("spacing")  # mm, as every length
    for name in ("width", "height", "radius", "vertices"):
        if hasattr(shape, name):
            assert getattr(shape, name).units == _shown_unit("spacing")
    try:
        p = mesocalc.plan(technique="classic", zone="face", area=shape, spacing="5 mm")
    except mesocalc.InvalidValueError:  # a star too thin for a point at 5 mm
        assume(False)
        raise
    assert p.area.units == shape.area.units
    assert p.area.magnitude == pytest.approx(shape.area.magnitude, rel=1e-12)


def test_thread_totals_are_shown_in_mm_in_pictures_too() -> None:
    from matplotlib.figure import Figure  # noqa: PLC0415 - the test extra installs it

    r = mesocalc.plan(
        technique="retrograde",
        zone="face",
        area=mesocalc.Circle("2 cm"),
        volume_per_point="0.3 mL",
    )
    assert r.total_thread_length is not None
    assert r.layout is not None
    length = PARAMETERS["total_thread_length"].show(r.total_thread_length.magnitude)
    assert length.endswith(" mm")
    assert length in r.plot(Figure().subplots()).get_title()
    assert f"{length} in all" in r.layout.plot(Figure().subplots()).get_title()


@given(st.sampled_from(["mm", "cm", "m", "um", "µm"]))
def test_every_length_unit_reads(unit: str) -> None:
    p = Polygon.from_shapely(shapely.box(0, 0, 3, 2), unit=unit)
    assert p.area.to(f"{unit.replace('µ', 'u')}^2").magnitude == pytest.approx(6.0)

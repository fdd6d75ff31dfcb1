"""Exact layouts: counts for aligned rectangles, invariance, monotonicity, convergence."""

from __future__ import annotations

import math
import subprocess
import sys
from typing import Any

import numpy as np
import pytest
import shapely
from hypothesis import assume, given
from hypothesis import strategies as st

import mesocalc
from mesocalc._geometry.layout import lattice_points
from mesocalc._geometry.shapes import polygon_of
from mesocalc._quantities.units import Dim, quantity

from .strategies import expressed, shapes, spacings_mm, star_polygons, translated


def _mm(value: float) -> str:
    return f"{value!r} mm"


def _distance_to_edge(shape: mesocalc.Shape, xy: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    poly = polygon_of(shape)
    return np.asarray(shapely.distance(poly.boundary, shapely.points(xy)))


# Exact counts -----------------------------------------------------------------------


@given(
    st.integers(1, 40),
    st.integers(1, 40),
    spacings_mm(low=0.5, high=15.0),
    st.sampled_from(["mm", "cm"]),
)
def test_rectangles_aligned_to_the_lattice_get_one_point_per_cell(
    n: int, m: int, s: float, unit: str
) -> None:
    f = 10.0 if unit == "cm" else 1.0
    rect = mesocalc.Rectangle(f"{n * s / f!r} {unit}", f"{m * s / f!r} {unit}")
    lay = mesocalc.layout(rect, _mm(s))
    assert len(lay) == n * m
    # ... each half a spacing in from the edges, so exactly the density estimate
    assert _distance_to_edge(rect, lay.points.magnitude).min() == pytest.approx(s / 2)
    estimate = mesocalc.plan(
        technique="classic", zone="face", area=rect.area, spacing="7.5 mm"
    ).points
    aligned = mesocalc.plan(
        technique="classic",
        zone="face",
        area=mesocalc.Rectangle(_mm(n * 7.5), _mm(m * 7.5)),
        spacing="7.5 mm",
    )
    assert aligned.points == n * m
    assert estimate >= 1


@given(st.integers(3, 30), st.integers(3, 30), spacings_mm(), st.integers(0, 3))
def test_a_margin_of_whole_rings_removes_whole_rings(n: int, m: int, s: float, k: int) -> None:
    rect = mesocalc.Rectangle(_mm(n * s), _mm(m * s))
    # points sit s/2 + i*s from the edge: a margin of exactly that keeps ring i
    kept = mesocalc.layout(rect, _mm(s), margin=_mm(s / 2 + k * s))
    assert len(kept) == max(0, n - 2 * k) * max(0, m - 2 * k)


@given(st.floats(1.0, 300.0), st.floats(1.0, 300.0), spacings_mm(low=0.5))
def test_any_rectangle_holds_the_points_that_fit_along_each_side(
    w: float, h: float, s: float
) -> None:
    lay = mesocalc.layout(mesocalc.Rectangle(_mm(w), _mm(h)), _mm(s))
    fits = [max(1, math.floor(side / s * (1 + 1e-9))) for side in (w, h)]
    # a side narrower than one spacing still gets its middle point
    assert len(lay) == fits[0] * fits[1]


def test_hand_computed_layouts() -> None:
    lay = mesocalc.layout(mesocalc.Rectangle("3 cm", "2 cm"), "1 cm")
    assert lay.points.magnitude.tolist() == [
        [-10, -5], [0, -5], [10, -5], [-10, 5], [0, 5], [10, 5],
    ]  # fmt: skip
    assert lay.indices.tolist() == [[-1, -1], [0, -1], [1, -1], [-1, 0], [0, 0], [1, 0]]
    # hex: rows 8.66 mm apart, every other one shifted by 5 mm
    hexa = mesocalc.layout(mesocalc.Rectangle("2 cm", "2 cm"), "1 cm", lattice="hex")
    ys = sorted({round(y, 6) for y in hexa.points.magnitude[:, 1]})
    assert np.diff(ys) == pytest.approx(10 * math.sqrt(3) / 2)
    # a circle of 1 cm at 5 mm: the centre and its 4 neighbours, plus 4 diagonals inside
    circle = mesocalc.layout(mesocalc.Circle("1 cm"), "5 mm")
    assert len(circle) == 9


def test_a_shape_smaller_than_the_spacing_gets_its_centre() -> None:
    assert len(mesocalc.layout(mesocalc.Circle("1 mm"), "1 cm")) == 1
    ring = mesocalc.Polygon(
        quantity([[0, 0], [10, 0], [10, 10], [0, 10]], "mm"),
        holes=[quantity([[1, 1], [9, 1], [9, 9], [1, 9]], "mm")],
    )
    assert len(mesocalc.layout(ring, "2 cm")) == 0  # the centre is in the hole


# Invariance -------------------------------------------------------------------------


@given(
    shapes(),
    spacings_mm(),
    st.tuples(st.floats(-1000, 1000), st.floats(-1000, 1000)),
    st.sampled_from(["square", "hex"]),
    st.floats(0, 5),
)
def test_layouts_move_with_the_shape(
    shape: mesocalc.Shape, s: float, shift: tuple[float, float], lattice: str, margin: float
) -> None:
    dx, dy = shift
    moved = translated(shape, dx, dy)
    a = mesocalc.layout(shape, _mm(s), lattice=lattice, margin=_mm(margin))
    b = mesocalc.layout(moved, _mm(s), lattice=lattice, margin=_mm(margin))
    # The same lattice cells hold points, at the same place relative to the shape ...
    where_a = dict(zip(map(tuple, a.indices.tolist()), a.points.magnitude, strict=True))
    where_b = dict(zip(map(tuple, b.indices.tolist()), b.points.magnitude - [dx, dy], strict=True))
    for ij in where_a.keys() & where_b.keys():
        assert where_b[ij] == pytest.approx(where_a[ij], abs=1e-9 * (1 + abs(dx) + abs(dy)))
    # ... except for floating-point ties: a point within a whisker of the margin's edge
    # may fall either way once the coordinates are rounded differently.
    odd = [{**where_b, **where_a}[ij] for ij in where_a.keys() ^ where_b.keys()]
    if odd:
        assert np.abs(_distance_to_edge(shape, np.array(odd)) - margin).max() < 1e-6


@given(shapes(), spacings_mm(), st.data())
def test_layouts_do_not_depend_on_input_units(
    shape: mesocalc.Shape, s: float, data: st.DataObject
) -> None:
    a = mesocalc.layout(shape, _mm(s))
    b = mesocalc.layout(shape, data.draw(expressed(s, Dim.LENGTH)))
    assert abs(len(a) - len(b)) <= np.sum(_distance_to_edge(shape, a.points.magnitude) < 1e-6)


# Monotonicity -----------------------------------------------------------------------


@given(
    shapes(),
    spacings_mm(),
    st.floats(0, 20),
    st.floats(0, 20),
    st.sampled_from(["square", "hex"]),
)
def test_a_larger_margin_only_removes_points(
    shape: mesocalc.Shape, s: float, m1: float, m2: float, lattice: str
) -> None:
    small, large = sorted((m1, m2))
    inner = mesocalc.layout(shape, _mm(s), lattice=lattice, margin=_mm(large))
    outer = mesocalc.layout(shape, _mm(s), lattice=lattice, margin=_mm(small))
    assert len(inner) <= len(outer)
    # the lattice does not move with the margin: the inner points are outer points
    outer_set = {tuple(p) for p in outer.indices.tolist()}
    assert {tuple(p) for p in inner.indices.tolist()} <= outer_set
    if len(inner):
        # layout() compares distances with a tolerance of 1e-9 of the shape's extent, so
        # a margin below it (1e-238 mm, say) keeps a point on the edge, as documented.
        xmin, ymin, xmax, ymax = polygon_of(shape).bounds
        tol = 1e-9 * max(xmax - xmin, ymax - ymin, 1.0)
        assert _distance_to_edge(shape, inner.points.magnitude).min() >= large - tol


@given(st.floats(1.0, 300.0), st.floats(1.0, 300.0), spacings_mm(), spacings_mm())
def test_counts_never_increase_with_spacing_for_rectangles(
    w: float, h: float, s1: float, s2: float
) -> None:
    rect = mesocalc.Rectangle(_mm(w), _mm(h))
    fine, coarse = sorted((s1, s2))
    assert len(mesocalc.layout(rect, _mm(coarse))) <= len(mesocalc.layout(rect, _mm(fine)))


def test_counts_can_increase_with_spacing_for_other_outlines() -> None:
    # Honest limit of any fixed lattice: a 30-40-50 mm right triangle holds 10 points at
    # 7.4 mm and 11 at 7.5 mm, as the lattice slides against the hypotenuse. Only the
    # density estimate (plan(area=quantity)) and rectangles are monotone in spacing.
    tri = mesocalc.Polygon([("0 mm", "0 mm"), ("40 mm", "0 mm"), ("0 mm", "30 mm")])
    assert len(mesocalc.layout(tri, "7.4 mm")) == 10
    assert len(mesocalc.layout(tri, "7.5 mm")) == 11


# Convergence to the density estimate ------------------------------------------------


@given(
    shapes(low=2.0, high=600.0),
    spacings_mm(low=1.0, high=10.0),
    st.sampled_from(["square", "hex"]),
)
def test_the_exact_count_is_the_density_estimate_within_a_boundary_band(
    shape: mesocalc.Shape, s: float, lattice: str
) -> None:
    # Each point owns its lattice cell (circumradius r); cells that straddle the outline
    # are the whole difference, and they lie in a band of width r either side of it:
    # |N - A / cell| <= (2 r P + rings * pi r^2) / cell. As the shape grows, P / A -> 0.
    n = len(mesocalc.layout(shape, _mm(s), lattice=lattice))
    area = shape.area.to("mm^2").magnitude
    cell = s * s * (math.sqrt(3) / 2 if lattice == "hex" else 1.0)
    r = s / math.sqrt(2) if lattice == "square" else s / math.sqrt(3)
    rings = 1 + (len(shape.holes) if isinstance(shape, mesocalc.Polygon) else 0)
    band = 2 * r * shape.perimeter.magnitude + rings * math.pi * r * r
    assert abs(n - area / cell) <= band / cell + 1


@given(star_polygons(low=5, high=20), st.sampled_from(["square", "hex"]))
def test_relative_difference_shrinks_as_the_shape_grows(
    base: mesocalc.Polygon, lattice: str
) -> None:
    # The band bound above, relative to A / cell, is 2 r P / A + ...: it falls as
    # 1 / scale. So whatever the outline, scaled up 128 times it is within a few %.
    for scale in (1, 8, 128):
        shape = mesocalc.Polygon(base.vertices * scale)
        estimate = int(
            mesocalc.plan(
                technique="classic",
                zone="face",
                area=shape.area,
                spacing="7.5 mm",
                lattice=lattice,
            ).points
        )
        exact = (
            int(
                mesocalc.plan(
                    technique="classic", zone="face", area=shape, spacing="7.5 mm", lattice=lattice
                ).points
            )
            if scale > 1
            else len(mesocalc.layout(shape, "7.5 mm", lattice=lattice))
        )
        relative = abs(exact - estimate) / estimate
        r = 7.5 / (math.sqrt(2) if lattice == "square" else math.sqrt(3))
        perimeter, area = shape.perimeter.magnitude, shape.area.to("mm^2").magnitude
        cell = area / (2 * r * perimeter + math.pi * r * r + 2 * 56.25)
        assert relative <= 1 / cell + 1 / estimate
    assert relative < 0.05


def test_the_estimate_and_the_exact_count_converge_for_a_disc() -> None:
    rel = []
    for radius in (1, 4, 16, 64, 256):
        disc = mesocalc.Circle(f"{radius} cm")
        exact = mesocalc.plan(technique="classic", zone="face", area=disc, spacing="5 mm")
        estimate = mesocalc.plan(technique="classic", zone="face", area=disc.area, spacing="5 mm")
        rel.append(abs(int(exact.points) - int(estimate.points)) / int(estimate.points))
    assert rel[-1] < 1e-3
    assert rel == sorted(rel, reverse=True)


# plan() on shapes ---------------------------------------------------------------------


@given(shapes(high=200.0), st.floats(0, 10), st.sampled_from(["square", "hex"]))
def test_plan_on_a_shape_counts_its_layout(
    shape: mesocalc.Shape, margin: float, lattice: str
) -> None:
    lay = mesocalc.layout(shape, "7.5 mm", lattice=lattice, margin=_mm(margin))
    assume(len(lay) > 0)
    p = mesocalc.plan(
        technique="classic", zone="face", area=shape, margin=_mm(margin), lattice=lattice,
        spacing="7.5 mm",
    )  # fmt: skip
    assert p.points == len(lay)
    assert p.area.to("mm^2").magnitude == pytest.approx(shape.area.to("mm^2").magnitude)
    assert p.margin is not None
    assert p.margin.magnitude == pytest.approx(margin)
    assert isinstance(p.layout, mesocalc.Layout)
    assert p.layout.points.magnitude.tolist() == lay.points.magnitude.tolist()
    assert mesocalc.Plan.from_dict(p.to_dict()).to_dict() == p.to_dict()


def test_plan_shape_errors_name_their_parameter() -> None:
    rect = mesocalc.Rectangle("6 cm", "4 cm")
    cases: list[tuple[dict[str, Any], str]] = [
        ({"area": "24 cm^2", "margin": "2 mm"}, "margin"),
        ({"area": rect, "margin": "3 cm"}, "margin"),
        ({"area": rect, "margin": "-1 mm"}, "margin"),
        ({"area": rect, "margin": 2}, "margin"),
        ({"area": rect, "pattern": "fan"}, "pattern"),
        ({"area": rect, "pattern": "zigzag"}, "pattern"),
        ({"area": mesocalc.Circle("1 mm"), "margin": "1 mm"}, "margin"),
        ({"area": mesocalc.Polygon(
            quantity([[0, 0], [10, 0], [10, 10], [0, 10]], "mm"),
            holes=[quantity([[1, 1], [9, 1], [9, 9], [1, 9]], "mm")],
        ), "spacing": "1 cm"}, "spacing"),
    ]  # fmt: skip
    for kwargs, parameter in cases:
        with pytest.raises(mesocalc.MesocalcError) as info:
            mesocalc.plan(technique="classic", zone="face", **kwargs)
        assert info.value.parameter == parameter, kwargs


@pytest.mark.parametrize(
    ("shape", "spacing", "parameter"),
    [
        ("not a shape", "1 mm", "shape"),
        (mesocalc.Circle("1 cm"), "0 mm", "spacing"),
        (mesocalc.Circle("1 cm"), 5, "spacing"),
        (mesocalc.Circle("5 m"), "1 mm", "spacing"),  # 10^8 candidates: refused, not computed
        (mesocalc.Circle("1 cm"), "1 µm", "spacing"),
    ],
)
def test_layout_refuses_bad_input(shape: Any, spacing: Any, parameter: str) -> None:
    with pytest.raises(mesocalc.MesocalcError) as info:
        mesocalc.layout(shape, spacing)
    assert info.value.parameter == parameter


def test_layout_refuses_bad_lattice_and_margin() -> None:
    c = mesocalc.Circle("1 cm")
    with pytest.raises(mesocalc.UnknownNameError):
        mesocalc.layout(c, "1 mm", lattice="hexx")
    for margin in ("-1 mm", "1 mL", 1.0, "nan mm", "11 m"):
        with pytest.raises(mesocalc.MesocalcError) as info:
            mesocalc.layout(c, "1 mm", margin=margin)
        assert info.value.parameter == "margin"


def test_layout_points_are_read_only_and_the_repr_says_what_it_holds() -> None:
    lay = mesocalc.layout(mesocalc.Rectangle("3 cm", "2 cm"), "1 cm", margin="2 mm")
    with pytest.raises(ValueError, match="read-only"):
        lay.points.magnitude[0, 0] = 1.0
    assert repr(lay).startswith("<Layout of 6 points on a square lattice at 10 mm, margin 2 mm")
    assert lay.spacing.magnitude == 10.0
    assert lay.margin.magnitude == 2.0


def test_a_million_candidates_in_blocks() -> None:
    lay = mesocalc.layout(mesocalc.Rectangle("1 m", "1 m"), "1 mm")
    assert len(lay) == 1_000_000
    xy, _ = lattice_points(
        polygon_of(mesocalc.Rectangle("1 m", "1 m")), 1.0, mesocalc.Lattice.HEX, 0.0
    )
    assert abs(len(xy) - 1e6 / (math.sqrt(3) / 2)) < 2000


def test_importing_mesocalc_imports_neither_shapely_nor_matplotlib() -> None:
    code = "import sys, mesocalc; print('shapely' in sys.modules, 'matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


@given(
    shapes(low=0.01, high=10_000.0),
    st.floats(1e-20, 1e4),
    st.floats(0, 1e4),
    st.sampled_from(["square", "hex"]),
)
def test_any_spacing_and_margin_give_a_layout_or_a_mesocalc_error(
    shape: mesocalc.Shape, s: float, margin: float, lattice: str
) -> None:
    # Tiny spacings on huge shapes are refused before anything is allocated.
    try:
        lay = mesocalc.layout(shape, _mm(s), lattice=lattice, margin=_mm(margin))
    except mesocalc.MesocalcError as exc:
        refused = exc.parameter
    else:
        assert len(lay) <= 10_000_000
        return
    assert refused in ("spacing", "margin")

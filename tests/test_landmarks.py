"""Named landmarks on the site templates: positions in the chart frame, scaled and mirrored."""

from __future__ import annotations

from typing import Any

import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

import mesocalc
from mesocalc._geometry.landmarks import parse_landmarks
from mesocalc._geometry.shapes import polygon_of
from mesocalc.exceptions import CatalogError, InputTypeError, InvalidValueError, UnknownNameError
from tests.strategies import anatomies, hostile_text

BAP = ("zygomatic-prominence", "nasal-ala", "tragus", "chin", "mandibular-angle")


def test_the_bap_landmarks_are_five_per_side_each_the_teams() -> None:
    marks = mesocalc.landmarks()
    assert tuple(m.name for m in marks) == BAP
    assert all(m.basis is mesocalc.Basis.DERIVED and "team's" in m.note for m in marks)
    assert {m.site for m in marks} == {"cheek", "jawline"}
    assert [m.name for m in mesocalc.landmarks("jawline")] == ["chin", "mandibular-angle"]
    assert mesocalc.landmarks(mesocalc.Site.named("chin")) == ()


@settings(max_examples=40, deadline=None)
@given(anatomy=anatomies(), left=st.booleans(), which=st.sampled_from(BAP))
def test_a_landmark_lies_inside_its_sites_outline_on_either_side_for_any_anatomy(
    anatomy: mesocalc.Anatomy, left: bool, which: str
) -> None:
    mark = mesocalc.landmark(which)
    side = "left" if left else "right"
    site = mesocalc.Site.named(mark.site)
    outline = polygon_of(site.outline(side=side, anatomy=anatomy))
    x, y = mark.position(side=side, anatomy=anatomy).to("mm").magnitude
    assert outline.contains(shapely.Point(x, y)), (which, side, x, y)


def test_sides_mirror_and_the_anatomy_scales_as_the_outlines_do() -> None:
    right = mesocalc.landmark_points("cheek", "right", ["zygomatic prominence", "Tragus"])
    left = mesocalc.landmark_points("cheek", "left", ["ZYGOMATIC_PROMINENCE", "tragus"])
    assert (left.magnitude == right.magnitude * [-1, 1]).all()
    wide = mesocalc.Anatomy(face_width=f"{2 * 131.95} mm")
    scaled = mesocalc.landmark_points("cheek", "right", ["tragus"], anatomy=wide)
    assert scaled.to("mm").magnitude.ravel().tolist() == pytest.approx([-120.0, -46.0])


@pytest.mark.parametrize(
    ("site", "side", "names", "error", "parameter"),
    [
        ("cheek", "right", ["zygoma"], UnknownNameError, "landmarks[0]"),
        ("cheek", "right", ["chin"], InvalidValueError, "landmarks[0]"),
        ("cheek", "right", ["tragus", "Tragus"], InvalidValueError, "landmarks[1]"),
        ("cheek", "both", ["tragus"], InvalidValueError, "side"),
        ("cheek", None, ["tragus"], InvalidValueError, "side"),
        ("cheek", "up", ["tragus"], UnknownNameError, "side"),
        ("chin", "left", ["chin"], InvalidValueError, "side"),
        ("chin", None, ["chin"], InvalidValueError, "landmarks[0]"),
        ("cheek", "right", "tragus", InvalidValueError, "landmarks"),
        ("cheek", "right", [], InvalidValueError, "landmarks"),
        ("cheek", "right", 5, InvalidValueError, "landmarks"),
        ("cheek", "right", [5], InputTypeError, "landmarks[0]"),
        ("cheeks-and-more", "right", ["tragus"], UnknownNameError, "site"),
    ],
)
def test_hostile_landmark_requests_name_the_parameter(
    site: str, side: Any, names: Any, error: type[Exception], parameter: str
) -> None:
    with pytest.raises(error) as caught:
        mesocalc.landmark_points(site, side, names)
    assert getattr(caught.value, "parameter", None) == parameter


@given(name=hostile_text())
def test_any_text_is_a_landmark_or_an_unknown_name(name: str) -> None:
    try:
        mesocalc.landmark(name)
    except UnknownNameError as error:
        assert error.parameter == "landmark"


def test_position_refuses_a_wrong_side_or_anatomy() -> None:
    mark = mesocalc.landmark("chin")
    with pytest.raises(InvalidValueError, match="side"):
        mark.position(side="both")
    with pytest.raises(InputTypeError, match="anatomy"):
        mark.position(side="left", anatomy={"face_width": "14 cm"})


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("landmarks = 3", "landmarks"),
        ("[landmarks.a]\nsite = 'cheek'\nxy = [1, 2]\nbasis = 'derived'\nnote = 'n'\nz = 1", "z"),
        ("[landmarks.a]\nsite = 'cheek'\nxy = [1]\nbasis = 'derived'\nnote = 'n'", "xy"),
        ("[landmarks.a]\nsite = 'cheek'\nxy = [1, true]\nbasis = 'derived'\nnote = 'n'", "xy"),
        ("[landmarks.a]\nsite = 'cheek'\nxy = 'here'\nbasis = 'derived'\nnote = 'n'", "xy"),
        ("[landmarks.a]\nsite = 'cheek'\nxy = [1, 2]\nbasis = 'published'\nnote = 'n'", "basis"),
        ("[landmarks.a]\nsite = 'cheek'\nxy = [1, 2]\nbasis = 'derived'\nnote = ''", "note"),
    ],
)
def test_a_bad_landmarks_file_names_the_entry(text: str, where: str) -> None:
    with pytest.raises(CatalogError, match=where):
        parse_landmarks(text, "x.toml")

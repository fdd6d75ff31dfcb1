"""Plans whose points are named landmarks (BAP): plan(site=..., side=..., landmarks=[...])."""

from __future__ import annotations

import copy
import json
import math
from typing import Any

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

import mesocalc
from mesocalc._geometry.layout import Layout
from mesocalc._geometry.shapes import polygon_of
from mesocalc.exceptions import InvalidValueError, MesocalcError, SoftLimitError, UnknownNameError
from tests.strategies import anatomies

BAP: dict[str, list[str]] = {
    "cheek": ["zygomatic prominence", "nasal ala", "tragus"],
    "jawline": ["chin", "mandibular angle"],
}
BECAUSE = mesocalc.Override(reason="BAP places its points on landmarks")


def _bap(site: str, side: str, **more: Any) -> mesocalc.Plan:
    p = mesocalc.plan(
        technique="classic",
        site=site,
        side=side,
        landmarks=BAP[site],
        override=BECAUSE,
        **more,
    )
    assert isinstance(p, mesocalc.Plan)
    return p


def _xy(p: mesocalc.Plan) -> Any:
    """The plan's layout points, (N, 2) in mm."""
    layout = p.layout
    assert isinstance(layout, Layout)
    return layout.points.to("mm").magnitude


def _least(xy: Any) -> float:
    a = np.asarray(xy)
    return min(math.dist(a[i], a[j]) for i in range(len(a)) for j in range(i + 1, len(a)))


def test_a_point_on_each_landmark_in_the_order_named() -> None:
    face = mesocalc.Anatomy(face_width="14 cm", face_height="12 cm")
    p = _bap("cheek", "left", anatomy=face)
    expected = mesocalc.landmark_points("cheek", "left", BAP["cheek"], anatomy=face)
    assert p.points == 3
    assert p.placement is not None
    assert p.placement.landmarks == ("zygomatic-prominence", "nasal-ala", "tragus")
    assert np.array_equal(_xy(p), expected.to("mm").magnitude)
    assert p.spacing.to("mm").magnitude == pytest.approx(_least(expected.to("mm").magnitude))
    assert p.site is not None
    assert p.site.name == "cheek"
    assert p.side is mesocalc.Side.LEFT
    codes = [w.code.value for w in p.warning_records]
    assert "landmarks" in codes
    assert "site-template" in codes
    assert [r.parameter for r in p.overrides] == ["spacing"]


def test_bap_is_ten_points_over_four_site_plans() -> None:
    plans = [_bap(site, side) for site in BAP for side in ("left", "right")]
    assert sum(p.points for p in plans) == 10
    session = mesocalc.Session(plans=plans)
    assert session.points == 10
    chart = session.chart()
    assert chart.points == 10
    assert chart.svg.count("<text") >= 10


def test_points_farther_apart_than_the_range_need_an_override_which_records_them() -> None:
    with pytest.raises(SoftLimitError) as info:
        mesocalc.plan(technique="classic", site="cheek", side="left", landmarks=BAP["cheek"])
    assert info.value.parameter == "spacing"


def test_one_landmark_takes_the_nominal_spacing_and_needs_no_override() -> None:
    p = mesocalc.plan(technique="classic", site="jawline", side="right", landmarks=["chin"])
    nominal = mesocalc.plan(technique="classic", zone="face", area="1 cm^2")
    assert p.points == 1
    assert p.spacing == nominal.spacing
    assert not p.overrides


def test_the_eyelid_zone_and_its_limits_hold_for_a_landmark_plan() -> None:
    with pytest.raises(mesocalc.HardLimitError):
        _bap("cheek", "left", depth="30 mm")


@given(
    anatomy=anatomies(), side=st.sampled_from(["left", "right"]), site=st.sampled_from(list(BAP))
)
@settings(max_examples=40, deadline=None)
def test_every_landmark_point_lies_inside_the_sites_outline_for_any_anatomy(
    anatomy: Any, side: str, site: str
) -> None:
    try:
        p = _bap(site, side, anatomy=anatomy)
    except MesocalcError as exc:  # a patient's group whose skin the default depth leaves
        assert exc.parameter in {"depth", "anatomy"}
        return
    assert p.placement is not None
    assert p.placement.shape is not None
    outline = polygon_of(p.placement.shape)
    xy = _xy(p)
    assert shapely.intersects_xy(outline, xy[:, 0], xy[:, 1]).all()
    assert len(xy) == p.points == len(BAP[site])


@given(side=st.sampled_from(["left", "right"]), site=st.sampled_from(list(BAP)))
@settings(max_examples=10, deadline=None)
def test_json_round_trips_keep_the_landmarks_and_their_points(side: str, site: str) -> None:
    p = _bap(site, side, anatomy=mesocalc.Anatomy(face_width="15 cm"))
    back = mesocalc.Plan.from_dict(json.loads(json.dumps(p.to_dict())))
    assert back == p
    assert back.placement is not None
    assert p.placement is not None
    assert back.placement.landmarks == p.placement.landmarks
    assert np.array_equal(_xy(back), _xy(p))


def _stored() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(json.dumps(_bap("cheek", "left").to_dict()))
    return data


def _shifted(data: dict[str, Any]) -> None:
    """Point 0 moved inside the outline, the spacing and its record made to agree."""
    data["placement"]["landmark_points"]["value"][0] = [50.0, -55.0]
    xy = data["placement"]["landmark_points"]["value"]
    data["spacing"]["value"] = data["overrides"][0]["value"]["value"] = _least(xy)


def _swapped(data: dict[str, Any]) -> None:
    names = data["placement"]["landmarks"]
    names[0], names[2] = names[2], names[0]


def _stretched(data: dict[str, Any]) -> None:
    ring = data["placement"]["shape"]["vertices"]["value"]
    data["placement"]["shape"]["vertices"]["value"] = [
        [x * 1.5 - 20, y * 1.5 + 20] for x, y in ring
    ]


def _nudged(data: dict[str, Any]) -> None:
    """The outline moved 0.5 mm along x: its area, and the points in it, as they were."""
    ring = data["placement"]["shape"]["vertices"]["value"]
    data["placement"]["shape"]["vertices"]["value"] = [[x + 0.5, y] for x, y in ring]


def _moved(data: dict[str, Any]) -> None:
    data["placement"]["landmark_points"]["value"][0] = [500.0, 500.0]


def _closer(data: dict[str, Any]) -> None:
    data["spacing"]["value"] = 7.0
    data["overrides"] = []
    data["warnings"] = [w for w in data["warnings"] if w.get("code") != "overridden"]


@pytest.mark.parametrize(
    ("change", "parameter"),
    [
        (lambda d: d["placement"]["landmarks"].__setitem__(0, "chin"), "placement.landmarks[0]"),
        (lambda d: d["placement"]["landmarks"].__setitem__(1, "tragus"), "placement.landmarks[2]"),
        (
            lambda d: d["placement"]["landmarks"].__setitem__(0, "nose tip"),
            "placement.landmarks[0]",
        ),
        (lambda d: d["placement"]["landmarks"].pop(), "landmarks"),
        (_moved, "placement.landmark_points[0]"),
        (lambda d: d["placement"]["landmark_points"].__setitem__("value", []), "landmark_points"),
        (lambda d: d["placement"]["landmark_points"].__setitem__("unit", "cm"), "placement"),
        (lambda d: d.pop("location"), "location.site"),
        (_closer, "spacing"),
        (_shifted, "placement.landmark_points[1]"),
        (_swapped, "placement.landmark_points[1]"),
        (_stretched, "area"),
        (_nudged, "placement.shape"),
        (lambda d: d["placement"]["landmarks"].__setitem__(2, "TRAGUS"), "placement.landmarks[2]"),
        (lambda d: d["location"].__setitem__("side", "right"), "placement.landmark_points[0]"),
        (lambda d: d["location"].__setitem__("side", "both"), "location.side"),
        (lambda d: d["placement"].__setitem__("shots", 3), "shots"),
        (lambda d: d["placement"].__setitem__("pattern", "fan"), "pattern"),
        (lambda d: d.__setitem__("area", {"value": 30.0, "unit": "cm2"}), "area"),
    ],
)
def test_a_stored_landmark_plan_plan_could_not_have_made_is_refused(
    change: Any, parameter: str
) -> None:
    data = copy.deepcopy(_stored())
    change(data)
    with pytest.raises(MesocalcError) as info:
        mesocalc.Plan.from_dict(data)
    assert info.value.parameter is not None
    assert info.value.parameter.endswith(parameter) or parameter in info.value.parameter


@pytest.mark.parametrize(
    ("kwargs", "parameter", "error"),
    [
        ({"zone": "face", "landmarks": ["chin"]}, "landmarks", InvalidValueError),
        ({"area": "4 cm^2"}, "area", InvalidValueError),
        ({"points": 3}, "points", InvalidValueError),
        ({"spacing": "8 mm"}, "spacing", InvalidValueError),
        ({"margin": "1 mm"}, "margin", InvalidValueError),
        ({"pattern": "fan"}, "pattern", InvalidValueError),
        ({"injector": mesocalc.Injector(needles=3)}, "injector", InvalidValueError),
        ({"side": "both"}, "side", InvalidValueError),
        ({"landmarks": ["chin"]}, "landmarks[0]", InvalidValueError),
        ({"landmarks": ["tragus", "tragus"]}, "landmarks[1]", InvalidValueError),
        ({"landmarks": ["nose tipp"]}, "landmarks[0]", UnknownNameError),
        ({"landmarks": []}, "landmarks", InvalidValueError),
        ({"landmarks": "tragus"}, "landmarks", InvalidValueError),
        ({"landmarks": [None]}, "landmarks[0]", MesocalcError),
        (
            {"technique": "retrograde", "volume_per_point": "0.1 mL", "landmarks": ["tragus"]},
            "landmarks",
            InvalidValueError,
        ),
    ],
)
def test_hostile_landmark_plans_name_the_parameter(
    kwargs: dict[str, Any], parameter: str, error: type[Exception]
) -> None:
    request: dict[str, Any] = {
        "technique": "classic",
        "site": "cheek",
        "side": "left",
        "landmarks": BAP["cheek"],
        "override": BECAUSE,
    }
    if "zone" in kwargs:
        request.pop("site")
        request.pop("side")
    request.update(kwargs)
    with pytest.raises(error) as info:
        mesocalc.plan(**request)
    assert isinstance(info.value, MesocalcError)
    assert info.value.parameter == parameter


def test_a_landmark_inside_a_keep_out_zone_is_refused_naming_it() -> None:
    from mesocalc._catalog.entries import Basis  # noqa: PLC0415 - beside its one use
    from mesocalc._geometry.templates import KeepOut  # noqa: PLC0415 - beside its one use
    from mesocalc._planning.location import _on_landmarks  # noqa: PLC0415 - beside its one use

    jaw = mesocalc.Site.named("jawline")
    chin = mesocalc.landmark_points(jaw, "left", ["chin"]).to("mm").magnitude[0]
    x, y = float(chin[0]), float(chin[1])
    box = mesocalc.Polygon(
        [
            (f"{x - 2} mm", f"{y - 2} mm"),
            (f"{x + 2} mm", f"{y - 2} mm"),
            (f"{x} mm", f"{y + 2} mm"),
        ]
    )
    keep = KeepOut(name="test-box", shape=box, reason="a test", source=(), basis=Basis.UNSOURCED)
    outline = jaw.outline(side="left")
    with pytest.raises(InvalidValueError) as info:
        _on_landmarks(
            jaw,
            mesocalc.Side.LEFT,
            ["mandibular angle", "chin"],
            anatomy=None,
            area=outline,
            keep=[keep],
        )
    assert info.value.parameter == "landmarks[1]"
    assert "test-box" in str(info.value)


def test_a_product_whose_keep_outs_cover_the_site_refuses_its_landmarks_too() -> None:
    kyb = mesocalc.product("deoxycholic acid")
    with pytest.raises(InvalidValueError) as info:
        _bap("jawline", "left", product=kyb)
    assert info.value.parameter in {"area", "landmarks[0]", "landmarks[1]"}


@pytest.mark.parametrize("version", ["R4", "R5"])
def test_fhir_says_the_landmarks_of_each_area_and_validates(version: str) -> None:
    from fhir.resources import get_fhir_model_class as r5_model  # noqa: PLC0415 - the fhir extra
    from fhir.resources.R4B import get_fhir_model_class as r4_model  # noqa: PLC0415 - as above

    model = {"R4": r4_model, "R5": r5_model}[version]
    plans = [_bap(site, "left") for site in BAP]
    booster = mesocalc.Product(name="hyaluronic acid skin booster", lot="H7")
    bundle = mesocalc.Session(plans=plans, date="2026-12-04", product=booster).to_fhir(
        patient="Patient/1",
        version=version,  # type: ignore[arg-type]
        bundle="transaction",
    )
    model("Bundle").model_validate(bundle)
    given = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "MedicationAdministration"
    ]
    notes = [" ".join(n["text"] for n in r.get("note", [])) for r in given]
    assert "landmarks, in order: zygomatic-prominence, nasal-ala, tragus" in notes[0]
    assert "landmarks, in order: chin, mandibular-angle" in notes[1]


def test_one_landmark_may_take_a_given_spacing_where_the_technique_has_no_nominal() -> None:
    chin: dict[str, Any] = {"site": "jawline", "side": "right", "landmarks": ["chin"]}
    p = mesocalc.plan(technique="infiltration", spacing="10 mm", **chin)
    assert p.points == 1
    assert p.spacing.to("mm").magnitude == 10.0
    back = mesocalc.Plan.from_dict(json.loads(json.dumps(p.to_dict())))
    assert back == p


@given(
    anatomy=anatomies(),
    side=st.sampled_from(["left", "right"]),
    names=st.permutations(BAP["cheek"]).flatmap(
        lambda p: st.lists(st.sampled_from(p), min_size=1, max_size=3, unique=True)
    ),
)
@settings(max_examples=40, deadline=None)
def test_any_landmark_plan_reads_back_from_json_as_itself(
    anatomy: Any, side: str, names: list[str]
) -> None:
    try:
        p = mesocalc.plan(
            technique="classic",
            site="cheek",
            side=side,
            landmarks=names,
            anatomy=anatomy,
            override=BECAUSE,
        )
    except MesocalcError as exc:  # a patient's group whose skin the default depth leaves
        assert exc.parameter in {"depth", "anatomy"}
        return
    assert mesocalc.Plan.from_dict(json.loads(json.dumps(p.to_dict()))) == p


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"landmarks": 5}, "landmarks"),
        ({"landmarks": None}, "landmarks"),
        ({"landmarks": "chin"}, "landmarks"),
        ({"landmarks": [None]}, "landmarks"),
        ({"landmarks": ["chin"] * 100_001}, "landmarks"),
        ({"landmarks": ["chin"], "margin_mm": 1.0}, "margin"),
        ({"landmarks": ["chin"], "shots": 2}, "shots"),
    ],
)
def test_a_placement_built_by_hand_refuses_bad_landmarks(
    kwargs: dict[str, Any], parameter: str
) -> None:
    from mesocalc._geometry.placement import Placement  # noqa: PLC0415 - beside its one use

    box = mesocalc.Rectangle("10 cm", "10 cm")
    points = [("0 mm", "0 mm")]  # one: the names are read first
    with pytest.raises(MesocalcError) as info:
        Placement(shape=box, landmark_points=points, **kwargs)
    assert info.value.parameter == parameter


def test_landmarks_as_bytes_are_refused_as_a_whole() -> None:
    with pytest.raises(InvalidValueError) as info:
        mesocalc.plan(technique="classic", site="cheek", side="left", landmarks=b"tragus")  # type: ignore[arg-type]
    assert info.value.parameter == "landmarks"

"""Plans on a named site: its zone, its side, its template outline and its keep-out zones."""

from __future__ import annotations

import copy
import json
from typing import Any, Literal

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mesocalc
from mesocalc._catalog.warnings import WarningCode
from mesocalc._geometry.shapes import polygon_of
from mesocalc._geometry.threads import Threads
from mesocalc.exceptions import (
    HardLimitError,
    InputTypeError,
    InvalidValueError,
    MesocalcError,
    UnknownNameError,
)
from tests.strategies import anatomies, hostile_text, nested_lists

SITES = mesocalc.sites()
_TRIED = ("classic", "nappage", "infiltration", "papular", "point-by-point")


def _technique(site: mesocalc.Site) -> str:
    """The first technique of ``_TRIED`` that plans on the site's template."""
    for technique in _TRIED:
        try:
            mesocalc.plan(technique=technique, site=site, side="left" if site.paired else None)
        except MesocalcError:
            continue
        return technique
    raise AssertionError(site.name)  # pragma: no cover - every site has one


TECHNIQUES = {site.name: _technique(site) for site in SITES}
KYB = {"submental"}  # the sites a deoxycholic acid plan can lie on (the jawline is kept out)


def _codes(p: mesocalc.Plan) -> set[WarningCode]:
    return {w.code for w in p.warning_records}


def test_a_site_gives_the_zone_and_the_plan_records_site_and_side() -> None:
    p = mesocalc.plan(technique="classic", site="malar", side="L", area="10 cm^2")
    assert p.zone is mesocalc.Zone.FACE
    assert p.site == mesocalc.Site.named("cheek")
    assert p.side is mesocalc.Side.LEFT
    assert p.points == 10  # a given area is planned as without a site
    assert mesocalc.plan(technique="classic", zone="face", area="10 cm^2").site is None
    same = mesocalc.plan(technique="classic", zone="face", site="cheek", side="right")
    assert same.zone is mesocalc.Zone.FACE
    assert same.side is mesocalc.Side.RIGHT


def test_a_zone_other_than_the_sites_is_refused_naming_zone() -> None:
    with pytest.raises(InvalidValueError, match="eyelid") as info:
        mesocalc.plan(technique="classic", zone="face", site="periorbital", side="left")
    assert info.value.parameter == "zone"


def test_the_eyelids_hard_limit_binds_a_periorbital_plan() -> None:
    p = mesocalc.plan(technique="classic", site="periorbital", side="left")
    assert p.zone is mesocalc.Zone.EYELID
    assert p.depth.to("mm").magnitude <= 1.0
    with pytest.raises(HardLimitError) as info:
        mesocalc.plan(
            technique="classic", site="periorbital", side="left", area="2 cm^2", depth="1.5 mm"
        )
    assert info.value.parameter == "depth"
    with pytest.raises(HardLimitError) as technique:
        mesocalc.plan(technique="nappage", site="periorbital", side="left")
    assert technique.value.parameter == "technique"


@pytest.mark.parametrize(
    ("site", "side", "detail"),
    [
        ("chin", "left", "midline"),
        ("glabella", "right", "midline"),
        ("submental", "both", "midline"),
        ("cheek", None, "paired"),
    ],
)
def test_a_side_must_fit_the_site(site: str, side: Any, detail: str) -> None:
    with pytest.raises(InvalidValueError, match=detail) as info:
        mesocalc.plan(technique="classic", site=site, side=side, area="4 cm^2")
    assert info.value.parameter == "side"


def test_both_sides_count_in_total() -> None:
    both = mesocalc.plan(technique="classic", site="cheek", side="both", area="24 cm^2")
    one = mesocalc.plan(technique="classic", site="cheek", side="left", area="12 cm^2")
    assert both.side is mesocalc.Side.BOTH
    assert both.points == 2 * one.points
    assert both.total_volume == 2 * one.total_volume


@pytest.mark.parametrize("technique", ["classic", "nappage", "retrograde"])
def test_both_sides_of_a_template_are_the_left_and_its_mirror_image(technique: str) -> None:
    kwargs: dict[str, Any] = {"technique": technique, "site": "cheek"}
    if technique == "retrograde":
        kwargs["volume_per_point"] = "0.05 mL"
    both = mesocalc.plan(**kwargs, side="both")
    left = mesocalc.plan(**kwargs, side="left")
    right = mesocalc.plan(**kwargs, side="right")
    assert both.points == left.points + right.points == 2 * left.points
    assert both.area == 2 * left.area
    assert both.total_volume == 2 * left.total_volume
    assert both.placement is not None
    assert both.placement.mirrored
    xy = _marks(both)
    n = left.points
    assert np.array_equal(xy[:n], _marks(left))
    assert np.allclose(xy[n:] * [-1.0, 1.0], xy[:n])
    back = mesocalc.Plan.from_dict(json.loads(json.dumps(both.to_dict())))
    assert back == both
    assert np.array_equal(_marks(back), xy)
    assert both.chart().points == 2 * n


def test_a_side_without_a_site_is_recorded_as_given() -> None:
    p = mesocalc.plan(technique="classic", zone="hands", area="40 cm^2", side="right")
    assert p.site is None
    assert p.side is mesocalc.Side.RIGHT
    with pytest.raises(UnknownNameError) as info:
        mesocalc.plan(technique="classic", zone="hands", area="40 cm^2", side="up")
    assert info.value.parameter == "side"


@pytest.mark.parametrize(
    ("kwargs", "parameter", "error"),
    [
        ({"site": "cheeck", "side": "left"}, "site", UnknownNameError),
        ({"site": 3}, "site", InputTypeError),
        ({"zone": "face", "anatomy": mesocalc.Anatomy()}, "anatomy", InvalidValueError),
        ({"zone": "face", "product": "kybella"}, "product", InvalidValueError),
        ({"site": "cheek", "side": "left", "anatomy": {}}, "anatomy", InputTypeError),
        ({"site": "submental", "product": 7}, "product", InputTypeError),
        (
            {"site": "jawline", "side": "left", "product": "kybella", "area": None},
            "area",
            InvalidValueError,
        ),
        (
            {"site": "cheek", "side": "left", "area": ["4 cm^2", "8 cm^2"]},
            "site",
            InvalidValueError,
        ),
        ({"zone": "face", "side": "left", "area": ["4 cm^2"]}, "side", InvalidValueError),
    ],
)
def test_bad_site_requests_name_the_parameter(
    kwargs: dict[str, Any], parameter: str, error: type[MesocalcError]
) -> None:
    request = {"technique": "classic", "area": "10 cm^2", **kwargs}
    with pytest.raises(error) as info:
        mesocalc.plan(**request)
    assert info.value.parameter == parameter


def test_an_unknown_site_suggests_the_nearest() -> None:
    with pytest.raises(UnknownNameError) as info:
        mesocalc.plan(technique="classic", site="cheeck", side="left")
    assert "cheek" in info.value.suggestions


def test_an_anatomy_out_of_range_names_its_field() -> None:
    with pytest.raises(MesocalcError) as info:
        mesocalc.plan(
            technique="classic",
            site="cheek",
            side="left",
            anatomy=mesocalc.Anatomy(face_width="9 m"),
        )
    assert info.value.parameter == "face_width"


def test_a_template_plan_warns_that_its_area_is_drawn() -> None:
    p = mesocalc.plan(technique="classic", site="cheek", side="left")
    assert p.area == mesocalc.Site.named("cheek").outline("left").area
    assert WarningCode.SITE_TEMPLATE in _codes(p)
    assert p.layout is not None
    small = mesocalc.Anatomy(face_height="100 mm", face_width="110 mm")
    assert (
        mesocalc.plan(technique="classic", site="cheek", side="left", anatomy=small).area < p.area
    )


def test_keep_outs_are_cut_from_a_template_with_a_warning() -> None:
    site = mesocalc.Site.named("submental")
    p = mesocalc.plan(
        technique="infiltration", site=site, product="kybella", volume_per_point="0.2 mL"
    )
    assert p.area < site.outline().area
    kept = [w for w in p.warning_records if w.code is WarningCode.KEEP_OUT]
    assert [w.sources for w in kept] == [("KYB-BAND", "KYB-ISI"), ("KYB-BAND",)]
    assert all("no point lies inside" in w.text for w in kept)
    # Without the product, the band is not the plan's.
    plain = mesocalc.plan(technique="infiltration", site=site, volume_per_point="0.2 mL")
    assert plain.area == site.outline().area
    assert WarningCode.KEEP_OUT not in _codes(plain)


def test_a_given_shape_overlapping_a_keep_out_is_cut() -> None:
    square = mesocalc.Polygon(
        [("-30 mm", "-140 mm"), ("30 mm", "-140 mm"), ("30 mm", "-100 mm"), ("-30 mm", "-100 mm")]
    )
    p = mesocalc.plan(
        technique="infiltration",
        site="submental",
        area=square,
        product="kybella",
        volume_per_point="0.2 mL",
    )
    assert p.area < square.area
    band = mesocalc.Site.named("submental").keep_out("kybella")[0].shape
    assert isinstance(p.layout, mesocalc.Layout)
    points = p.layout.points.to("mm").magnitude
    assert not any(polygon_of(band).contains(_point(x, y)) for x, y in points)
    assert WarningCode.KEEP_OUT in _codes(p)
    far = mesocalc.Polygon(
        [("-20 mm", "-170 mm"), ("20 mm", "-170 mm"), ("20 mm", "-145 mm"), ("-20 mm", "-145 mm")]
    )
    clear = mesocalc.plan(
        technique="infiltration",
        site="submental",
        area=far,
        product="kybella",
        volume_per_point="0.2 mL",
    )
    assert clear.area == far.area
    assert any("outside the area" in w for w in clear.warnings)


def test_a_number_area_cannot_be_cut_and_says_so() -> None:
    p = mesocalc.plan(
        technique="infiltration",
        site="submental",
        area="20 cm^2",
        product="kybella",
        volume_per_point="0.2 mL",
    )
    assert p.points == 20
    assert any("no outline to cut" in w for w in p.warnings)


def _point(x: float, y: float) -> Any:
    import shapely  # noqa: PLC0415 - the test extra installs it

    return shapely.Point(x, y)


@settings(max_examples=25, deadline=None)
@given(
    site=st.sampled_from(SITES),
    anatomy=anatomies(low=0.8, high=1.3),
    paired=st.sampled_from(["left", "right", "both"]),
    kyb=st.booleans(),
)
def test_every_planned_point_is_inside_the_outline_and_outside_the_keep_outs(
    site: mesocalc.Site, anatomy: mesocalc.Anatomy, paired: str, kyb: bool
) -> None:
    side = paired if site.paired else None
    product = "deoxycholic acid" if kyb and site.name in KYB else None
    request: dict[str, Any] = {
        "technique": TECHNIQUES[site.name],
        "site": site,
        "side": side,
        "anatomy": anatomy,
        "product": product,
    }
    try:
        p = mesocalc.plan(**request)
    except mesocalc.SoftLimitError as exc:
        # A large patient's whole submental site passes the catalog's soft cap of points
        # per session (KYB, an analogue): refused without an override, planned with one.
        assert exc.parameter == "points"
        p = mesocalc.plan(**request, override=mesocalc.Override(reason="the whole site"))
    sides = ("left", "right") if side == "both" else (side,)
    outline = shapely.union_all([polygon_of(site.outline(side=s, anatomy=anatomy)) for s in sides])
    zones = [polygon_of(z.shape) for z in site.keep_out(product, side=side, anatomy=anatomy)]
    assert isinstance(p.layout, mesocalc.Layout)
    for x, y in p.layout.points.to("mm").magnitude:
        point = _point(x, y)
        assert outline.buffer(1e-6).contains(point), (site.name, x, y)
        assert not any(zone.contains(point) for zone in zones), (site.name, x, y)


def test_json_keeps_site_and_side_and_reads_old_payloads() -> None:
    p = mesocalc.plan(technique="classic", site="cheek", side="left", area="10 cm^2")
    data = p.to_dict()
    assert data["location"] == {"site": "cheek", "side": "left"}
    assert mesocalc.Plan.from_dict(data) == p
    old = {k: v for k, v in data.items() if k != "location"}
    assert mesocalc.Plan.from_dict(old).site is None
    schema = mesocalc.json_schema("plan")
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(data, schema)
    bad = copy.deepcopy(data)
    bad["location"]["site"] = "knee"
    with pytest.raises(InvalidValueError) as info:
        mesocalc.Plan.from_dict(bad)
    assert info.value.parameter == "location.site"
    midline = copy.deepcopy(data)
    midline["location"]["site"] = "chin"
    with pytest.raises(InvalidValueError) as side:
        mesocalc.Plan.from_dict(midline)
    assert side.value.parameter.endswith("side")


def test_session_sides_follow_the_sites_rule() -> None:
    chin = mesocalc.plan(technique="classic", site="chin", area="6 cm^2")
    with pytest.raises(InvalidValueError) as info:
        mesocalc.Session(plans=[chin], sides=["left"])
    assert info.value.parameter == "sides[0]"
    left = mesocalc.plan(technique="classic", site="cheek", side="left", area="10 cm^2")
    with pytest.raises(InvalidValueError) as other:
        mesocalc.Session(plans=[chin, left], sides=[None, "right"])
    assert other.value.parameter == "sides[1]"
    assert (
        mesocalc.Session(plans=[chin, left], sides=[None, "left"]).sides[1] is mesocalc.Side.LEFT
    )


def test_fhir_carries_laterality_and_the_sites_code() -> None:
    booster = mesocalc.Product(name="skin booster", lot="A1", expires="2027-06-30")
    cheeks = mesocalc.plan(technique="classic", site="cheek", side="both", area="24 cm^2")
    temple = mesocalc.plan(technique="classic", site="temple", side="right", area="6 cm^2")
    s = mesocalc.Session(plans=[cheeks, temple], product=booster, date="2026-11-26")
    versions: tuple[tuple[Literal["R5", "R4"], str], ...] = (
        ("R5", "includedStructure"),
        ("R4", "locationQualifier"),
    )
    for version, key in versions:
        bundle = s.to_fhir(patient="Patient/1", version=version)
        structures = [
            e["resource"]
            for e in bundle["entry"]
            if e["resource"]["resourceType"] == "BodyStructure"
        ]
        assert len(structures) == 2
        if version == "R5":
            lat = [b[key][0]["laterality"]["coding"][0]["code"] for b in structures]
            assert lat == ["51440002", "24028007"]
            codes = [b[key][0]["structure"].get("coding", [{}])[0].get("code") for b in structures]
            assert codes[0] == "60819002"  # the cheek's own code
            assert structures[1][key][0]["structure"]["text"] == "temple, right"
        else:
            assert [b[key][0]["coding"][0]["code"] for b in structures] == ["51440002", "24028007"]


def _hostile_values() -> st.SearchStrategy[Any]:
    return st.one_of(
        hostile_text(),
        nested_lists(),
        st.integers(),
        st.floats(),
        st.booleans(),
        st.just(object()),
        st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    )


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None, max_examples=60)
@given(name=st.sampled_from(["site", "side", "anatomy", "product"]), value=_hostile_values())
def test_hostile_site_keywords_are_mesocalc_errors_naming_them(name: str, value: Any) -> None:
    request: dict[str, Any] = {"technique": "classic", "site": "cheek", "side": "left"}
    request[name] = value
    try:
        mesocalc.plan(**request)
    except MesocalcError as error:
        assert error.parameter.split("[")[0] in {name, "side", "area", "product"}
        str(error)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None, max_examples=60)
@given(
    name=st.sampled_from(["face_height", "face_width", "stature", "hip_width", "sex", "age"]),
    value=_hostile_values(),
)
def test_hostile_anatomy_fields_are_mesocalc_errors_naming_them(name: str, value: Any) -> None:
    try:
        mesocalc.Anatomy(**{name: value})
    except MesocalcError as error:
        assert error.parameter == name
        str(error)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None, max_examples=60)
@given(points=_hostile_values(), unit=st.one_of(st.just("mm"), _hostile_values()))
def test_hostile_landmarks_are_mesocalc_errors(points: Any, unit: Any) -> None:
    with pytest.raises(MesocalcError) as info:
        mesocalc.Anatomy.from_landmarks(points, unit=unit)
    assert info.value.parameter in {"points", "unit"}


def test_landmarks_refuse_the_measurements_they_make_and_unknown_fields() -> None:
    face = {168: (0, 0), 152: (0, -120), 234: (-60, 0), 454: (60, 0)}
    with pytest.raises(InvalidValueError) as info:
        mesocalc.Anatomy.from_landmarks(face, unit="mm", face_height="12 cm")
    assert info.value.parameter == "face_height"
    with pytest.raises(InputTypeError) as unknown:
        mesocalc.Anatomy.from_landmarks(face, unit="mm", colour="red")
    assert unknown.value.parameter == "colour"
    made = mesocalc.Anatomy.from_landmarks(face, unit="mm", stature="1.8 m", age=30)
    assert made.stature is not None
    assert made.age == 30.0


def test_a_deoxycholic_acid_session_refuses_a_site_plan_made_without_the_product() -> None:
    kyb = mesocalc.product("deoxycholic acid")
    plain = mesocalc.plan(technique="infiltration", site="submental", volume_per_point="0.2 mL")
    with pytest.raises(InvalidValueError) as caught:
        mesocalc.Session(plans=[plain], product=kyb)
    assert caught.value.parameter == "plans[0]"
    assert "submental" in str(caught.value)
    assert "mandible-band" in str(caught.value)
    made = mesocalc.plan(
        technique="infiltration", site="submental", product=kyb, volume_per_point="0.2 mL"
    )
    assert mesocalc.Session(plans=[made], product=kyb).plans == (made,)
    # A number area says its keep-outs apply: the plan was made with the product.
    said = mesocalc.plan(
        technique="infiltration",
        site="submental",
        area="20 cm^2",
        product=kyb,
        volume_per_point="0.2 mL",
    )
    mesocalc.Session(plans=[said], product=kyb)
    # A site with no keep-out of the product's, and a session of another product, pass.
    cheek = mesocalc.plan(technique="classic", site="cheek", side="left")
    mesocalc.Session(plans=[cheek], product=kyb)
    mesocalc.Session(plans=[plain])


def _marks(p: mesocalc.Plan) -> Any:
    """The points (or thread entries) of a plan's layout, (N, 2) in mm."""
    drawing = p.layout
    assert drawing is not None
    marks = drawing.entries if isinstance(drawing, Threads) else drawing.points
    return marks.to("mm").magnitude


def test_a_mirrored_placement_is_only_a_plan_over_both_sides() -> None:
    data = json.loads(
        json.dumps(mesocalc.plan(technique="classic", site="cheek", side="both").to_dict())
    )
    data["location"]["side"] = "left"
    with pytest.raises(InvalidValueError) as info:
        mesocalc.Plan.from_dict(data)
    assert info.value.parameter == "placement.mirrored"
    shape = mesocalc.Rectangle("2 cm", "2 cm")  # centred on the midline: its mirror overlaps it
    from mesocalc._geometry.placement import Placement  # noqa: PLC0415 - beside its one use

    with pytest.raises(InvalidValueError) as info:
        Placement(shape=shape, mirrored=True)
    assert info.value.parameter == "mirrored"
    with pytest.raises(InvalidValueError) as info:
        mesocalc.plan(
            technique="classic", site="cheek", side="both", injector=mesocalc.Injector(needles=1)
        )
    assert info.value.parameter == "injector"


def _both_json() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        json.dumps(mesocalc.plan(technique="classic", site="cheek", side="both").to_dict())
    )
    return data


def _on_the_midline(data: dict[str, Any]) -> None:
    # A square touching x = 0 (its mirror meets it): area and points made to agree.
    data["placement"]["shape"]["vertices"]["value"] = [[0, -60], [20, -60], [20, -40], [0, -40]]
    data["area"]["value"] = 4.0


@pytest.mark.parametrize(
    ("change", "parameter"),
    [
        (lambda d: d.__setitem__("location", {"side": "both"}), "placement.mirrored"),
        (lambda d: d["location"].__setitem__("side", "left"), "placement.mirrored"),
        (lambda d: d["placement"].__setitem__("pattern", "fan"), "placement.pattern"),
        (lambda d: d["placement"].__setitem__("mirrored", "yes"), "mirrored"),
        (lambda d: d["area"].__setitem__("value", 12.0), "area"),
        (_on_the_midline, "mirrored"),
    ],
)
def test_a_stored_plan_over_both_sides_plan_could_not_have_made_is_refused(
    change: Any, parameter: str
) -> None:
    data = _both_json()
    change(data)
    with pytest.raises(MesocalcError) as info:
        mesocalc.Plan.from_dict(data)
    assert info.value.parameter is not None
    assert info.value.parameter.endswith(parameter)

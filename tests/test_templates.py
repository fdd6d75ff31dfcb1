"""Site templates: outlines in the chart frame, scaled by Anatomy, mirrored by side; keep-outs."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings

import mesocalc
from mesocalc._engine.files import read_text
from mesocalc._geometry import templates as _templates
from mesocalc._geometry.shapes import polygon_of
from mesocalc.exceptions import (
    CatalogError,
    DomainError,
    InputTypeError,
    InvalidValueError,
    MesocalcError,
    UnknownNameError,
)
from tests.strategies import anatomies

SITES = mesocalc.sites()
TEXT = read_text("templates.toml")


def _side(site: mesocalc.Site) -> str | None:
    return "right" if site.paired else None


@pytest.mark.parametrize("site", SITES, ids=lambda s: s.name)
def test_every_site_has_an_outline_in_a_view(site: mesocalc.Site) -> None:
    shape = site.outline(side=_side(site))
    assert isinstance(shape, mesocalc.Polygon)
    assert shape.area.to("cm^2").magnitude > 1
    assert _templates.view_of(site).name in {
        "face-front",
        "face-profile",
        "body-front",
        "body-back",
    }


@pytest.mark.parametrize("site", [s for s in SITES if s.paired], ids=lambda s: s.name)
def test_the_left_is_the_mirror_of_the_right(site: mesocalc.Site) -> None:
    right = site.outline(side="right").vertices.to("mm").magnitude
    left = site.outline(side="left").vertices.to("mm").magnitude
    mirrored = right[::-1] * np.array([-1.0, 1.0])
    assert np.allclose(left, mirrored)
    assert site.outline(side="left").area.magnitude == pytest.approx(
        site.outline(side="right").area.magnitude
    )


def test_front_view_draws_the_right_cheek_on_the_viewers_left() -> None:
    cheek = mesocalc.Site.named("cheek")
    assert (cheek.outline(side="right").vertices.magnitude[:, 0] < 0).all()
    assert (cheek.outline(side="left").vertices.magnitude[:, 0] > 0).all()


def test_the_reference_adult_is_the_midpoint_of_the_sources_groups() -> None:
    ref = mesocalc.Anatomy.reference()
    assert ref.face_width.to("mm").magnitude == pytest.approx((130.1 + 133.8) / 2)
    assert ref.face_height.to("mm").magnitude == pytest.approx(
        (47.6 + 51.0) / 2 + (69.5 + 76.4) / 2
    )
    # The reference adult draws the same outline as no anatomy at all.
    cheek = mesocalc.Site.named("cheek")
    assert cheek.outline("left", ref).area == cheek.outline("left").area


def test_anatomy_scales_a_view_about_its_origin() -> None:
    ref = mesocalc.Anatomy.reference()
    cheek = mesocalc.Site.named("cheek")
    wide = mesocalc.Anatomy(face_width=ref.face_width * 1.1, face_height=ref.face_height * 0.9)
    base = cheek.outline("right").vertices.magnitude
    scaled = cheek.outline("right", wide).vertices.magnitude
    assert np.allclose(scaled, base * np.array([1.1, 0.9]))
    # The body's measurements do not touch the face, nor the face's the body.
    assert (
        cheek.outline("right", mesocalc.Anatomy(stature="2 m")).area == cheek.outline("right").area
    )
    back = mesocalc.Site.named("back")
    tall = back.outline(anatomy=mesocalc.Anatomy(stature=ref.stature * 1.5))
    assert tall.area.magnitude == pytest.approx(back.outline().area.magnitude * 1.5)


@settings(max_examples=30, deadline=None)
@given(anatomy=anatomies())
def test_outlines_scale_to_any_anatomy(anatomy: mesocalc.Anatomy) -> None:
    for site in SITES:
        shape = site.outline(side=_side(site), anatomy=anatomy)
        assert polygon_of(shape).is_valid


def test_anatomy_stores_sex_and_age_and_says_what_it_was_given() -> None:
    a = mesocalc.Anatomy(face_height="11 cm", sex="F", age=42)
    assert a.sex is mesocalc.Sex.FEMALE
    assert a.age == 42.0
    assert a.face_width is None
    assert a.stature is None
    assert a.hip_width is None
    assert repr(a) == "Anatomy(face_height=110 mm, sex=female, age=42)"
    assert repr(mesocalc.Anatomy()) == "Anatomy()"


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("face_height", "1 mm", DomainError),
        ("face_height", "2 m", DomainError),
        ("face_width", "-3 cm", DomainError),
        ("stature", "4 m", DomainError),
        ("hip_width", "1 cm", DomainError),
        ("face_height", 120, MesocalcError),
        ("age", 131, InvalidValueError),
        ("age", -1, InvalidValueError),
        ("age", float("nan"), InvalidValueError),
        ("age", "forty", InputTypeError),
        ("age", True, InputTypeError),
        ("sex", "other", UnknownNameError),
        ("sex", 3, InputTypeError),
    ],
)
def test_anatomy_out_of_any_human_range_names_the_field(
    field: str, value: Any, error: type[MesocalcError]
) -> None:
    with pytest.raises(error) as info:
        mesocalc.Anatomy(**{field: value})
    assert info.value.parameter == field


def _mesh(**points: tuple[float, ...]) -> np.ndarray[Any, Any]:
    mesh = np.zeros((468, 3))
    for name, xyz in points.items():
        mesh[_templates.MEDIAPIPE[name]] = xyz
    return mesh


def test_anatomy_from_mediapipe_landmarks() -> None:
    mesh = _mesh(nasion=(0, 0, 0), menton=(0, -12, 1), zygion_right=(-6.5, -2, -3))
    mesh[454] = (6.5, -2, -3)
    a = mesocalc.Anatomy.from_landmarks(mesh, unit="cm", sex="male")
    assert a.face_width.to("mm").magnitude == pytest.approx(130.0)
    assert a.face_height.to("mm").magnitude == pytest.approx(10 * np.hypot(12, 1))
    assert a.sex is mesocalc.Sex.MALE
    two_d = {168: (0.0, 0.0), 152: (0.0, -120.0), 234: (-60.0, 0.0), 454: (60.0, 0.0)}
    assert mesocalc.Anatomy.from_landmarks(two_d, unit="mm").face_width.magnitude == 120.0


@pytest.mark.parametrize(
    "points",
    [
        {168: (0, 0), 152: (0, -120), 234: (-60, 0)},  # 454 missing
        np.zeros((200, 3)),  # too few rows
        {168: (0, 0), 152: (0, "x"), 234: (-60, 0), 454: (60, 0)},
        {168: (0, 0), 152: (0, float("nan")), 234: (-60, 0), 454: (60, 0)},
        {168: (0, 0), 152: (0, 1, 2, 3), 234: (-60, 0), 454: (60, 0)},
        {168: "0 0", 152: (0, -120), 234: (-60, 0), 454: (60, 0)},
        {168: None, 152: (0, -120), 234: (-60, 0), 454: (60, 0)},
    ],
)
def test_a_landmark_set_missing_points_names_points(points: Any) -> None:
    with pytest.raises(InvalidValueError) as info:
        mesocalc.Anatomy.from_landmarks(points, unit="mm")
    assert info.value.parameter == "points"


def test_landmarks_refuse_other_kinds_schemes_and_units() -> None:
    with pytest.raises(InputTypeError) as info:
        mesocalc.Anatomy.from_landmarks(42, unit="mm")
    assert info.value.parameter == "points"
    with pytest.raises(UnknownNameError) as unknown:
        mesocalc.Anatomy.from_landmarks({}, scheme="dlib", unit="mm")
    assert unknown.value.parameter == "scheme"
    with pytest.raises(MesocalcError) as unit:
        mesocalc.Anatomy.from_landmarks({}, unit="furlong-ish")
    assert unit.value.parameter == "unit"
    same = {168: (0, 0), 152: (0, 0), 234: (-60, 0), 454: (60, 0)}  # a face of no height
    with pytest.raises(DomainError) as flat:
        mesocalc.Anatomy.from_landmarks(same, unit="mm")
    assert flat.value.parameter == "face_height"


@pytest.mark.parametrize(
    ("site", "side", "detail"),
    [
        ("chin", "left", "midline"),
        ("submental", "both", "midline"),
        ("cheek", None, "paired"),
        ("cheek", "both", "one side"),
    ],
)
def test_outline_side_must_fit_the_site(site: str, side: Any, detail: str) -> None:
    with pytest.raises(InvalidValueError) as info:
        mesocalc.Site.named(site).outline(side=side)
    assert info.value.parameter == "side"
    assert detail in str(info.value)


def test_outline_refuses_a_side_or_anatomy_of_another_kind() -> None:
    with pytest.raises(UnknownNameError) as side:
        mesocalc.Site.named("cheek").outline(side="up")
    assert side.value.parameter == "side"
    with pytest.raises(InputTypeError) as anatomy:
        mesocalc.Site.named("cheek").outline(side="left", anatomy={"face_height": "12 cm"})
    assert anatomy.value.parameter == "anatomy"


def test_deoxycholic_acid_keeps_out_of_the_band_below_the_mandible() -> None:
    submental = mesocalc.Site.named("submental")
    assert submental.keep_out() == ()
    zones = submental.keep_out(product="Kybella")
    assert [z.name for z in zones] == ["mandible-band", "above-mandible"]
    band = zones[0]
    assert band.source == ("KYB-BAND", "KYB-ISI")
    assert band.basis is mesocalc.Basis.DERIVED
    ys = band.shape.vertices.to("mm").magnitude[:, 1]
    # 1.5 cm below the template's mandible border, the wider end of the label's 1-1.5 cm.
    assert ys.max() - ys.min() == pytest.approx(15 + 122.3 - 95)
    assert "KeepOut mandible-band" in repr(band)
    assert [z.name for z in mesocalc.Site.named("jawline").keep_out("deoxycholic acid")] == [
        "mandible-band",
        "above-mandible",
    ]
    assert mesocalc.Site.named("cheek").keep_out("deoxycholic acid") == ()


def test_a_product_object_names_its_keep_outs() -> None:
    kyb = mesocalc.product("deoxycholic acid")
    assert len(mesocalc.Site.named("submental").keep_out(kyb)) == 2
    with pytest.raises(InputTypeError) as info:
        mesocalc.Site.named("submental").keep_out(3)
    assert info.value.parameter == "product"


def test_the_orbit_is_kept_out_of_periorbital_sites_unsourced() -> None:
    site = mesocalc.Site.named("periorbital")
    both = site.keep_out()
    assert len(both) == 2
    assert all(z.basis is mesocalc.Basis.UNSOURCED for z in both)
    assert all(z.source == () for z in both)
    (right,) = site.keep_out(side="right")
    (left,) = site.keep_out(side="left")
    assert (right.shape.vertices.magnitude[:, 0] < 0).all()
    assert (left.shape.vertices.magnitude[:, 0] > 0).all()
    assert len(site.keep_out(side="both")) == 2
    # The orbit overlaps the drawn periorbital site: a plan there is cut.
    assert polygon_of(site.outline("right")).intersects(polygon_of(right.shape))


def test_keep_out_refuses_a_side_on_a_midline_site() -> None:
    with pytest.raises(InvalidValueError) as info:
        mesocalc.Site.named("submental").keep_out("kybella", side="left")
    assert info.value.parameter == "side"


def test_cut_takes_keep_outs_out_of_a_shape() -> None:
    site = mesocalc.Site.named("submental")
    zones = site.keep_out("kybella")
    rest = _templates.cut(site.outline(), zones)
    assert rest is not None
    assert rest.area < site.outline().area
    assert not polygon_of(rest).intersects(polygon_of(zones[0].shape).buffer(-1e-6))
    assert _templates.cut(site.outline(), ()) is None
    jaw = mesocalc.Site.named("jawline")
    with pytest.raises(InvalidValueError, match="cover it all") as info:
        _templates.cut(jaw.outline("left"), jaw.keep_out("kybella"), "site")
    assert info.value.parameter == "site"
    bar = mesocalc.Polygon(
        [("-5 mm", "-150 mm"), ("5 mm", "-150 mm"), ("5 mm", "-100 mm"), ("-5 mm", "-100 mm")]
    )
    with pytest.raises(InvalidValueError, match="pieces"):
        _templates.cut(bar, [site.keep_out("kybella")[0]])


def _broken(old: str, new: str) -> str:
    assert old in TEXT
    return TEXT.replace(old, new, 1)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("[[", "templates.toml"),
        (_broken('view = "face-front"', 'view = "face-top"'), "outlines.forehead.view"),
        (_broken("[outlines.forehead]", "[outlines.foreheads]"), "outlines.foreheads"),
        (_broken("[outlines.glabella]", "[other.glabella]"), "other"),
        (_broken('basis = "derived"', 'basis = "guessed"'), "outlines.forehead.basis"),
        (_broken("vertices = [[-48, 18]", "vertices = [[-48]"), "outlines.forehead.vertices[0]"),
        (
            _broken("vertices = [[-48, 18]", "vertices = [[-48, true]"),
            "outlines.forehead.vertices[0][1]",
        ),
        (_broken('scale_x = "face_width"', 'scale_x = "ear_width"'), "views.face-front.scale_x"),
        (
            _broken('source = ["KYB-BAND", "KYB-ISI"]', 'source = ["KYB-BEND"]'),
            "keep_out.mandible-band.source",
        ),
        (_broken('sites = ["periorbital"]', 'sites = ["eyeball"]'), "keep_out.orbit.sites"),
        (_broken('[]\nside = "right"', '[]\nside = "up"'), "keep_out.orbit.side"),
        (
            _broken('source = []\nbasis = "unsourced"', 'source = []\nbasis = "derived"'),
            "keep_out.orbit.source",
        ),
        (_broken("low = 130.1, high", "low = 140.1, high"), "reference.face_width.high"),
        (
            _broken(
                "[reference]\n", "[reference]\near = { low = 1, high = 2, measure = 'ear' }\n"
            ),
            "reference",
        ),
        (_broken("holes = [[", "holes = 3 #[["), "outlines.perioral.holes"),
        (
            _broken("vertices = [[-48, 18]", "vertices = 3 #[[-48, 18]"),
            "outlines.forehead.vertices",
        ),
        (_broken("lower_face_height = {", "lower_face = {"), "reference"),
    ],
)
def test_a_broken_templates_file_names_the_key(text: str, where: str) -> None:
    with pytest.raises(CatalogError) as info:
        _templates.parse_templates(text)
    assert where in info.value.parameter


def test_a_templates_file_without_a_site_names_it() -> None:
    start = TEXT.index("[outlines.knee]")
    end = TEXT.index("[outlines.", start + 1)
    with pytest.raises(CatalogError, match="knee"):
        _templates.parse_templates(TEXT[:start] + TEXT[end:])

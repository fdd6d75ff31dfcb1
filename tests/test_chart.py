"""Injection charts: standalone SVG documents, parsed back and checked element by element."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mesocalc
from mesocalc._geometry.chart import MAX_MARKS, ChartArea, render
from mesocalc._geometry.templates import view_of
from tests.strategies import anatomies, shaped_requests
from tests.test_site_plans import KYB, SITES, TECHNIQUES

SVG = "{http://www.w3.org/2000/svg}"


def _parsed(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def _all(root: ET.Element, tag: str, cls: str | None = None) -> list[ET.Element]:
    found = root.iter(f"{SVG}{tag}")
    return [e for e in found if cls is None or e.get("class") == cls]


def _self_contained(root: ET.Element) -> None:
    """No script, no event handler, no reference to anything outside the document."""
    for element in root.iter():
        assert element.tag.rsplit("}", 1)[-1] not in {"script", "foreignObject", "image", "use"}
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), name
            assert "href" not in name, name
            assert "url(" not in value
            assert "http" not in value.replace(SVG[1:-1], "")


SQUARE = mesocalc.Rectangle(width="30 mm", height="20 mm")


def test_a_plan_on_a_shape_charts_its_outline_and_numbered_points() -> None:
    p = mesocalc.plan(technique="classic", zone="face", area=SQUARE)
    chart = p.chart()
    root = _parsed(chart.svg)
    _self_contained(root)
    assert root.get("viewBox", "").startswith("0 0 ")
    assert chart.points == p.points == 6
    assert str(chart) == chart.svg == p._repr_svg_() == chart._repr_svg_()
    dots = _all(root, "circle", "point")
    numbers = [e.text for e in _all(root, "text", "number")]
    assert len(dots) == p.points
    assert numbers == [str(k) for k in range(1, p.points + 1)]
    assert len(_all(root, "path", "outline")) == 1
    legend = " ".join(e.text or "" for e in _all(root, "text"))
    assert "1.5 mm deep" in legend
    assert "0.01 mL each" in legend
    assert "classic on the face" in legend
    assert "6 points" in repr(chart)
    # The scale bar and the points agree: px per mm of the bar is px per mm between points.
    (bar,) = _all(root, "line")
    label = next(e.text for e in _all(root, "text") if (e.text or "").endswith(" mm"))
    bar_px = float(bar.get("x2", "nan")) - float(bar.get("x1", "nan"))
    bar_mm = float((label or "").removesuffix(" mm"))
    step_px = float(dots[1].get("cx", "nan")) - float(dots[0].get("cx", "nan"))
    assert bar_px / bar_mm == pytest.approx(step_px / p.spacing.to("mm").magnitude)


def test_the_chart_keeps_the_layout_order_and_flips_y_upwards() -> None:
    p = mesocalc.plan(technique="classic", zone="face", area=SQUARE)
    assert isinstance(p.layout, mesocalc.Layout)
    xy = p.layout.points.magnitude
    dots = _all(_parsed(p.chart().svg), "circle", "point")
    cx = [float(d.get("cx", "nan")) for d in dots]
    cy = [float(d.get("cy", "nan")) for d in dots]
    for i in range(len(dots)):
        for j in range(len(dots)):
            if xy[i, 0] < xy[j, 0]:
                assert cx[i] < cx[j]
            if xy[i, 1] < xy[j, 1]:  # higher in the frame is higher on the page
                assert cy[i] > cy[j]


def test_retrograde_threads_are_lines_and_their_entries_numbered() -> None:
    p = mesocalc.plan(
        technique="retrograde",
        zone="face",
        area=mesocalc.Circle(radius="20 mm"),
        volume_per_point="0.05 mL",
    )
    root = _parsed(p.chart().svg)
    threads = p.layout
    assert isinstance(threads, mesocalc.Threads)
    assert len(_all(root, "line")) == len(threads) + 1  # and the scale bar
    assert len(_all(root, "circle", "point")) == len(threads.entries.magnitude)
    assert any("threads" in (e.text or "") for e in _all(root, "text"))


def test_a_plan_without_a_shape_has_no_chart() -> None:
    p = mesocalc.plan(technique="classic", zone="face", area="40 cm^2")
    with pytest.raises(mesocalc.InvalidValueError) as info:
        p.chart()
    assert info.value.parameter == "area"
    assert p._repr_svg_() is None


def test_more_points_than_a_chart_shows_is_refused() -> None:
    big = mesocalc.Rectangle(width="300 mm", height="300 mm")
    p = mesocalc.plan(technique="nappage", zone="abdomen", area=big)
    assert p.points > MAX_MARKS
    with pytest.raises(mesocalc.InvalidValueError) as info:
        p.chart()
    assert info.value.parameter == "points"
    assert p._repr_svg_() is None


def _session() -> mesocalc.Session:
    return mesocalc.Session.from_requests(
        [
            {"technique": "classic", "zone": "hands", "area": SQUARE, "side": "left"},
            {
                "technique": "retrograde",
                "zone": "hands",
                "area": SQUARE,
                "side": "right",
                "volume_per_point": "0.05 mL",
            },
            {"technique": "classic", "zone": "neck", "area": "10 cm^2"},
        ]
    )


def test_a_session_numbers_its_points_across_areas_and_colours_them_by_technique() -> None:
    s = _session()
    chart = s.chart()
    root = _parsed(chart.svg)
    _self_contained(root)
    drawn = s.plans[0].points + len(s.plans[1].layout.entries.magnitude)  # type: ignore[union-attr]
    assert chart.points == drawn
    numbers = [e.text for e in _all(root, "text", "number")]
    assert numbers == [str(k) for k in range(1, drawn + 1)]
    colours = {d.get("fill") for d in _all(root, "circle", "point")}
    assert len(colours) == 2  # classic and retrograde
    assert len(_all(root, "g", "view")) == 2  # the area without a shape is not drawn
    legend = " ".join(e.text or "" for e in _all(root, "text"))
    assert "classic on the hands, left" in legend
    assert "retrograde on the hands, right" in legend
    assert "not drawn: classic on the neck" in legend
    assert "with no shape" in legend
    assert s._repr_svg_() == chart.svg


def test_a_session_without_any_shape_has_no_chart() -> None:
    p = mesocalc.plan(technique="classic", zone="face", area="40 cm^2")
    s = mesocalc.Session(plans=[p])
    with pytest.raises(mesocalc.InvalidValueError) as info:
        s.chart()
    assert info.value.parameter == "plans"
    assert s._repr_svg_() is None


def test_keep_out_zones_are_shaded_with_their_reason_and_views_share_a_panel() -> None:
    ring = ((0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0))
    band = ((0.0, -5.0), (10.0, -5.0), (10.0, -2.0), (0.0, -2.0))
    areas = [
        ChartArea(
            label="a", technique="classic", view="front", outline=(ring,),
            keep_out=((band, "a band the label keeps free"),), points=((5.0, 5.0),),
        ),
        ChartArea(label="b", technique="classic", view="front", points=((2.0, 2.0),)),
        ChartArea(label="c", technique="nappage", view="back", points=((2.0, 2.0),)),
    ]  # fmt: skip
    chart = render(areas, templates={"front": (ring,)})
    root = _parsed(chart.svg)
    assert chart.views == ("front", "back")
    shaded = _all(root, "path", "keep-out")
    assert len(shaded) == 1
    assert shaded[0].find(f"{SVG}title").text == "a band the label keeps free"  # type: ignore[union-attr]
    assert len(_all(root, "path", "template")) == 1
    assert "shaded" in " ".join(e.text or "" for e in _all(root, "text"))


def test_hostile_words_are_escaped_and_the_document_stays_well_formed() -> None:
    hostile = '<script>alert("x")</script> & "quotes" \' ]]> <!--'
    area = ChartArea(
        label=hostile, technique=hostile, legend=hostile, points=((0.0, 0.0),), view=hostile
    )
    root = _parsed(render([area], title=hostile).svg)
    _self_contained(root)
    assert root.find(f"{SVG}title").text == hostile  # type: ignore[union-attr]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(request=shaped_requests(high=40.0))
def test_every_point_of_a_charted_plan_is_numbered_inside_the_drawing(
    request: dict[str, Any],
) -> None:
    try:
        p = mesocalc.plan(**request)
    except mesocalc.MesocalcError:
        return  # the planner refused it: nothing to chart
    assert isinstance(p, mesocalc.Plan)
    root = _parsed(p.chart().svg)
    width, height = float(root.get("width", "0")), float(root.get("height", "0"))
    dots = _all(root, "circle", "point")
    assert [e.text for e in _all(root, "text", "number")] == [
        str(k) for k in range(1, len(dots) + 1)
    ]
    for dot in dots:
        assert 0.0 <= float(dot.get("cx", "nan")) <= width
        assert 0.0 <= float(dot.get("cy", "nan")) <= height


def test_a_chart_refuses_an_anatomy_that_is_not_one() -> None:
    p = mesocalc.plan(technique="classic", zone="face", area=SQUARE)
    with pytest.raises(mesocalc.InputTypeError) as info:
        p.chart(anatomy="tall")  # type: ignore[arg-type]
    assert info.value.parameter == "anatomy"
    assert p.chart(anatomy=mesocalc.Anatomy(face_height="12 cm")).points == p.points


def _site_session(**request: Any) -> mesocalc.Session:
    return mesocalc.Session(
        plans=[
            mesocalc.plan(technique="classic", site="cheek", side="right"),
            mesocalc.plan(technique="classic", site="periorbital", side="right"),
            mesocalc.plan(technique="papular", site="forehead"),
        ],
        **request,
    )


def test_plans_on_sites_share_their_view_over_the_template_with_keep_outs_shaded() -> None:
    s = _site_session()
    chart = s.chart()
    root = _parsed(chart.svg)
    _self_contained(root)
    assert chart.views == ("face-front",)
    assert len(_all(root, "g", "view")) == 1
    assert len(_all(root, "path", "template")) == 1
    assert len(_all(root, "path", "outline")) == 3
    (orbit,) = _all(root, "path", "keep-out")  # the periorbital site's, inside the orbital rim
    assert "orbit" in (orbit.find(f"{SVG}title").text or "")  # type: ignore[union-attr]
    assert [e.text for e in _all(root, "text", "number")] == [
        str(k) for k in range(1, s.points + 1)
    ]
    assert len({d.get("fill") for d in _all(root, "circle", "point")}) == 2


def test_every_view_of_the_frame_is_a_panel_of_its_own() -> None:
    plans = [
        mesocalc.plan(technique="papular", site="scalp-vertex"),
        mesocalc.plan(technique="classic", site="hand-dorsum", side="left"),
        mesocalc.plan(technique="classic", zone="face", area=SQUARE),
    ]
    chart = mesocalc.Session(plans=plans).chart()
    assert chart.views[:2] == ("face-profile", "body-back")
    assert chart.views[2].startswith("3. classic on the face")


def test_the_template_follows_the_anatomy_given_and_a_bad_product_is_named() -> None:
    p = mesocalc.plan(technique="classic", site="cheek", side="left")
    wide = mesocalc.Anatomy(face_width="15 cm")
    assert p.chart(anatomy=wide).svg != p.chart().svg
    with pytest.raises(mesocalc.InputTypeError) as info:
        p.chart(product=3)
    assert info.value.parameter == "product"


def test_a_products_own_keep_out_is_shaded_on_its_sessions_chart() -> None:
    kyb = mesocalc.product("deoxycholic acid")
    chin = mesocalc.plan(technique="infiltration", site="submental", product=kyb)
    bare = mesocalc.Session(plans=[chin]).chart()
    with_label = mesocalc.Session(plans=[chin], product=kyb).chart()
    assert len(_all(_parsed(with_label.svg), "path", "keep-out")) > len(
        _all(_parsed(bare.svg), "path", "keep-out")
    )


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    site=st.sampled_from(SITES),
    anatomy=anatomies(low=0.8, high=1.3),
    left=st.booleans(),
    kyb=st.booleans(),
)
def test_every_site_plan_is_charted_whole_in_its_view_with_its_keep_outs(
    site: mesocalc.Site, anatomy: mesocalc.Anatomy, left: bool, kyb: bool
) -> None:
    side = ("left" if left else "right") if site.paired else None
    product = "deoxycholic acid" if kyb and site.name in KYB else None
    p = mesocalc.plan(
        technique=TECHNIQUES[site.name], site=site, side=side, anatomy=anatomy, product=product
    )
    if p.points > MAX_MARKS:  # a large body site on a large patient: beyond one chart
        with pytest.raises(mesocalc.InvalidValueError) as refused:
            p.chart(anatomy=anatomy, product=product)
        assert refused.value.parameter == "points"
        return
    chart = p.chart(anatomy=anatomy, product=product)
    root = _parsed(chart.svg)
    assert chart.views == (view_of(site).name,)
    dots = _all(root, "circle", "point")
    assert len(dots) == chart.points == p.points
    width, height = float(root.get("width", "0")), float(root.get("height", "0"))
    for dot in dots:
        assert 0.0 <= float(dot.get("cx", "nan")) <= width
        assert 0.0 <= float(dot.get("cy", "nan")) <= height
    zones = site.keep_out(product, side=side, anatomy=anatomy)
    assert len(_all(root, "path", "keep-out")) == len(zones)

"""Notebook output and reprs: every plan kind renders, HTML is well-formed, values carry units."""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from typing import Any
from unittest import mock

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mesocalc
from mesocalc._catalog.catalog import default_catalog
from mesocalc._quantities.parameters import PARAMETERS
from mesocalc._quantities.validators import visible
from mesocalc._records import tables as _tables

from . import strategies as mst

SVG = "{http://www.w3.org/2000/svg}svg"
# One Markdown table row: two cells, with no unescaped "|" inside either.
MD_ROW = re.compile(r"\| (?:[^|\\]|\\.)+ \| (?:[^|\\]|\\.)* \|")

Shown = mesocalc.Plan | mesocalc.PlanArray | mesocalc.Session | mesocalc.Course


def _rows(obj: Shown) -> list[tuple[str, str]]:
    return obj.rows() if isinstance(obj, (mesocalc.Session, mesocalc.Course)) else obj._rows()


def _warnings(obj: Shown) -> tuple[str, ...]:
    if isinstance(obj, mesocalc.Session):
        return obj._merged_warnings()  # a warning the areas share, said once
    return obj._all_warnings() if isinstance(obj, mesocalc.Course) else obj.warnings


class _Balance(HTMLParser):
    """Checks that every tag the HTML opens is closed, in order (html.parser's view)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: Any) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        assert self.open, f"</{tag}> closes nothing"
        assert self.open.pop() == tag


def _as_parsed(text: str) -> str:
    """Text as an XML parser reads it back: line ends as "\\n", no control characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "\ufffd", text)


def check_markdown(obj: Shown) -> None:
    """The Markdown is one table: a header, then one row per quantity and per warning."""
    lines = obj._repr_markdown_().split("\n")
    assert lines[:2] == ["| quantity | value |", "|---|---|"]
    assert len(lines) == 2 + len(_rows(obj)) + len(_warnings(obj))
    for line in lines[2:]:
        assert MD_ROW.fullmatch(line), line
        assert "<" not in line  # no HTML for a notebook to render


def check_html(obj: Shown) -> ET.Element:
    """The HTML is well-formed XML: a table of every row and warning, texts as given."""
    page = obj._repr_html_()
    parser = _Balance()
    parser.feed(page)
    parser.close()
    assert parser.open == []
    root = ET.fromstring(page)
    assert root.tag == "div"
    table = root.find("table")
    assert table is not None
    assert table.findtext("caption")
    expected = [(_as_parsed(k), _as_parsed(v)) for k, v in _rows(obj)]
    expected += [("warning", _as_parsed(w)) for w in _warnings(obj)]
    found = [(tr[0].text or "", tr[1].text or "") for tr in table.iterfind("./tbody/tr")]
    assert found == expected
    return root


@given(mst.plans_of_every_kind())
def test_every_plan_kind_renders_as_markdown_and_html(
    p: mesocalc.Plan | mesocalc.PlanArray,
) -> None:
    repr(p)
    check_markdown(p)
    with mock.patch.object(_tables, "MAP_MAX", 0):  # the maps are drawn in the test below
        root = check_html(p)
    shaped = isinstance(p, mesocalc.Plan) and p.layout is not None
    assert (root.find("p") is not None) is shaped
    assert root.find(SVG) is None


@settings(max_examples=15)  # each map is a matplotlib figure: slower than the rest
@given(mst.plans_of_every_kind(kinds=("shaped", "threads", "injector")))
def test_a_plan_on_a_shape_shows_its_injection_map(p: mesocalc.Plan) -> None:
    root = check_html(p)
    svg = root.find(SVG)
    assert svg is not None
    assert root.find("p") is None


@pytest.mark.parametrize("shape", mst.ARRAY_SHAPES)
def test_plans_over_arrays_of_any_shape_render(shape: tuple[int, ...]) -> None:
    import numpy as np  # noqa: PLC0415

    from mesocalc._quantities.units import quantity  # noqa: PLC0415

    p = mesocalc.plan(
        technique="classic", zone="face", area=quantity(np.full(shape, 40.0), "cm^2")
    )
    assert isinstance(p, mesocalc.Plan if shape == () else mesocalc.PlanArray)
    check_markdown(p)
    check_html(p)
    assert "warnings>" not in repr(p)  # one warning is "1 warning"


def test_plans_over_arrays_show_ranges_and_counts() -> None:
    p = mesocalc.plan(technique="classic", zone="face", area=["40 cm^2", "40 cm^2"])
    assert "| points | 40 |" in p._repr_markdown_()  # not "40 to 40"
    assert repr(p) == (
        "<PlanArray classic on face, 2 areas of 40 cm²: 40 points, total 0.4 mL, 1 warning>"
    )
    empty = p[:0]
    assert repr(empty) == "<PlanArray classic on face, no areas (shape 0), 1 warning>"
    assert "| points | - |" in empty._repr_markdown_()


def test_a_large_map_is_left_out_and_a_plan_without_a_shape_has_none() -> None:
    big = mesocalc.plan(
        technique="classic", zone="face", area=mesocalc.Rectangle("30 cm", "40 cm"), spacing="5 mm"
    )
    assert big.points > _tables.MAP_MAX
    root = check_html(big)
    assert root.find(SVG) is None
    assert f"map of {big.points} points is left out" in (root.findtext("p") or "")
    plain = check_html(mesocalc.plan(technique="classic", zone="face", area="40 cm^2"))
    assert plain.find(SVG) is None
    assert plain.find("p") is None


def test_without_matplotlib_a_shaped_plan_renders_its_table_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    p = mesocalc.plan(technique="classic", zone="face", area=mesocalc.Circle("2 cm"))
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now fails
    root = check_html(p)
    assert root.find(SVG) is None


@given(mst.sessions())
def test_sessions_and_courses_render_as_markdown_and_html(session: mesocalc.Session) -> None:
    check_markdown(session)
    root = check_html(session)
    cells = [th.text or "" for th in root.iterfind("./table/tbody/tr/th")]
    assert sum(bool(re.match(r"\d+\. ", c)) for c in cells) == len(session.plans)
    product = session.product  # without its expiry: a later session would be past it
    course = mesocalc.Course.lay_out(
        list(session.plans),
        first=session.date,
        count=3,
        every=14,
        sides=list(session.sides),
        patient=session.patient,  # each session screens the patient as this one does
        override=session.override,  # and passes the summed session caps as it does
        product=None
        if product is None
        else mesocalc.Product(
            name=product.name, concentration=product.concentration, lot=product.lot
        ),
    )
    check_markdown(course)
    check_html(course)
    assert set(session.warnings) <= set(_warnings(course))  # the sessions' warnings shown too
    assert repr(course).startswith("<Course of 3 sessions, ")


def _visible(text: str) -> bool:
    return visible(text)  # zero-width and control characters alone are blank too


@given(st.text(min_size=1, max_size=60).filter(_visible), st.text(max_size=20).filter(_visible))
def test_texts_are_escaped_never_rendered(name: str, version: str) -> None:
    base = mesocalc.plan(technique="classic", zone="face", area="40 cm^2")
    p = attrs.evolve(base, protocol=mesocalc.Protocol(name=name, version=version))
    check_markdown(p)
    root = check_html(p)
    shown = {tr[0].text: tr[1].text for tr in root.iterfind("./table/tbody/tr")}
    assert shown["protocol"] == _as_parsed(str(p.protocol))


def test_markup_in_a_clinic_protocol_name_is_shown_as_text() -> None:
    base = mesocalc.plan(technique="classic", zone="face", area="40 cm^2")
    evil = mesocalc.Protocol(name="<script>alert(1)</script> | A&B", version="1\n2")
    p = attrs.evolve(base, protocol=evil)
    assert "<script>" not in p._repr_html_()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; | A&amp;B 1\n2" in p._repr_html_()
    assert "| protocol | &lt;script&gt;alert(1)&lt;/script&gt; \\| A&amp;B 1 2 |" in (
        p._repr_markdown_()
    )


# Value objects: magnitudes with their units, never a private field's bare number.


def test_ranges_read_in_words_with_their_units() -> None:
    face = mesocalc.spec("classic", "face")
    assert repr(face.depth) == "Range(depth: 1 to 2 mm, nominal 1.5 mm, stated, source SEED3)"
    assert repr(face.loss_fraction) == "Range(loss_fraction: 0 to 0.5, nominal 0, unsourced)"
    assert repr(mesocalc.spec("classic", "eyelid").depth) == (
        "Range(depth: at most 0.626 mm, nominal 0.5 mm, hard, derived, "
        "source SEED3, LEEHWANG02, PERRIN08)"
    )
    about = mesocalc.spec("retrograde", "face").depth
    assert repr(about) == "Range(depth: about 2 mm, stated, source MESO-ES)"


def test_override_records_show_the_value_with_its_unit() -> None:
    p = mesocalc.plan(
        technique="classic",
        zone="face",
        area="40 cm^2",
        depth="2.2345 mm",
        loss_fraction=0.6,
        override=mesocalc.Override(reason="thick skin", by="Dr Rossi"),
    )
    depth, loss = p.overrides
    assert repr(depth) == (
        "OverrideRecord(parameter='depth', value='2.2345 mm', allowed='1 to 2 mm', "
        "source='SEED3', reason='thick skin', by='Dr Rossi')"
    )
    assert "value=0.6," in repr(loss)  # a fraction, as it is passed in
    again = mesocalc.OverrideRecord.from_dict(depth.to_dict())
    assert again == depth
    assert hash(again) == hash(depth)  # equality and hashing are attrs' own still


def test_caps_products_and_labels_show_units() -> None:
    cap = mesocalc.spec("infiltration", "submental").session
    assert cap is not None
    assert "max_volume='10 mL'" in repr(cap)
    kyb = mesocalc.product("deoxycholic acid", lot="B1")
    assert repr(kyb).startswith("Product(name='deoxycholic acid', concentration='10 mg/mL', ")
    assert "volume_per_injection='0.2 mL', grid='10 mm'" in repr(kyb.label)
    assert "max_volume='10 mL'" in repr(kyb.label)


def test_no_catalog_repr_shows_a_bare_magnitude() -> None:
    catalog = default_catalog()
    for entry in [*catalog.entries.values(), *catalog.unpublished.values()]:
        text = repr(entry)
        assert "magnitude" not in text
        for r in entry.ranges().values():
            unit = PARAMETERS[r.parameter].shown
            assert repr(r).startswith(f"Range({r.parameter}: ")
            assert unit in repr(r)
    for zone in mesocalc.Zone:
        assert "magnitude" not in repr(catalog.thickness(zone))

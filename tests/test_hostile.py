"""Hostile inputs (issue 13): each is a MesocalcError naming its parameter, and renders.

No test here is timed: a hang shows as a suite that does not finish, and the bounds that
prevent one (file size, entry count, nesting, the floor and ceiling of each parameter)
are checked by what they refuse.
"""

from __future__ import annotations

import copy
import math
import os
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mesocalc
from mesocalc._engine.files import MAX_ENTRIES, MAX_FILE_BYTES, parse_bounded
from mesocalc._quantities.units import quantity
from mesocalc._quantities.validators import visible
from tests import strategies as mst

_PLAIN: dict[str, Any] = {"technique": "classic", "zone": "face", "area": "40 cm^2"}


def _renders(error: mesocalc.MesocalcError) -> str:
    """The error's message, which renders briefly whatever the value it names."""
    text = str(error)
    assert text.startswith(f"{error.parameter}: ")
    assert len(text) < 2_000
    return text


# --- plan() ----------------------------------------------------------------------------------


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(mst.hostile_plan_keywords())
def test_every_hostile_plan_keyword_is_a_mesocalc_error_naming_it(case: tuple[str, Any]) -> None:
    name, value = case
    with pytest.raises(mesocalc.MesocalcError) as info:
        mesocalc.plan(**{**_PLAIN, name: value})
    assert info.value.parameter.split("[")[0] == name
    _renders(info.value)


@pytest.mark.parametrize("catalog", [0, {}, [], "", False, True, 1, "catalog", object()])
def test_a_catalog_that_is_not_a_catalog_is_refused_truthy_or_falsy(catalog: Any) -> None:
    with pytest.raises(mesocalc.InputTypeError, match="^catalog: "):
        mesocalc.plan(**_PLAIN, catalog=catalog)


@pytest.mark.parametrize("depth", [33, 40, 1_000, 100_000])
def test_nested_lists_of_any_depth_are_refused_with_a_message_that_renders(depth: int) -> None:
    area: Any = "1 cm^2"
    for _ in range(depth):
        area = [area]
    with pytest.raises(mesocalc.InputTypeError, match="nested too deeply") as info:
        mesocalc.plan(technique="classic", zone="face", area=area)
    assert info.value.parameter == "area"
    assert len(str(info.value)) < 400


def test_huge_integers_are_refused_not_overflowed() -> None:
    for value in (quantity(10**400, "millimeter ** 2"), [quantity(10**400, "millimeter ** 2")]):
        with pytest.raises(mesocalc.InvalidValueError, match="^area: .*too large"):
            mesocalc.plan(technique="classic", zone="face", area=value)
    with pytest.raises(mesocalc.InvalidValueError, match="^depth: "):
        mesocalc.plan(**_PLAIN, depth=quantity(10**400, "millimeter"))
    with pytest.raises(mesocalc.InvalidValueError, match="^loss_fraction: "):
        mesocalc.plan(**_PLAIN, loss_fraction=10**400)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("area", quantity(1e-320, "millimeter ** 2")),
        ("area", "1e-320 mm^2"),
        ("area", ["4 cm^2", "1e-12 mm2"]),
        ("depth", quantity(1e-320, "millimeter")),
        ("spacing", "1e-300 mm"),
        ("volume_per_point", quantity(5e-324, "milliliter")),
        ("angle", "1e-20 deg"),
        ("dose_per_area", "1e-15 mL/cm^2"),
    ],
)
def test_subnormal_and_tiny_magnitudes_fall_below_the_floor(name: str, value: Any) -> None:
    with pytest.raises(mesocalc.DomainError, match="too small to be a plan") as info:
        mesocalc.plan(**{**_PLAIN, name: value})
    assert info.value.parameter == name
    assert "at least 1e-09" in info.value.expected


def test_zero_stays_valid_where_the_domain_holds_it() -> None:
    # loss fractions, margins and dead spaces may be 0, so tiny ones compute as 0 does
    p = mesocalc.plan(technique="classic", zone="face", area="40 cm^2", loss_fraction=1e-300)
    assert p.loss_fraction == 1e-300


def test_a_plan_of_one_area_has_the_point_cap_of_an_array_plan() -> None:
    override = mesocalc.Override(reason="a test of the cap")
    for area in ("40 cm^2", ["40 cm^2"]):
        with pytest.raises(mesocalc.MesocalcError, match="^spacing: "):
            mesocalc.plan(
                technique="classic",
                zone="face",
                area=area,
                spacing="1e-7 mm" if isinstance(area, str) else ["1e-7 mm"],
                override=override if isinstance(area, str) else None,
            )


# --- free text -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "reason", ["\u200b", "\u200b\u200c\u200d", "\ufeff", "\u202e\u2066\u2069", " \u2060 ", "\x00"]
)
def test_a_reason_of_invisible_characters_is_blank(reason: str) -> None:
    with pytest.raises(mesocalc.InvalidValueError, match="^reason: .*blank"):
        mesocalc.Override(reason=reason)
    with pytest.raises(mesocalc.InvalidValueError, match="^by: .*blank"):
        mesocalc.Override(reason="seen by the patient", by=reason)


@given(mst.hostile_text(), st.none() | mst.hostile_text())
def test_an_override_takes_any_visible_reason_and_refuses_the_rest(
    reason: str, by: str | None
) -> None:
    if visible(reason) and (by is None or visible(by)):
        assert mesocalc.Override(reason=reason, by=by).reason == reason
    else:
        with pytest.raises(mesocalc.InvalidValueError) as info:
            mesocalc.Override(reason=reason, by=by)
        assert info.value.parameter in ("reason", "by")
        _renders(info.value)


@given(mst.invisible_text())
def test_a_product_name_of_invisible_characters_is_refused(name: str) -> None:
    with pytest.raises(mesocalc.InvalidValueError, match="^name: "):
        mesocalc.Product(name=name)


# --- equipment -------------------------------------------------------------------------------


@given(
    st.one_of(
        st.integers(min_value=10**309, max_value=10**400),
        st.floats(),
        st.booleans(),
        mst.hostile_text(),
        mst.nested_lists(),
    ),
    mst.hostile_quantities(mesocalc._quantities.units.Dim.LENGTH),
)
def test_hostile_needles_are_refused(gauge: Any, length: Any) -> None:
    with pytest.raises(mesocalc.MesocalcError) as info:
        mesocalc.Needle(gauge=gauge, length=length)
    assert info.value.parameter in ("gauge", "length")
    _renders(info.value)


@given(
    mst.hostile_quantities(mesocalc._quantities.units.Dim.VOLUME),
    st.one_of(st.just("0 uL"), mst.hostile_quantities(mesocalc._quantities.units.Dim.VOLUME)),
)
def test_hostile_syringes_are_refused(capacity: Any, dead_space: Any) -> None:
    with pytest.raises(mesocalc.MesocalcError) as info:
        mesocalc.Syringe(capacity=capacity, dead_space=dead_space)
    assert info.value.parameter in ("capacity", "dead_space")
    _renders(info.value)


@given(mst.hostile_quantities(mesocalc._quantities.units.Dim.CONCENTRATION))
def test_hostile_product_concentrations_are_refused(concentration: Any) -> None:
    with pytest.raises(mesocalc.MesocalcError) as info:
        mesocalc.Product(name="hyaluronic acid", concentration=concentration)
    assert info.value.parameter == "concentration"
    _renders(info.value)


@given(mst.hostile_quantities(mesocalc._quantities.units.Dim.BIOLOGICAL_CONCENTRATION))
def test_hostile_strengths_in_biological_units_are_refused(concentration: Any) -> None:
    with pytest.raises(mesocalc.MesocalcError) as info:
        mesocalc.Product(name="botulinum toxin A", concentration=concentration)
    assert info.value.parameter == "concentration"
    _renders(info.value)


@given(
    st.sampled_from(
        [mesocalc._quantities.units.Dim.BIOLOGICAL, mesocalc._quantities.units.Dim.MASS]
    ).flatmap(mst.hostile_quantities)
)
def test_hostile_amounts_are_refused(amount: Any) -> None:
    with pytest.raises(mesocalc.MesocalcError) as info:
        mesocalc.Product.reconstituted(name="botulinum toxin A", amount=amount, diluent="5 mL")
    assert info.value.parameter == "amount"
    _renders(info.value)


@given(mst.hostile_quantities(mesocalc._quantities.units.Dim.VOLUME))
def test_hostile_diluents_and_volumes_are_refused(volume: Any) -> None:
    with pytest.raises(mesocalc.MesocalcError) as info:
        mesocalc.Product.reconstituted(name="t", amount="100 U", diluent=volume)
    assert info.value.parameter.startswith("diluent")
    _renders(info.value)
    with pytest.raises(mesocalc.MesocalcError) as info:
        mesocalc.Product(name="t", concentration="20 U/mL").diluted(volume=volume, diluent="1 mL")
    assert info.value.parameter == "volume"
    _renders(info.value)


# --- layouts ---------------------------------------------------------------------------------


@given(
    st.sampled_from(["shape", "spacing", "margin", "lattice"]),
    st.data(),
)
def test_hostile_layout_arguments_are_refused(name: str, data: st.DataObject) -> None:
    dim = mesocalc._quantities.units.Dim.LENGTH
    value = {
        "shape": data.draw(mst.not_catalogs()),
        "spacing": data.draw(mst.hostile_quantities(dim)),
        "margin": data.draw(mst.hostile_quantities(dim).filter(lambda v: not _tiny(v))),
        "lattice": data.draw(
            mst.hostile_text().filter(lambda t: t.strip() not in ("square", "hex"))
        ),
    }[name]
    args: dict[str, Any] = {"shape": mesocalc.Rectangle("3 cm", "2 cm"), "spacing": "1 cm"}
    with pytest.raises(mesocalc.MesocalcError) as info:
        mesocalc.layout(**{**args, name: value})
    assert info.value.parameter.split("[")[0] == name
    _renders(info.value)


def _tiny(value: Any) -> bool:
    """A margin so small it computes as 0 does, which is valid."""
    try:
        m = mesocalc._quantities.units.magnitude(
            value, "margin", mesocalc._quantities.units.Dim.LENGTH
        )
    except mesocalc.MesocalcError:
        return False
    return 0.0 <= m < 1e-9


@pytest.mark.parametrize("side", [3, 5, 9, 31])
@pytest.mark.parametrize("spacing", [1.0, 0.7, 7.5])
def test_a_margin_one_ulp_beyond_half_the_width_keeps_the_centre(
    side: int, spacing: float
) -> None:
    width = side * spacing
    square = mesocalc.Rectangle(quantity(width, "millimeter"), quantity(width, "millimeter"))
    half = width / 2.0
    for margin in (half, math.nextafter(half, math.inf)):
        lay = mesocalc.layout(square, quantity(spacing, "millimeter"), margin=f"{margin!r} mm")
        assert len(lay) == 1
        assert lay.points.magnitude.tolist() == [[0.0, 0.0]]


def test_a_polygon_given_in_cm_keeps_its_size() -> None:
    square = mesocalc.Polygon(quantity(np.array([[0, 0], [1, 0], [1, 1], [0, 1]]), "centimeter"))
    assert square.area.to("cm^2").magnitude == pytest.approx(1.0)
    in_mm = mesocalc.Polygon(quantity(np.array([[0, 0], [10, 0], [10, 10], [0, 10]]), "mm"))
    assert square.area.to("mm^2").magnitude == pytest.approx(in_mm.area.to("mm^2").magnitude)


# --- pickled arrays --------------------------------------------------------------------------


def _arrays(obj: Any) -> list[np.ndarray[Any, Any]]:
    import attrs  # noqa: PLC0415

    out = []
    for field in attrs.fields(type(obj)):
        value = getattr(obj, field.name)
        if isinstance(value, np.ndarray):
            out.append(value)
    return out


@pytest.mark.parametrize("how", ["pickle", "deepcopy"])
def test_unpickled_plans_and_layouts_keep_read_only_arrays(how: str) -> None:
    shape = mesocalc.Rectangle("3 cm", "2 cm")
    objects = [
        mesocalc.plan(technique="classic", zone="face", area=["4 cm^2", "40 cm^2"]),
        mesocalc.layout(shape, "1 cm"),
        mesocalc.threads(shape, "1 cm", pattern="linear"),
    ]
    for obj in objects:
        again = pickle.loads(pickle.dumps(obj)) if how == "pickle" else copy.deepcopy(obj)
        arrays = _arrays(again)
        assert arrays
        for array in arrays:
            assert not array.flags.writeable
            with pytest.raises(ValueError, match="read-only"):
                array[(0,) * array.ndim] = 999
    plans = pickle.loads(pickle.dumps(objects[0]))
    with pytest.raises(ValueError, match="read-only"):
        plans.points[0] = 999


# --- files -----------------------------------------------------------------------------------


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(mst.hostile_files())
def test_any_file_is_a_catalog_error_or_a_catalog(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "file.toml"
    path.write_bytes(content)
    for load in (mesocalc.load_catalog, mesocalc.load_protocol):
        try:
            book = load(path)
        except mesocalc.CatalogError as error:
            _renders(error)
        else:
            assert isinstance(book, mesocalc.Catalog)


def test_files_that_are_not_regular_are_refused_unread(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for path in ("/dev/zero", tmp_path, fifo):
        for load in (mesocalc.load_catalog, mesocalc.load_protocol):
            with pytest.raises(mesocalc.CatalogError, match="not a regular file") as info:
                load(path)
            assert info.value.parameter == "path"


def test_a_large_file_is_refused_by_its_size_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.toml"
    with big.open("wb") as handle:
        handle.truncate(50_000_000)  # sparse: 50 MB that take no disk
    for load in (mesocalc.load_catalog, mesocalc.load_protocol):
        with pytest.raises(mesocalc.CatalogError, match="50,000,000 bytes"):
            load(big)


@pytest.mark.parametrize(
    "text",
    [
        "".join(f"[zones.z{i}]\n" for i in range(MAX_ENTRIES + 1)),
        "x = [" + "1," * MAX_ENTRIES + "]",
        "x" + ".x" * 16 + " = 1",
        "['a'" + ".'a'" * 16 + "]",
        "x = " + "[" * 5_000 + "]" * 5_000,
        "#" * (MAX_FILE_BYTES + 1),
    ],
)
def test_toml_text_is_bounded_before_it_is_parsed(text: str) -> None:
    with pytest.raises(mesocalc.CatalogError):
        parse_bounded(text, "clinic.toml", mesocalc.CatalogError)
    with pytest.raises(mesocalc.CatalogError):
        mesocalc.parse_catalog(text)
    with pytest.raises(mesocalc.CatalogError):
        mesocalc.parse_protocol(text)


def test_the_shipped_catalog_is_far_within_the_bounds() -> None:
    text = (Path(mesocalc.__file__).with_name("catalog.toml")).read_text(encoding="utf-8")
    assert len(text.encode()) * 10 < MAX_FILE_BYTES
    assert sum(text.count(c) for c in "=[,.") * 5 < MAX_ENTRIES
    assert parse_bounded(text, "catalog.toml", mesocalc.CatalogError)


# --- screening (issue 18) --------------------------------------------------------------------

_ANY = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=30)
    | st.lists(st.text(max_size=10) | st.integers(), max_size=3)
    | st.dictionaries(st.text(max_size=10) | st.integers(), st.floats() | st.text(), max_size=3)
    | st.just(np.array([1.0]))
    | st.just(10**400)
)
_FIELDS = [
    "pregnant", "breastfeeding", "lactating", "clotting_disorder", "capillary_fragility",
    "hypertension_stage", "skin_infection_at_site", "allergies", "recent_medications",
    "dysphagia", "thyromegaly", "cervical_lymphadenopathy", "keloid_history", "age",
]  # fmt: skip


@given(st.sampled_from(_FIELDS), _ANY)
def test_any_patient_answer_is_a_patient_or_an_error_naming_its_field(
    field: str, value: Any
) -> None:
    try:
        patient = mesocalc.Patient(**{field: value})
    except mesocalc.MesocalcError as error:
        name = "breastfeeding" if field == "lactating" else field
        assert error.parameter.startswith(name)
        _renders(error)
        return
    mesocalc.screen(patient)  # a Patient that was made screens


@given(_ANY.filter(lambda v: v is not None))
def test_any_session_patient_is_a_patient_or_refused_by_name(value: Any) -> None:
    with pytest.raises(mesocalc.InputTypeError) as info:
        mesocalc.Session(plans=[mesocalc.plan(**_PLAIN)], patient=value)
    assert info.value.parameter == "patient"
    _renders(info.value)

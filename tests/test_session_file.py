"""Session files (``mesocalc session FILE.toml``): any product, overrides and needles in TOML.

Errors name the file's key (``product``, ``areas[0].override.reason``) and say what to write
in the file, never what to pass in Python.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import mesocalc
from mesocalc._exchange.cli import main
from mesocalc._exchange.cli_files import _session, _session_areas, _session_product

_AREA = '[[areas]]\ntechnique = "classic"\nzone = "face"\narea = "40 cm^2"\n'
_DEEP = _AREA + 'depth = "2.2 mm"\n'  # a soft departure (1 to 2 mm on the face)
_PYTHON = ("mesocalc.", "Override(", "Needle(", "Syringe(", "=...)", "pass override")


def _file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "session.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def _refused(tmp_path: Path, text: str) -> mesocalc.MesocalcError:
    with pytest.raises(mesocalc.MesocalcError) as caught:
        _session(_file(tmp_path, text))
    return caught.value


# --- products ---------------------------------------------------------------------------------


def test_any_product_by_name_at_the_top(tmp_path: Path) -> None:
    top = 'product = "hyaluronic acid"\nlot = "HA-1"\nexpires = 2027-06-30\n'
    session = _session(_file(tmp_path, top + _AREA))
    assert session.product is not None
    assert (session.product.name, session.product.lot) == ("hyaluronic acid", "HA-1")
    assert str(session.product.expires) == "2027-06-30"
    assert session.product.label is None


def test_a_product_table_is_the_same_product(tmp_path: Path) -> None:
    top = 'product = "hyaluronic acid"\nconcentration = "20 mg/mL"\nlot = "HA-1"\n'
    table = 'product = { name = "hyaluronic acid", concentration = "20 mg/mL", lot = "HA-1" }\n'
    one = _session(_file(tmp_path, top + _AREA)).product
    other = _session(_file(tmp_path, table + _AREA)).product
    assert one == other
    assert one is not None
    assert str(one.concentration) == "20.0 milligram / milliliter"


def test_a_shipped_product_carries_its_label_and_a_label_is_given_by_name(
    tmp_path: Path,
) -> None:
    area = '[[areas]]\ntechnique = "infiltration"\nzone = "submental"\narea = "20 cm^2"\n'
    shipped = _session(_file(tmp_path, 'product = { name = " Deoxycholic Acid " }\n' + area))
    assert shipped.product == mesocalc.product("deoxycholic acid")
    assert shipped.points == 20  # the label's 1 cm grid
    labelled = 'product = "my preparation"\nlabel = "kybella"\n'
    session = _session(_file(tmp_path, labelled + area))
    assert session.product is not None
    assert session.product.label == mesocalc.product("deoxycholic acid").label
    assert session.product.name == "my preparation"


@pytest.mark.parametrize(
    ("text", "parameter"),
    [
        ('lot = "A1"\n', "lot"),
        ("expires = 2027-01-01\n", "expires"),
        ('concentration = "10 mg/mL"\n', "concentration"),
        ('label = "kybella"\n', "label"),
        ('product = { name = "x" }\nlot = "A1"\n', "lot"),
        ('product = { lot = "A1" }\n', "product.name"),
        ("product = 3\n", "product"),
        ('product = " "\n', "product"),
        ('product = { name = " " }\n', "product.name"),
        ('product = "x"\nlabel = "nothing"\n', "label"),
        ('product = "x"\nconcentration = "10 mm"\n', "concentration"),
        ('product = { name = "x", expires = "soon" }\n', "product.expires"),
    ],
)
def test_a_wrong_product_names_its_key(tmp_path: Path, text: str, parameter: str) -> None:
    error = _refused(tmp_path, text + _AREA)
    assert error.parameter == parameter
    assert str(error).startswith(f"{parameter}: ")


# --- misspelt keys ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "parameter", "near"),
    [
        ('prodcut = "x"\n' + _AREA, "file", "product"),
        ('product = { name = "x", lto = "A1" }\n' + _AREA, "product.lto", "lot"),
        (_AREA + 'dpeth = "1 mm"\n', "areas[0].dpeth", "depth"),
        (_AREA + 'overide = { reason = "x" }\n', "areas[0].overide", "override"),
        (_AREA + 'override = { resaon = "x" }\n', "areas[0].override.resaon", "reason"),
        ('needle = { guage = 30, length = "4 mm" }\n' + _AREA, "needle.guage", "gauge"),
    ],
)
def test_a_misspelt_key_gets_a_suggestion(
    tmp_path: Path, text: str, parameter: str, near: str
) -> None:
    error = _refused(tmp_path, text)
    assert isinstance(error, mesocalc.UnknownNameError)
    assert error.parameter == parameter
    assert error.suggestions == (near,)
    assert f"did you mean {near!r}?" in str(error)


# --- overrides and needles --------------------------------------------------------------------


def test_an_area_override_departs_from_a_range_and_is_recorded(tmp_path: Path) -> None:
    text = _DEEP + 'override = { reason = "thick skin on ultrasound", by = "Dr Rossi" }\n'
    session = _session(_file(tmp_path, text))
    (departure,) = session.overrides
    assert departure.parameter == "depth"
    assert any("overridden by Dr Rossi: thick skin" in w for w in session.warnings)


def test_a_session_override_and_needle_hold_for_every_area_without_their_own(
    tmp_path: Path,
) -> None:
    top = 'override = { reason = "thick skin" }\nneedle = { gauge = 30, length = "4 mm" }\n'
    own = 'override = { reason = "own reason", by = "Dr B" }\n'
    own += 'needle = { gauge = "32G", length = "4 mm" }\n'
    session = _session(_file(tmp_path, top + _DEEP + _DEEP + own))
    first, second = session.plans
    assert [(r.reason, r.by) for r in first.overrides] == [("thick skin", None)]
    assert [(r.reason, r.by) for r in second.overrides] == [("own reason", "Dr B")]
    assert first.needle == mesocalc.Needle(gauge=30, length="4 mm")
    assert second.needle == mesocalc.Needle(gauge=32, length="4 mm")


@pytest.mark.parametrize(
    ("text", "parameter"),
    [
        (_DEEP + 'override = "thick skin"\n', "areas[0].override"),
        (_DEEP + 'override = { by = "Dr Rossi" }\n', "areas[0].override.reason"),
        (_DEEP + 'override = { reason = "  " }\n', "areas[0].override.reason"),
        ('override = { reason = "x", by = 3 }\n' + _DEEP, "override.by"),
        (_AREA + "needle = 30\n", "areas[0].needle"),
        (_AREA + "needle = { gauge = 30 }\n", "areas[0].needle.length"),
        (_AREA + 'needle = { gauge = 99, length = "4 mm" }\n', "areas[0].needle.gauge"),
        ("needle = { gauge = 30, length = 4 }\n" + _AREA, "needle.length"),
    ],
)
def test_a_wrong_override_or_needle_names_its_key(
    tmp_path: Path, text: str, parameter: str
) -> None:
    error = _refused(tmp_path, text)
    assert error.parameter == parameter


def test_errors_say_what_to_write_in_the_file_not_in_python(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    unpublished = '[[areas]]\ntechnique = "classic"\nzone = "scalp"\narea = "40 cm^2"\n'
    for text in (
        _DEEP,
        unpublished,
        _AREA + 'syringe = "1 mL"\n',
        _AREA + "override = 3\n",
        _AREA + "needle = []\n",
        "product = 1\n" + _AREA,
    ):
        assert main(["session", _file(tmp_path, text)]) == 2
        err = capsys.readouterr().err
        assert err.startswith("mesocalc: error: ")
        assert not [p for p in _PYTHON if p in err], err
    assert main(["session", _file(tmp_path, _DEEP)]) == 2
    assert 'override = { reason = "...", by = "..." }' in capsys.readouterr().err


_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=8),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(
        st.sampled_from(["name", "lot", "reason", "by", "gauge", "length", "nmae"]),
        st.one_of(st.text(max_size=8), st.integers(), st.none()),
        max_size=3,
    ),
)


@given(
    st.dictionaries(
        st.sampled_from(["product", "lot", "expires", "concentration", "label", "override"]),
        _VALUES,
        max_size=4,
    ),
    st.dictionaries(st.sampled_from(["override", "needle", "technique"]), _VALUES, max_size=3),
)
def test_hostile_products_overrides_and_needles_are_named(
    top: dict[str, Any], area: dict[str, Any]
) -> None:
    """Any value where a product, an override or a needle goes: made, or refused by its key."""
    doc = {**top, "areas": [area]}
    try:
        _session_product(doc)
        _session_areas(doc)
    except mesocalc.MesocalcError as error:
        assert str(error).startswith(f"{error.parameter}: ")
        assert error.parameter.split(".")[0].split("[")[0] in {*top, "areas", "product"}

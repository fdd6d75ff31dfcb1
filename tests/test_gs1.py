"""Lots and expiry dates read from a box's GS1 barcode: Product.from_gs1."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import mesocalc
from mesocalc._clinic.gs1 import gtin_error, read_gs1
from mesocalc.exceptions import InputTypeError, InvalidValueError, ParseError

# GS1's own example GTIN (General Specifications), with a lot and an expiry.
GTIN = "09501101530003"
FORMS = [
    "(01)09501101530003(17)270331(10)AB12",  # as printed under the barcode
    "010950110153000317270331" + "10AB12",  # as a scanner sends it, lot last: no FNC1 needed
    "0109501101530003" + "10AB12\x1d" + "17270331",  # a lot before the date ends with FNC1
    "]d20109501101530003172703311" + "0AB12",  # with a DataMatrix symbology identifier
    "https://id.gs1.org/01/09501101530003/10/AB12?17=270331",  # a GS1 Digital Link URI
]


def _check_digit(body: str) -> str:
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


@pytest.mark.parametrize("text", FORMS)
def test_every_form_of_a_barcode_gives_the_same_gtin_lot_and_expiry(text: str) -> None:
    box = mesocalc.Product.from_gs1(text, name="hyaluronic acid")
    assert (box.gtin, box.lot, box.expires) == (GTIN, "AB12", datetime.date(2027, 3, 31))
    assert box.name == "hyaluronic acid"


def test_a_day_of_00_is_the_last_day_of_the_month() -> None:
    box = mesocalc.Product.from_gs1("(01)09501101530003(17)270200(10)AB12", name="x")
    assert box.expires == datetime.date(2027, 2, 28)


def test_a_serial_is_read_and_a_barcode_without_lot_or_date_is_a_box_all_the_same() -> None:
    assert read_gs1("(01)09501101530003(21)S123").serial == "S123"
    box = mesocalc.Product.from_gs1("(01)09501101530003", name="x")
    assert (box.lot, box.expires) == (None, None)


def test_a_scanned_product_keeps_its_gtin_in_json() -> None:
    box = mesocalc.Product.from_gs1(FORMS[0], name="x", concentration="10 mg/mL")
    data = box.to_dict()
    assert data["gtin"] == GTIN
    assert mesocalc.Product.from_dict(data) == box


def test_a_named_shipped_product_keeps_its_label() -> None:
    label = mesocalc.product("deoxycholic acid").label
    box = mesocalc.Product.from_gs1(FORMS[0], name="deoxycholic acid", label=label)
    assert box.label == label


@given(
    st.sampled_from([8, 12, 13, 14]).flatmap(
        lambda n: st.text("0123456789", min_size=n - 1, max_size=n - 1)
    )
)
def test_a_gtin_with_gs1s_check_digit_is_valid_and_any_other_digit_is_not(body: str) -> None:
    right = _check_digit(body)
    assert gtin_error(body + right) is None
    for wrong in set("0123456789") - {right}:
        error = gtin_error(body + wrong)
        assert isinstance(error, InvalidValueError)
        assert "check digit" in str(error)


@pytest.mark.parametrize(
    ("text", "error", "parameter", "words"),
    [
        ("(01)09501101530004(17)270331(10)AB12", InvalidValueError, "gtin", "check digit is 4"),
        ("(01)09501101530003(17)271331(10)AB12", ParseError, "gs1", "GS1 element string"),
        ("(01)09501101530003(99)ABC(10)AB12", InvalidValueError, "gs1 (99)", "Company internal"),
        ("(01)09501101530003(37)12", InvalidValueError, "gs1 (37)", "does not keep"),
        ("(10)AB12(17)270331", InvalidValueError, "gtin", "(01) GTIN"),
        ("(01)09501101530003(10)A(10)B", InvalidValueError, "gs1 (10)", "given twice"),
        ("not a barcode", ParseError, "gs1", "Digital Link"),
        ("", ParseError, "gs1", "GS1 element string"),
        ("(01)" + "9" * 600, ParseError, "gs1", "GS1 element string"),
        ("(01)09501101530003\ud800", ParseError, "gs1", "GS1 element string"),
        ("https://id.gs1.org/01/09501101530004", InvalidValueError, "gtin", "check digit"),
        ("https://example.com/nothing", ParseError, "gs1", "Digital Link"),
        (b"(01)09501101530003", InputTypeError, "gs1", "GS1 element string"),
        (None, InputTypeError, "gs1", "GS1 element string"),
    ],
)
def test_a_bad_barcode_is_a_mesocalc_error_naming_the_field(
    text: Any, error: type[Exception], parameter: str, words: str
) -> None:
    with pytest.raises(error) as info:
        mesocalc.Product.from_gs1(text, name="x")
    assert info.value.parameter == parameter  # type: ignore[attr-defined]
    assert words in str(info.value)


@pytest.mark.parametrize("gtin", ["09501101530004", "123", "abcdefghijklmn", 9501101530003, ""])
def test_a_product_made_by_hand_checks_its_gtin(gtin: Any) -> None:
    with pytest.raises(InvalidValueError) as info:
        mesocalc.Product(name="x", gtin=gtin)
    assert info.value.parameter == "gtin"

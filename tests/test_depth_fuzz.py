"""Fuzzing the text readers with any unicode, control characters included.

Whatever the text, the quantity parser, the catalog reader and the protocol reader
either succeed or raise a MesocalcError whose message renders: never another exception.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import mesocalc
from mesocalc._quantities.units import Dim, magnitude

# st.text() draws from every unicode category (controls, format characters, unassigned code
# points) except surrogates; the alphabet below adds the characters quantities are made of.
ANY_TEXT = st.text()
QUANTITY_LIKE = st.text(
    alphabet=st.one_of(
        st.characters(),
        st.sampled_from(list("0123456789.,eE+-*/^² ()µumMcCLlgG°d\t\n\x00\x0b\u00a0\u2009")),
    ),
    max_size=40,
)
TOML_LIKE = st.text(
    alphabet=st.one_of(st.characters(), st.sampled_from(list("[]{}=\"'.,#\n\\ abcdefghz0123"))),
    max_size=200,
)
SHIPPED = (Path(mesocalc.__file__).parent / "catalog.toml").read_text(encoding="utf-8")


def _rendered(exc: mesocalc.MesocalcError) -> None:
    assert str(exc)
    assert repr(exc)


@given(st.one_of(ANY_TEXT, QUANTITY_LIKE), st.sampled_from(list(Dim)))
def test_the_quantity_parser_takes_any_text(text: str, dim: Dim) -> None:
    try:
        magnitude(text, "fuzz", dim)
    except mesocalc.MesocalcError as exc:
        _rendered(exc)


@given(st.one_of(ANY_TEXT, QUANTITY_LIKE))
def test_plan_takes_any_text_as_an_area(text: str) -> None:
    try:
        mesocalc.plan(technique="classic", zone="face", area=text)
    except mesocalc.MesocalcError as exc:
        _rendered(exc)


@given(st.one_of(ANY_TEXT, TOML_LIKE))
def test_the_catalog_reader_takes_any_text(text: str) -> None:
    try:
        mesocalc.parse_catalog(text)
    except mesocalc.MesocalcError as exc:
        _rendered(exc)


@given(st.one_of(ANY_TEXT, TOML_LIKE))
def test_the_protocol_reader_takes_any_text(text: str) -> None:
    try:
        mesocalc.parse_protocol(text)
    except mesocalc.MesocalcError as exc:
        _rendered(exc)


@settings(max_examples=60)  # each example reads the whole shipped catalog
@given(st.integers(min_value=0, max_value=len(SHIPPED)), st.text(max_size=20), st.integers(0, 20))
def test_the_catalog_reader_takes_the_shipped_catalog_with_any_splice(
    at: int, inserted: str, removed: int
) -> None:
    """Deep faults: valid TOML around a spliced-in fragment reaches the validation rules."""
    text = SHIPPED[:at] + inserted + SHIPPED[at + removed :]
    try:
        mesocalc.parse_catalog(text)
    except mesocalc.MesocalcError as exc:
        _rendered(exc)

"""GS1 barcodes: the GTIN, lot, expiry and serial that every injectable's box carries.

A clinic scans the box rather than typing its lot. The barcode holds a GS1 element
string, ``(01)GTIN(17)YYMMDD(10)LOT``, written with parentheses (as printed under
the barcode), without them and with FNC1 separators (as a scanner sends it), or a
GS1 Digital Link URI (``https://id.gs1.org/01/.../10/...?17=...``). The parsing is
biip's (the optional extra ``mesocalc[scan]``), imported only here; mesocalc checks
what it reads and keeps four application identifiers: (01) GTIN, (10) batch or lot,
(17) expiry and (21) serial. Any other is refused rather than dropped, so a
record never silently loses what the box said.
"""

from __future__ import annotations

import datetime
from typing import Any, Final

import attrs

from mesocalc.exceptions import InputTypeError, InvalidValueError, ParseError

__all__ = ["Gs1", "gtin_error", "read_gs1"]

# What each application identifier mesocalc keeps is called in a record.
_FIELDS: Final = {"01": "gtin", "10": "lot", "17": "expires", "21": "serial"}
_MAX_CHARS: Final = 512  # the longest GS1 element string is far shorter (GS1 General Spec.)
_GTIN_DIGITS: Final = (8, 12, 13, 14)


@attrs.frozen(kw_only=True)
class Gs1:
    """What a box's barcode says: its GTIN, and its lot, expiry and serial when printed."""

    gtin: str
    lot: str | None = None
    expires: datetime.date | None = None
    serial: str | None = None


def gtin_error(value: Any, parameter: str = "gtin") -> InvalidValueError | None:
    """The error for ``value`` as a GTIN (8, 12, 13 or 14 digits, GS1's check digit), or None.

    The check digit is GS1's mod-10: digits weighted 3 and 1 alternately from the
    right, the last digit making the sum a multiple of ten.
    """
    expected = "a GTIN: 8, 12, 13 or 14 digits ending in GS1's check digit"
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return InvalidValueError(parameter, value, expected)
    if len(value) not in _GTIN_DIGITS:
        return InvalidValueError(parameter, value, expected, f"{len(value)} digits")
    body, last = value[:-1], int(value[-1])
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    check = (10 - total % 10) % 10
    if last != check:
        detail = f"its check digit is {last}, GS1's rule gives {check}: a misread or mistyped GTIN"
        return InvalidValueError(parameter, value, expected, detail)
    return None


def read_gs1(text: Any) -> Gs1:
    """The GTIN, lot, expiry and serial in a GS1 element string or Digital Link URI.

    Raises:
        MesocalcError: ``text`` is not a string or is empty or too long; it is not a
            GS1 element string or Digital Link URI; it has no (01) GTIN; the GTIN's
            check digit is wrong; the expiry is no date; or it holds an application
            identifier mesocalc does not keep. The error names the field at fault.
    """
    expected = (
        "a GS1 element string such as '(01)09501101530003(17)270331(10)AB12',"
        " or a GS1 Digital Link URI"
    )
    if not isinstance(text, str):
        raise InputTypeError("gs1", text, expected)
    text = text.strip()
    if not text or len(text) > _MAX_CHARS or (not text.isprintable() and "\x1d" not in text):
        raise ParseError("gs1", text[:_MAX_CHARS], expected)
    elements = _elements(text, expected)
    found: dict[str, Any] = {}
    for ai, value, date, description in elements:
        field = _FIELDS.get(ai)
        if field is None:
            kept = ", ".join(f"({k}) {v}" for k, v in _FIELDS.items())
            raise InvalidValueError(
                f"gs1 ({ai})",
                value,
                f"only the application identifiers {kept}",
                f"({ai}) is {description}, which a treatment record does not keep",
            )
        if field in found:
            raise InvalidValueError(f"gs1 ({ai})", value, f"one ({ai}) {field}", "given twice")
        if field == "expires":
            if date is None:
                raise InvalidValueError("expires", value, "an expiry date as YYMMDD")
            found[field] = date
        else:
            found[field] = value
    if "gtin" not in found:
        raise InvalidValueError("gtin", text, "a GS1 string with a (01) GTIN")
    error = gtin_error(found["gtin"])
    if error is not None:
        raise error
    return Gs1(**found)


def _elements(text: str, expected: str) -> list[tuple[str, str, datetime.date | None, str]]:
    """(AI, value, date, description) for each element string of ``text``, read by biip."""
    try:
        from biip.gs1_digital_link_uris import GS1DigitalLinkURI  # noqa: PLC0415 - optional extra
        from biip.gs1_messages import GS1Message  # noqa: PLC0415 - optional extra
    except ModuleNotFoundError as exc:  # pragma: no cover - the test extra installs biip
        raise InvalidValueError(
            "gs1", text, 'the scan extra installed: pip install ".[scan]"', "biip is missing"
        ) from exc
    try:
        if text.lower().startswith(("http://", "https://")):
            message: Any = GS1DigitalLinkURI.parse(text)
        elif text.startswith("("):
            message = GS1Message.parse_hri(text)
        else:
            message = GS1Message.parse(text.removeprefix("]C1").removeprefix("]d2"))
    except Exception as exc:  # biip's ParseError and whatever a malformed string raises
        raise ParseError("gs1", text, expected, str(exc)) from None
    return [(e.ai.ai, e.value, e.date, e.ai.description) for e in message.element_strings]

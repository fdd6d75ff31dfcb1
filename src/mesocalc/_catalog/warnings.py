"""Warnings as records: what kind, about which parameter, on what basis, from which sources.

Clinic software files a plan's warnings and must tell, years later, which ones say a
number is unsourced and which say a clinician overrode a range. A text cannot be
filtered reliably; a record can. Each record keeps its text, so that tables, reprs
and ``plan.warnings`` read as before.
"""

from __future__ import annotations

import enum
from typing import Any

import attrs

from mesocalc._catalog.entries import Basis
from mesocalc._quantities import validators as _validators
from mesocalc._records import codec as _codec
from mesocalc.exceptions import InvalidValueError

__all__ = ["WarningCode", "WarningRecord", "record"]


class WarningCode(enum.StrEnum):
    """What a warning says; a closed set, so that clinic software can act on each."""

    RANGE_UNSOURCED = "range-unsourced"  # a default no source states
    RANGE_ANALOGUE = "range-analogue"  # a default taken from a neighbouring use
    GIVEN_VALUE_UNPUBLISHED_RANGE = "given-value-unpublished-range"  # checked, not published
    ABOUT_VALUE_DEPARTED = "about-value-departed"  # departs from a value given as "about"
    OVERRIDDEN = "overridden"  # a recorded departure from a recommended range
    UNPUBLISHED_USE = "unpublished-use"  # a technique no source publishes on the zone
    LAYER_UNBOUNDED = "layer-unbounded"  # the technique names no skin layer
    LAYER_UNCHECKED = "layer-unchecked"  # no published skin thickness for the zone
    LAYER_BORROWED = "layer-borrowed"  # bounded by the thickest skin of another zone
    SKIN_NOT_NARROWED = "skin-not-narrowed"  # no figure for the patient's group: the zone holds
    SESSION_CAP_NOT_STATED = "session-cap-not-stated"  # a cap from another use
    SESSION_CAP_OVERRIDDEN = "session-cap-overridden"  # beyond an analogue cap, overridden
    SHOTS_ESTIMATED = "shots-estimated"  # a head's shots without a layout
    PITCH_ASSUMED = "pitch-assumed"  # a head's needle pitch taken to equal the spacing
    EDGE_SHOTS = "edge-shots"  # needles of edge shots fall off the layout
    POINTS_ROUNDED = "points-rounded"  # a layout holds the nearest count to the one asked
    EXPIRY_UNCHECKED = "expiry-unchecked"  # a session without a date
    INTERVAL_OUTSIDE = "interval-outside"  # a course interval outside the sourced one
    SCREENING_FINDING = "screening-finding"  # a relative finding of the patient's screening
    SCREENING_INCOMPLETE = "screening-incomplete"  # not asked or unscreened: not clear
    SITE_TEMPLATE = "site-template"  # the area is a site's drawn template, not a measurement
    KEEP_OUT = "keep-out"  # keep-out zones were cut from the area, or apply to it
    LANDMARKS = "landmarks"  # the points are on named landmarks, not a lattice
    NOTE = "note"  # a warning stored as text only (JSON of schema version 1)


def _member(kind: type[enum.Enum]) -> Any:
    def check(inst: Any, attr: attrs.Attribute[Any], value: Any) -> None:
        if value is not None and not isinstance(value, kind):
            names = ", ".join(repr(m.value) for m in kind)
            raise InvalidValueError(attr.name, value, f"one of {names}")

    return check


@attrs.frozen(kw_only=True)
class WarningRecord:
    """One warning: its ``code``, the ``parameter`` and ``basis`` it concerns, its ``sources``.

    ``text`` is the warning in words; ``str(record)`` gives it. ``area`` names the
    area of a session the warning comes from ("classic on the face, left").
    """

    code: WarningCode = attrs.field(
        validator=_member(WarningCode), metadata=_codec.name(WarningCode)
    )
    text: str = attrs.field(validator=_validators.text(), metadata=_codec.text())
    parameter: str | None = attrs.field(
        default=None, validator=_validators.optional_non_blank(), metadata=_codec.text()
    )
    basis: Basis | None = attrs.field(
        default=None, validator=_member(Basis), metadata=_codec.name(Basis)
    )
    sources: tuple[str, ...] = attrs.field(
        default=(), validator=_validators.strings(), metadata=_codec.texts()
    )
    area: str | None = attrs.field(
        default=None, validator=_validators.optional_non_blank(), metadata=_codec.text()
    )

    def __str__(self) -> str:
        return f"{self.area}: {self.text}" if self.area else self.text

    def in_area(self, area: str) -> WarningRecord:
        """This warning, naming the area of a session it comes from."""
        return attrs.evolve(self, area=area)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict naming its schema (``mesocalc.warning``)."""
        return _codec.dump(self, "mesocalc.warning")

    @classmethod
    def from_dict(cls, data: Any) -> WarningRecord:
        """Rebuild a record from :meth:`to_dict` output."""
        return _codec.load(cls, data, "mesocalc.warning")


def record(
    code: WarningCode,
    text: str,
    *,
    parameter: str | None = None,
    basis: Basis | None = None,
    sources: Any = (),
) -> WarningRecord:
    """A warning record; ``sources`` may be a comma-separated string of source keys."""
    if isinstance(sources, str):
        keys = (s.strip() for s in sources.split(","))
        sources = tuple(k for k in keys if k and k != "UNSOURCED")
    return WarningRecord(
        code=code, text=text, parameter=parameter, basis=basis, sources=tuple(sources)
    )


def texts_to_records(raw: Any) -> Any:
    """Warnings stored as text (schema version 1) as records of code ``note``."""
    if isinstance(raw, list) and all(isinstance(w, str) for w in raw):
        return [{"code": WarningCode.NOTE.value, "text": w} for w in raw]
    return raw

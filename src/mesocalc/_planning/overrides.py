"""Departures from recommended ranges, the overrides that let them pass, and their records.

Value objects: what a rule finds (a :class:`Departure` from a soft range), what a caller
gives to pass it (an :class:`Override`, with the reason) and what a plan keeps (an
:class:`OverrideRecord`), with their JSON and the refusal when no override is given.
They are apart from the rules that find departures (:mod:`mesocalc._planning.guardrails`) so that
the plan, its stored form, sessions and the command line name them without the rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

import attrs

from mesocalc._catalog.catalog import cite
from mesocalc._catalog.entries import Range, Spec
from mesocalc._catalog.warnings import WarningCode, WarningRecord, record
from mesocalc._quantities import validators as _validators
from mesocalc._quantities.parameters import PARAMETERS
from mesocalc._quantities.units import quantity
from mesocalc._records import codec as _codec
from mesocalc.exceptions import InputTypeError, SoftLimitError

if TYPE_CHECKING:
    from mesocalc.typing import Quantity

__all__ = ["Departure", "Override", "OverrideRecord", "check_override", "records", "where"]


@attrs.frozen(kw_only=True)
class Override:
    """A clinician's decision to depart from recommended ranges, with the reason why.

    It lets soft limits pass (each departure is recorded in ``plan.overrides``); it
    never lets a hard limit pass. ``by`` names who decided (optional, never blank).

    Examples:
        >>> import mesocalc
        >>> mesocalc.Override(reason="  ")
        Traceback (most recent call last):
        ...
        mesocalc.exceptions.InvalidValueError: reason: got '  '; expected a non-blank ...
    """

    reason: str = attrs.field(validator=_validators.non_blank(), metadata=_codec.text())
    by: str | None = attrs.field(
        default=None, validator=_validators.optional_non_blank(), metadata=_codec.text()
    )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict naming its schema (``mesocalc.override``)."""
        return _codec.dump(self, "mesocalc.override")

    @classmethod
    def from_dict(cls, data: Any) -> Override:
        """Rebuild an Override from :meth:`to_dict` output, checked as a new one is."""
        return _codec.load(cls, data, "mesocalc.override")


def _known_parameter(inst: Any, attr: Any, value: Any) -> None:
    if value not in PARAMETERS:
        raise InputTypeError(attr.name, value, "the name of a planning parameter")


@attrs.frozen(kw_only=True, repr=False)
class OverrideRecord:
    """One recorded departure from a recommended range.

    ``value`` is a Quantity (a float for the loss fraction); ``allowed`` is the
    recommended range in words and ``source`` its source keys.
    """

    parameter: str = attrs.field(validator=_known_parameter, metadata=_codec.text())
    _value: float = attrs.field(
        alias="value_magnitude", metadata=_codec.quantity_field(None, key="value")
    )
    allowed: str = attrs.field(metadata=_codec.text())
    source: str = attrs.field(metadata=_codec.text())
    reason: str = attrs.field(validator=_validators.non_blank(), metadata=_codec.text())
    by: str | None = attrs.field(
        default=None, validator=_validators.optional_non_blank(), metadata=_codec.text()
    )

    @property
    def value(self) -> Quantity | float:
        """The value used, in the parameter's unit (mm, mL, degrees; a float for fractions)."""
        p = PARAMETERS[self.parameter]
        return self._value if p.dim.label == "fraction" else quantity(self._value, p.unit)

    def describe(self) -> str:
        """One line for warnings and tables."""
        who = f" by {self.by}" if self.by else ""
        unit = PARAMETERS[self.parameter].shown
        return (
            f"{self.parameter} {self._value:.6g}{' ' + unit if unit else ''} is outside the "
            f"recommended {self.allowed} ({cite(self.source)}): overridden{who}: {self.reason}"
        )

    __repr__ = _codec.unit_repr  # value='2.2 mm', not _value=2.2

    def warning(self) -> WarningRecord:
        """The plan's warning that records this override."""
        return record(
            WarningCode.OVERRIDDEN, self.describe(), parameter=self.parameter, sources=self.source
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict naming its schema (``mesocalc.override_record``)."""
        return _codec.dump(self, "mesocalc.override_record")

    @classmethod
    def from_dict(cls, data: Any) -> OverrideRecord:
        """Rebuild a record from :meth:`to_dict` output, checked as a new one is."""
        return _codec.load(cls, data, "mesocalc.override_record")


def where(entry: Spec) -> str:
    """The entry in words, for messages: "classic on the face"."""
    return f"{entry.technique.value} on the {entry.zone.value}"


class Departure(NamedTuple):
    """A value outside a soft (recommended) range: refused, or recorded with an override."""

    parameter: str
    magnitude: float
    range: Range
    value: Any  # as the caller gave it, for the message
    named: str = ""  # the input the refusal names, when not ``parameter`` ("needle")

    @property
    def advisory(self) -> bool:
        """Whether the range is an "about" value: the departure warns, and passes."""
        return self.range.about

    def warning(self, upto: float | None = None, of: tuple[int, int] = (1, 1)) -> WarningRecord:
        """The warning of an advisory departure.

        A plan over arrays whose departing elements differ gives the greatest as ``upto``
        and ``of`` = (elements departing, elements): one warning, as a scalar plan gives.
        """
        r = self.range
        show = PARAMETERS[self.parameter].show
        shown = show(self.magnitude)
        if upto is not None:
            shown = f"{shown} to {show(upto)} ({of[0]:,} of {of[1]:,} values)"
        return record(
            WarningCode.ABOUT_VALUE_DEPARTED,
            f"{self.parameter} {shown} departs from {r.describe()} ({cite(r.source)}), "
            "a value the source gives only as 'about'",
            parameter=self.parameter,
            basis=r.basis,
            sources=r.sources,
        )

    def error(self, entry: Spec) -> SoftLimitError:
        """The refusal when no override covers this departure."""
        r = self.range
        what = f"{self.parameter.replace('_', ' ')} of " if self.named else ""
        return SoftLimitError(
            self.named or self.parameter,
            self.value,
            f"{what}{r.describe()} for {where(entry)}",
            f"source: {cite(r.source)}",
            allowed=r.describe(),
            source=r.source,
        )


def check_override(override: Any) -> Override | None:
    """``override`` if it is None or an :class:`Override`."""
    if override is not None and not isinstance(override, Override):
        raise InputTypeError("override", override, "None or mesocalc.Override(reason=..., by=...)")
    return override


def records(
    departures: list[Departure], override: Override | None, entry: Spec
) -> tuple[OverrideRecord, ...]:
    """The override records of ``departures``.

    Raises:
        SoftLimitError: there is a departure and no override.
    """
    departures = [d for d in departures if not d.advisory]
    if not departures:
        return ()
    if override is None:
        raise departures[0].error(entry)
    return tuple(
        OverrideRecord(
            parameter=d.parameter,
            value_magnitude=d.magnitude,
            allowed=d.range.describe(),
            source=d.range.source,
            reason=override.reason,
            by=override.by,
        )
        for d in departures
    )

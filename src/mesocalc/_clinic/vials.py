"""The parts of a treatment record: vials drawn from, what one area was given, events, amendments.

Each is a frozen value; :class:`mesocalc.TreatmentRecord` composes them and checks
them against its session. Volumes are held in mL and depths in mm (their canonical
units); a part read from JSON is checked as it is built.
"""

from __future__ import annotations

import datetime
import enum
import math
import unicodedata
from typing import TYPE_CHECKING, Any, Final, TypeVar

import attrs

from mesocalc._clinic.products import Product
from mesocalc._planning.equipment import Needle
from mesocalc._quantities.inputs import read
from mesocalc._quantities.parameters import PARAMETERS, shown_quantity
from mesocalc._quantities.units import SANE_MAX, Dim
from mesocalc._records import codec as _codec
from mesocalc.exceptions import InputTypeError, InvalidValueError, UnknownNameError

if TYPE_CHECKING:
    from mesocalc.typing import Quantity

__all__ = [
    "AdverseEvent",
    "Amendment",
    "Deviation",
    "Draw",
    "EventKind",
    "EventSeverity",
    "Given",
    "Reason",
    "Vial",
    "moment",
]

_MAX_TEXT: Final = 2_000  # a software bound on a name, lot, reason or note, not a clinical one
_MAX_PARTS: Final = 10_000  # a software bound on draws, vials, events and amendments
_MOMENT: Final = "a timezone-aware datetime, or an ISO 8601 string with its UTC offset"


def moment(value: Any, parameter: str) -> datetime.datetime:
    """``value`` as a timezone-aware datetime: a record's times are compared across clinics.

    Raises:
        InvalidValueError: a naive datetime (no UTC offset), a date alone, or text that is
            not an ISO 8601 date and time with an offset.
    """
    if isinstance(value, str) and len(value) <= 64:
        try:
            value = datetime.datetime.fromisoformat(value)
        except ValueError:
            raise InvalidValueError(parameter, value, _MOMENT) from None
    if not isinstance(value, datetime.datetime):
        raise InvalidValueError(parameter, value, _MOMENT)
    if value.utcoffset() is None:
        raise InvalidValueError(
            parameter, value.isoformat(), _MOMENT, "a naive time: say its UTC offset"
        )
    return value


def clean_text(value: Any, parameter: str, *, optional: bool = False) -> None:
    """Refuse what a record cannot keep: no text, blank text, control characters, huge text."""
    if value is None and optional:
        return
    expected = "a non-blank string without control characters" + (" or None" if optional else "")
    if not isinstance(value, str):
        raise InputTypeError(parameter, value, expected)
    if len(value) > _MAX_TEXT:
        raise InvalidValueError(parameter, value[:40] + "...", expected, f"over {_MAX_TEXT} chars")
    if not value.strip() or all(unicodedata.category(c) in ("Cf", "Zs") for c in value):
        raise InvalidValueError(parameter, value, expected, "blank")
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in value):
        raise InvalidValueError(parameter, value, expected, "it holds a control character")


def _text(inst: Any, attr: attrs.Attribute[Any], value: Any) -> None:
    clean_text(value, attr.alias or attr.name)


def _optional_text(inst: Any, attr: attrs.Attribute[Any], value: Any) -> None:
    clean_text(value, attr.alias or attr.name, optional=True)


def volume_ml(value: Any, parameter: str) -> float:
    """A volume given by a person ('0.6 mL', a Quantity), in mL: 0 or more, within reason."""
    m = read(value, "total_volume", label=parameter)
    if m > SANE_MAX[Dim.VOLUME]:
        most = PARAMETERS["total_volume"].show(SANE_MAX[Dim.VOLUME])
        raise InvalidValueError(parameter, value, f"a volume of at most {most} (a software bound)")
    return m


def _magnitude(inst: Any, attr: attrs.Attribute[Any], value: Any) -> None:
    """A stored magnitude: a finite float of 0 or more, within the software bound."""
    name = attr.alias or attr.name
    if isinstance(value, bool) or not isinstance(value, float):
        raise InputTypeError(name, value, "a float magnitude in its canonical unit")
    if not (math.isfinite(value) and 0.0 <= value <= SANE_MAX[Dim.VOLUME]):
        raise InvalidValueError(name, value, "a finite magnitude of 0 or more, within reason")


def _within(parameter: str) -> Any:
    """A stored magnitude of ``parameter`` within its domain (a depth of 0 mm is none)."""

    def check(inst: Any, attr: attrs.Attribute[Any], value: Any) -> None:
        _magnitude(inst, attr, value)
        if not PARAMETERS[parameter].domain.contains(value):
            name = attr.alias or attr.name
            raise InvalidValueError(name, value, PARAMETERS[parameter].domain.words)

    return check


def _tuple_of(kind: type, parameter: str) -> Any:
    def check(inst: Any, attr: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, tuple) or len(value) > _MAX_PARTS:
            raise InputTypeError(parameter, value, f"a tuple of mesocalc.{kind.__name__}")
        for i, item in enumerate(value):
            if not isinstance(item, kind):
                raise InputTypeError(f"{parameter}[{i}]", item, f"a mesocalc.{kind.__name__}")

    return check


def _tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


@attrs.frozen(kw_only=True, repr=False)
class Draw:
    """Product of one lot injected into one area: the lot and the volume."""

    lot: str = attrs.field(validator=_text, metadata=_codec.text())
    _volume: float = attrs.field(
        alias="volume_ml",
        validator=_magnitude,
        metadata=_codec.quantity_field("total_volume", key="volume"),
    )

    @property
    def volume(self) -> Quantity:
        """The volume injected from the lot, in mL."""
        return shown_quantity("total_volume", self._volume)

    @property
    def volume_ml(self) -> float:
        """The volume injected from the lot, in mL, as a number (the canonical magnitude)."""
        return self._volume

    def __repr__(self) -> str:
        return _codec.unit_repr(self)


def _product(inst: Any, attr: Any, value: Any) -> None:
    if not isinstance(value, Product):
        raise InputTypeError("product", value, "a mesocalc.Product with its lot")
    if value.lot is None:
        raise InvalidValueError(
            "product.lot", None, "the lot of the vial, as its box or barcode says"
        )


def _size(value: Any) -> float | None:
    return None if value is None else read(value, "capacity", label="size")


def _drawn(value: Any) -> float | None:
    return None if value is None else volume_ml(value, "drawn")


@attrs.frozen(kw_only=True, repr=False)
class Vial:
    """A vial (or syringe) of one lot that product was drawn from during the session.

    ``size`` is what it holds when known (``"2 mL"``); ``drawn`` the volume drawn from
    it, when measured (else the record takes what was injected plus the syringes' dead
    space). Two containers of one lot are one vial of their combined size.

    Examples:
        >>> import mesocalc
        >>> box = mesocalc.product("deoxycholic acid", lot="B123", expires="2027-03-31")
        >>> mesocalc.Vial(product=box, size="2 mL")
        Vial(product='deoxycholic acid', lot='B123', expires='2027-03-31', size='2 mL')
    """

    product: Product = attrs.field(
        validator=_product, metadata=_codec.part(_codec.one_of(Product))
    )
    _size: float | None = attrs.field(
        default=None,
        alias="size",
        converter=_size,
        metadata=_codec.quantity_field("capacity", key="size", given=True),
    )
    _drawn: float | None = attrs.field(
        default=None,
        alias="drawn",
        converter=_drawn,
        metadata=_codec.quantity_field("total_volume", key="drawn", given=True),
    )

    @property
    def lot(self) -> str:
        """The vial's lot."""
        assert self.product.lot is not None  # checked as it is built
        return self.product.lot

    @property
    def size(self) -> Quantity | None:
        """What the vial holds, in mL; None when not known."""
        return None if self._size is None else shown_quantity("capacity", self._size)

    @property
    def drawn(self) -> Quantity | None:
        """The volume drawn from it, in mL, when measured."""
        return None if self._drawn is None else shown_quantity("total_volume", self._drawn)

    def __repr__(self) -> str:
        parts = [f"product={self.product.name!r}", f"lot={self.lot!r}"]
        if self.product.expires is not None:
            parts.append(f"expires={self.product.expires.isoformat()!r}")
        if self._size is not None:
            parts.append(f"size={PARAMETERS['capacity'].show(self._size, 6)!r}")
        if self._drawn is not None:
            parts.append(f"drawn={PARAMETERS['total_volume'].show(self._drawn, 6)!r}")
        return f"Vial({', '.join(parts)})"


class EventKind(enum.StrEnum):
    """Adverse events the sources name after mesotherapy injections.

    Bruising and hematoma (seed 003, an iLive article: the highest bruising risk with deep
    nappage, infiltration and wrinkle destruction); nerve injury and dysphagia (the
    deoxycholic acid label, KYB); infection at the site (KYB, seed 003); necrosis (KONDA);
    nodules, and allergic reactions to a component (seed 000).
    """

    BRUISING = "bruising"
    HEMATOMA = "hematoma"
    NODULE = "nodule"
    INFECTION = "infection"
    NECROSIS = "necrosis"
    NERVE_INJURY = "nerve-injury"
    DYSPHAGIA = "dysphagia"
    ALLERGIC_REACTION = "allergic-reaction"


class EventSeverity(enum.StrEnum):
    """How severe an adverse event is: FHIR's AdverseEvent severity codes."""

    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"


_E = TypeVar("_E", bound=enum.StrEnum)


def _member(kind: type[_E], value: Any, parameter: str) -> _E:
    """``value`` as a member of ``kind``, read as names are ("Nerve injury", "nerve_injury")."""
    if isinstance(value, kind):
        return value
    expected = "one of " + ", ".join(repr(m.value) for m in kind)
    if not isinstance(value, str):
        raise InputTypeError(parameter, value, expected)
    key = "-".join(value.strip().casefold().replace("_", " ").split())
    for m in kind:
        if m.value == key:
            return m
    raise UnknownNameError(parameter, value[:64], expected)


def _kind(value: Any) -> EventKind:
    return _member(EventKind, value, "kind")


def _severity(value: Any) -> EventSeverity:
    return _member(EventSeverity, value, "severity")


def _onset(value: Any) -> datetime.datetime:
    return moment(value, "onset")


def _area(inst: Any, attr: Any, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < _MAX_PARTS:
        raise InvalidValueError("area", value, "None or the index of an area of the session")


@attrs.frozen(kw_only=True)
class AdverseEvent:
    """An adverse event after treatment: what, how severe, when it began, what was done.

    ``area`` (the session's area index) and ``lot`` link it to what was given; a record
    checks that the lot was drawn in that area.

    Examples:
        >>> import mesocalc
        >>> mesocalc.AdverseEvent(
        ...     kind="bruising", severity="mild", onset="2026-12-04T11:00+00:00",
        ...     action="cold compress", area=0,
        ... ).kind
        <EventKind.BRUISING: 'bruising'>
    """

    kind: EventKind = attrs.field(converter=_kind, metadata=_codec.name(EventKind))
    severity: EventSeverity = attrs.field(converter=_severity, metadata=_codec.name(EventSeverity))
    onset: datetime.datetime = attrs.field(converter=_onset, metadata=_codec.moment())
    action: str = attrs.field(validator=_text, metadata=_codec.text())
    area: int | None = attrs.field(default=None, validator=_area, metadata=_codec.whole())
    lot: str | None = attrs.field(default=None, validator=_optional_text, metadata=_codec.text())


class Field(enum.StrEnum):
    """What of an area may be given otherwise than planned."""

    POINTS = "points"
    VOLUME = "volume"
    DEPTH = "depth"
    NEEDLE = "needle"
    LOT = "lot"


def _field(value: Any) -> Field:
    return _member(Field, value, "field")


@attrs.frozen(kw_only=True)
class Reason:
    """Why one value of an area was given otherwise than planned."""

    field: Field = attrs.field(converter=_field, metadata=_codec.name(Field))
    reason: str = attrs.field(validator=_text, metadata=_codec.text())


def _points(inst: Any, attr: Any, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputTypeError("points", value, "a whole number of points, 0 or more")
    if not 0 <= value <= 10**9:
        raise InvalidValueError("points", value, "a whole number of points, 0 or more")


def _needle(inst: Any, attr: Any, value: Any) -> None:
    if value is not None and not isinstance(value, Needle):
        raise InputTypeError("needle", value, "None or a mesocalc.Needle")


@attrs.frozen(kw_only=True, repr=False)
class Given:
    """What one area was given: points, volume, depth, needle, the lots it came from, and why.

    ``reasons`` say why each value that differs from the plan does.
    """

    points: int = attrs.field(validator=_points, metadata=_codec.whole())
    _volume: float = attrs.field(
        alias="volume_ml",
        validator=_magnitude,
        metadata=_codec.quantity_field("total_volume", key="volume"),
    )
    _depth: float = attrs.field(
        alias="depth_mm",
        validator=_within("depth"),
        metadata=_codec.quantity_field("depth", key="depth"),
    )
    needle: Needle | None = attrs.field(
        default=None, validator=_needle, metadata=_codec.part(_codec.one_of(Needle))
    )
    draws: tuple[Draw, ...] = attrs.field(
        default=(),
        converter=_tuple,
        validator=_tuple_of(Draw, "draws"),
        metadata=_codec.parts(_codec.one_of(Draw)),
    )
    reasons: tuple[Reason, ...] = attrs.field(
        default=(),
        converter=_tuple,
        validator=_tuple_of(Reason, "reasons"),
        metadata=_codec.parts(_codec.one_of(Reason)),
    )

    @property
    def volume(self) -> Quantity:
        """The volume injected in the area, in mL."""
        return shown_quantity("total_volume", self._volume)

    @property
    def depth(self) -> Quantity:
        """The depth injected at, in mm."""
        return shown_quantity("depth", self._depth)

    @property
    def volume_ml(self) -> float:
        """The volume injected in the area, in mL, as a number (the canonical magnitude)."""
        return self._volume

    @property
    def depth_mm(self) -> float:
        """The depth injected at, in mm, as a number (the canonical magnitude)."""
        return self._depth

    def reason(self, field: Field) -> str | None:
        """Why ``field`` was given otherwise than planned, if a reason was recorded."""
        return next((r.reason for r in self.reasons if r.field is field), None)

    def __repr__(self) -> str:
        return _codec.unit_repr(self)


@attrs.frozen(kw_only=True)
class Deviation:
    """One value of one area given otherwise than planned, and why."""

    area: int
    where: str
    field: Field
    planned: str
    given: str
    reason: str

    def __str__(self) -> str:
        given = f"{self.planned} planned, {self.given} given"
        return f"{self.where}: {self.field.value} {given} ({self.reason})"


def _at(value: Any) -> datetime.datetime:
    return moment(value, "at")


def _given(inst: Any, attr: Any, value: Any) -> None:
    if value is not None and not isinstance(value, Given):
        raise InputTypeError(attr.name, value, "None or a mesocalc.Given")


def _event(inst: Any, attr: Any, value: Any) -> None:
    if value is not None and not isinstance(value, AdverseEvent):
        raise InputTypeError("adverse_event", value, "None or a mesocalc.AdverseEvent")


@attrs.frozen(kw_only=True)
class Amendment:
    """A change to a finalised record: who, when, why, and what changed.

    ``before`` and ``after`` are the area's values either side of the change (both None
    for a note or an adverse event alone); the record keeps both, so its original stays.
    """

    by: str = attrs.field(validator=_text, metadata=_codec.text())
    at: datetime.datetime = attrs.field(converter=_at, metadata=_codec.moment())
    reason: str = attrs.field(validator=_text, metadata=_codec.text())
    note: str | None = attrs.field(default=None, validator=_optional_text, metadata=_codec.text())
    area: int | None = attrs.field(default=None, validator=_area, metadata=_codec.whole())
    before: Given | None = attrs.field(
        default=None, validator=_given, metadata=_codec.part(_codec.one_of(Given))
    )
    after: Given | None = attrs.field(
        default=None, validator=_given, metadata=_codec.part(_codec.one_of(Given))
    )
    adverse_event: AdverseEvent | None = attrs.field(
        default=None, validator=_event, metadata=_codec.part(_codec.one_of(AdverseEvent))
    )

    def __attrs_post_init__(self) -> None:
        given = [v is not None for v in (self.area, self.before, self.after)]
        if any(given) and not all(given):
            raise InvalidValueError(
                "area",
                self.area,
                "an area with its values before and after the change, or none of the three",
            )

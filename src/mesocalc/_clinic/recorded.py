"""The parts of a session a treatment record keeps, checked as the session checks them.

It exists so the record (below the session in the layers, ADR 0020) can hold a session's
values and write and read them as ``mesocalc.session``, apart from the record's own
module, which would otherwise pass the project's limit on a module's size.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, Final, TypeVar

import attrs

from mesocalc._catalog.catalog import Catalog
from mesocalc._clinic import session_checks as _session_checks
from mesocalc._clinic.products import Product
from mesocalc._clinic.screening import Patient, Screening, screen
from mesocalc._planning.equipment import Syringe
from mesocalc._planning.overrides import Override
from mesocalc._planning.plan import Plan
from mesocalc._quantities.names import Side
from mesocalc._quantities.parameters import shown_quantity
from mesocalc._records import codec as _codec
from mesocalc.exceptions import InputTypeError, InvalidValueError

if TYPE_CHECKING:
    from mesocalc._clinic.session import Session
    from mesocalc.typing import Quantity

__all__ = ["SESSION_SCHEMA", "RecordedSession", "check_catalog", "load_session"]

_S = TypeVar("_S")

SESSION_SCHEMA: Final = "mesocalc.session"  # the schema of the session a record writes whole


def _one(kind: type, name: str) -> Any:
    def check(inst: Any, attr: Any, value: Any) -> None:
        if value is not None and not isinstance(value, kind):
            raise InputTypeError(name, value, f"None or a mesocalc.{kind.__name__}")

    return check


def check_catalog(inst: Any, attr: Any, value: Any) -> None:
    """The attrs validator of a record's ``catalog``: None or a Catalog (the record's too)."""
    if value is not None and not isinstance(value, Catalog):
        raise InputTypeError("catalog", value, "None or a mesocalc.Catalog (load_protocol)")


@attrs.frozen(kw_only=True)
class RecordedSession:
    """What a record keeps of the session it records: the session's parts, checked as it is.

    The record sits below the session in the layers (ADR 0020), so it holds the
    session's values rather than the :class:`mesocalc.Session`; they are written as the
    session writes itself (``mesocalc.session``), and read back with the session's own
    checks (its product's keep-outs, label's caps, summed caps and screening,
    ``_clinic.session_checks``).
    """

    plans: tuple[Plan, ...] = attrs.field(
        converter=_session_checks.plans_of, metadata=_codec.payloads(lambda: Plan)
    )
    sides: tuple[Side | None, ...] = attrs.field(
        default=(), converter=_session_checks.sides_of, metadata=_codec.names(Side)
    )
    date: datetime.date | None = attrs.field(
        default=None, converter=_session_checks.date_of, metadata=_codec.date()
    )
    syringe: Syringe | None = attrs.field(
        default=None,
        validator=_one(Syringe, "syringe"),
        metadata=_codec.part(_codec.one_of(Syringe)),
    )
    product: Product | None = attrs.field(
        default=None,
        validator=_one(Product, "product"),
        metadata=_codec.part(_codec.one_of(Product)),
    )
    patient: Patient | None = attrs.field(
        default=None,
        validator=_one(Patient, "patient"),
        metadata=_codec.part(_codec.one_of(Patient)),
    )
    override: Override | None = attrs.field(
        default=None,
        validator=_one(Override, "override"),
        metadata=_codec.part(_codec.one_of(Override)),
    )
    # The clinic protocol the plans were made with (not written: passed again), as Session's.
    catalog: Catalog | None = attrs.field(
        default=None,
        eq=False,
        repr=False,
        validator=check_catalog,
        metadata=_codec.skip(),
    )

    def __attrs_post_init__(self) -> None:
        if self.sides and len(self.sides) != len(self.plans):
            raise InvalidValueError(
                "sides",
                [None if v is None else v.value for v in self.sides],
                f"one side ('left', 'right' or None) for each of the {len(self.plans)} plans",
            )
        _session_checks.check_keep_outs(self)
        _session_checks.check_screening(self)
        _session_checks.check_label(self)
        _session_checks.session_caps(self)

    @classmethod
    def of(
        cls, session: Session | RecordedSession, catalog: Catalog | None = None
    ) -> RecordedSession:
        """The parts of ``session`` (a :class:`mesocalc.Session`) the record keeps.

        ``catalog``: the clinic protocol its plans were made with, if the session does not
        hold it already.
        """
        fields = [f.name for f in attrs.fields(cls)]
        if not all(hasattr(session, name) for name in fields):
            raise InputTypeError("session", session, "a mesocalc.Session")
        parts = {name: getattr(session, name) for name in fields}
        if parts["catalog"] is None and catalog is not None:
            parts["catalog"] = catalog
        elif isinstance(session, RecordedSession):
            return session
        return cls(**parts)

    @property
    def screening(self) -> Screening | None:
        """The patient screened for the product, as the session screens them."""
        if self.patient is None:
            return None
        return screen(self.patient, product=None if self.product is None else (self.product.name,))

    @property
    def points(self) -> int:
        """Injection points planned over all areas."""
        return sum(p.points for p in self.plans)

    @property
    def total_volume(self) -> Quantity:
        """Product planned over all areas, in mL."""
        return shown_quantity(
            "total_volume",
            sum(p.points * _codec.value_of(p, "volume_per_point") for p in self.plans),
        )

    def where(self, i: int) -> str:
        """Area ``i`` in words, as the session says it ("classic on the face, left")."""
        p = self.plans[i]
        side = self.sides[i] if self.sides else None
        return f"{p.technique.value} on the {p.zone.value}" + (f", {side.value}" if side else "")

    def to_dict(self) -> dict[str, Any]:
        """The session's JSON (``mesocalc.session``), as ``Session.to_dict`` writes it."""
        out = _codec.dump(self, SESSION_SCHEMA)
        if self.screening is not None:
            out["screening"] = _codec.unstructure(self.screening)
        return out

    @classmethod
    def from_dict(cls, data: Any, *, catalog: Catalog | None = None) -> RecordedSession:
        """The parts from a session's JSON, checked as ``Session.from_dict`` checks them."""
        return load_session(cls, data, catalog)


def load_session(cls: type[_S], data: Any, catalog: Catalog | None) -> _S:
    """A session (or its recorded parts) from JSON, its stored screening checked.

    The screening is not read but done again from the stored patient and product, and
    must be what was stored: a record or a session never carries a screening mesocalc
    would not give now.
    """
    stored = data.get("screening") if isinstance(data, dict) else None
    if isinstance(data, dict):
        data = {k: v for k, v in data.items() if k != "screening"}
    session = _codec.load(cls, data, SESSION_SCHEMA, {"catalog": catalog})
    if stored is not None:
        screening = session.screening  # type: ignore[attr-defined]  # both classes have it
        again = None if screening is None else _codec.unstructure(screening)
        if stored != again:
            raise InvalidValueError(
                "screening",
                stored,
                "the screening of the stored patient and product, as mesocalc screens "
                "them now (without a patient, no screening)",
                "take the screening out of the JSON to screen the patient again",
            )
    return session

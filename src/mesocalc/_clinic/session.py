"""Session: several areas treated in one sitting, from one product and one set of syringes.

A session composes plans; it adds what only the sitting as a whole has: the totals
across its areas, the syringes to prepare for all of them (one dead space per syringe,
not per area), every plan's warnings and overrides in one place, and, given the
patient, the screening of that patient for the session's product: an absolute finding
refuses the session (a HardLimitError), a relative one warns, and a screening that is
not clear (questions not asked, names not screened) warns too.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

import attrs

from mesocalc._catalog import sites as _sites
from mesocalc._catalog.catalog import Catalog
from mesocalc._catalog.entries import Protocol
from mesocalc._catalog.warnings import WarningCode, WarningRecord, record
from mesocalc._clinic import recorded as _recorded
from mesocalc._clinic import session_checks as _session_checks
from mesocalc._clinic import session_requests as _session_requests
from mesocalc._clinic.products import Product
from mesocalc._clinic.screening import Patient, Screening, screen
from mesocalc._planning.equipment import Supply, Syringe
from mesocalc._planning.overrides import Override
from mesocalc._planning.plan import SHIPPED_CATALOG, Plan
from mesocalc._quantities.names import Side
from mesocalc._quantities.parameters import shown_quantity
from mesocalc._quantities.units import quantity
from mesocalc._records import codec as _codec
from mesocalc._records.tables import html_table, markdown_table, plural, shown, text_table
from mesocalc.exceptions import (
    InputTypeError,
    InvalidValueError,
)

if TYPE_CHECKING:
    from mesocalc._catalog.catalog import Catalog
    from mesocalc._clinic.record import TreatmentRecord
    from mesocalc._clinic.vials import Vial
    from mesocalc._geometry.chart import Chart
    from mesocalc._geometry.templates import Anatomy
    from mesocalc._planning.overrides import OverrideRecord
    from mesocalc.typing import Quantity

__all__ = ["Session"]

SCHEMA = _recorded.SESSION_SCHEMA


def _product(inst: Any, attr: Any, value: Any) -> None:
    if value is not None and not isinstance(value, Product):
        raise InputTypeError(
            "product",
            value,
            "None or a mesocalc.Product, such as mesocalc.product('deoxycholic acid')",
        )


def _override(inst: Any, attr: Any, value: Any) -> None:
    if value is not None and not isinstance(value, Override):
        raise InputTypeError(
            "override", value, "None or mesocalc.Override(reason=...), for the session's caps"
        )


def _patient(inst: Any, attr: Any, value: Any) -> None:
    if value is not None and not isinstance(value, Patient):
        raise InputTypeError(
            "patient",
            value,
            "None or a mesocalc.Patient(...), such as mesocalc.Patient(pregnant=False, ...)",
        )


def _catalog(inst: Any, attr: Any, value: Any) -> None:
    if value is not None and not isinstance(value, Catalog):
        raise InputTypeError("catalog", value, "None or a mesocalc.Catalog (load_protocol)")


def _syringe(inst: Any, attr: Any, value: Any) -> None:
    if value is not None and not isinstance(value, Syringe):
        raise InputTypeError("syringe", value, "None or mesocalc.Syringe(...)")


@attrs.frozen(kw_only=True)
class Session:
    """One treatment session: the plans of its areas, its date and the syringes it uses.

    ``sides`` gives each plan the side of a paired zone it lies on ("left", "right" or
    None), so that both sides of the jaw are two areas the record tells apart.

    A catalog's per-session cap (submental infiltration: 50 injections, 10 mL, KYB)
    holds over the session's areas of one technique on one zone, summed: beyond a soft
    cap the session needs its ``override`` (a :class:`mesocalc.Override`), as one plan
    beyond it does, and a hard cap no override passes.

    Examples:
        >>> import mesocalc
        >>> face = mesocalc.plan(technique="classic", zone="face", area="200 cm^2")
        >>> neck = mesocalc.plan(technique="classic", zone="neck", area="100 cm^2")
        >>> s = mesocalc.Session(plans=[face, neck], syringe=mesocalc.Syringe.conventional())
        >>> print(s.points, s.total_volume, s.syringes, sep=", ")
        300, 3.0 milliliter, 3
        >>> hand = mesocalc.plan(technique="classic", zone="hands", area="80 cm^2")
        >>> both = mesocalc.Session(plans=[hand, hand], sides=["left", "right"])
        >>> both.where(1)
        'classic on the hands, right'
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
        default=None, validator=_syringe, metadata=_codec.part(_codec.one_of(Syringe))
    )
    product: Product | None = attrs.field(
        default=None, validator=_product, metadata=_codec.part(_codec.one_of(Product))
    )
    patient: Patient | None = attrs.field(
        default=None, validator=_patient, metadata=_codec.part(_codec.one_of(Patient))
    )
    override: Override | None = attrs.field(
        default=None, validator=_override, metadata=_codec.part(_codec.one_of(Override))
    )
    # The clinic protocol its plans were planned or read with (Session.of, from_dict), for
    # the summed caps; not written, and not compared: None holds them to the shipped ones.
    catalog: Catalog | None = attrs.field(
        default=None, eq=False, repr=False, validator=_catalog, metadata=_codec.skip()
    )

    def __attrs_post_init__(self) -> None:
        if self.sides and len(self.sides) != len(self.plans):
            raise InvalidValueError(
                "sides",
                [None if v is None else v.value for v in self.sides],
                f"one side ('left', 'right' or None) for each of the {len(self.plans)} plans",
            )
        for i, side in enumerate(self.sides):
            self._check_side(i, side)
        _session_checks.check_keep_outs(self)
        self._check_screening()
        self._check_label()  # a label's hard caps before the catalog's soft one
        self._session_caps()

    def _check_side(self, i: int, side: Side | None) -> None:
        """A plan's side by the rule plan() applies: none on a midline site, one on a paired."""
        plan = self.plans[i]
        if side is None:
            return
        where = f"sides[{i}]"
        if plan.side is not None and plan.side is not side:
            raise InvalidValueError(
                where, side.value, f"the plan's own side, {plan.side.value}, or None"
            )
        _sites.side_of(plan.site, side, parameter=where)

    def _check_label(self) -> None:
        _session_checks.check_label(self)

    def _session_caps(self) -> list[WarningRecord]:
        return _session_checks.session_caps(self)

    @property
    def screening(self) -> Screening | None:
        """The patient screened for the session's product (by its name); None without a patient.

        Without a product, an allergy cannot be checked (a relative finding); a product
        mesocalc holds no label or rule for is listed as unscreened.
        """
        if self.patient is None:
            return None
        return screen(self.patient, product=None if self.product is None else (self.product.name,))

    def _check_screening(self) -> None:
        _session_checks.check_screening(self)

    def _screening_warnings(self) -> list[WarningRecord]:
        return _session_checks.screening_warnings(self)

    @property
    def active_dose(self) -> Quantity | None:
        """Active ingredient given over all areas, when the concentration is known.

        In mg for a concentration in mg/mL; in biological units (``biological_unit``, "U")
        for one in U/mL.
        """
        active = None if self.product is None else self.product.active
        if active is None:
            return None
        per_ml, unit, _ = active
        return quantity(self.total_volume.magnitude * per_ml, unit)

    @property
    def active_dose_per_area(self) -> Quantity | None:
        """Active ingredient per area treated, in mg/cm² (or U/cm²), when it is known."""
        active = None if self.product is None else self.product.active
        if active is None:
            return None
        per_ml, unit, _ = active
        area = sum(p.area.magnitude for p in self.plans)
        dose = self.total_volume.magnitude * per_ml / area
        return quantity(dose, f"{unit} / centimeter ** 2")

    @property
    def active_dose_per_point(self) -> tuple[Quantity, ...] | None:
        """Active ingredient in one point (one thread for retrograde), per area, in mg or U.

        One Quantity per plan, in the order of :attr:`plans`; None when the concentration
        is not known.
        """
        active = None if self.product is None else self.product.active
        if active is None:
            return None
        per_ml, unit, _ = active
        return tuple(
            quantity(_codec.value_of(p, "volume_per_point") * per_ml, unit) for p in self.plans
        )

    @classmethod
    def from_requests(
        cls,
        areas: list[Any],
        *,
        date: Any = None,
        syringe: Syringe | None = None,
        product: Product | None = None,
        catalog: Catalog | None = None,
        patient: Patient | None = None,
        override: Override | None = None,
    ) -> Session:
        """Plan each area (keyword arguments of :func:`mesocalc.plan`) and make the session.

        An area may also give its ``side`` ("left" or "right") for a paired zone.
        ``catalog`` (a clinic's protocol, :func:`mesocalc.load_protocol`) plans every area,
        and holds the session's totals to its caps; ``override`` is the session's (see
        :class:`Session`).

        Raises:
            MesocalcError: one area is wrong; its parameter names the area
                (``areas[1].depth``).
            MesocalcErrorGroup: several areas are wrong (an ExceptionGroup that is
                also a MesocalcError); each error in it names its area.
        """
        plans, sides = _session_requests.plan_areas(areas, product=product, catalog=catalog)
        return cls(
            plans=plans,
            sides=sides,
            date=date,
            syringe=syringe,
            product=product,
            patient=patient,
            override=override,
            catalog=catalog,
        )

    def where(self, i: int) -> str:
        """Area ``i`` in words: technique, site (or zone), side ("classic on the cheek, left")."""
        p = self.plans[i]
        side = self.sides[i] if self.sides else None
        side = p.side if side is None else side
        place = p.zone.value if p.location is None or p.location.site is None else p.location.site
        return f"{p.technique.value} on the {place}" + (f", {side.value}" if side else "")

    @property
    def protocols(self) -> tuple[Protocol, ...]:
        """The catalog or clinic protocols its plans were checked against, each once."""
        return tuple(dict.fromkeys(p.protocol for p in self.plans if p.protocol is not None))

    @property
    def points(self) -> int:
        """Injection points (threads for retrograde) over all areas."""
        return sum(p.points for p in self.plans)

    def _sum(self, name: str) -> float:
        return float(sum(getattr(p, name).magnitude for p in self.plans))

    @property
    def total_volume(self) -> Quantity:
        """Product injected over all areas, in mL."""
        return shown_quantity(
            "total_volume",
            sum(p.points * _codec.value_of(p, "volume_per_point") for p in self.plans),
        )

    @property
    def expected_loss(self) -> Quantity:
        """Product expected to be lost over all areas, in mL."""
        return shown_quantity("expected_loss", self._sum("expected_loss"))

    @property
    def delivered_volume(self) -> Quantity:
        """Product expected to stay in the skin over all areas, in mL."""
        return shown_quantity("delivered_volume", self._sum("delivered_volume"))

    @property
    def supply(self) -> Supply | None:
        """The syringes for the whole session (one dead space each), or None without a syringe."""
        if self.syringe is None:
            return None
        return Supply.of(self.total_volume.magnitude, self.syringe)

    @property
    def syringes(self) -> int | None:
        """Syringes to prepare for the session, or None without a syringe."""
        supply = self.supply
        return None if supply is None else supply.syringes

    @property
    def draw_up_volume(self) -> Quantity | None:
        """Product to draw up for the session, dead spaces included, in mL; else None."""
        supply = self.supply
        return None if supply is None else supply.draw_up_volume

    @property
    def warning_records(self) -> tuple[WarningRecord, ...]:
        """The session's own warnings, then every plan's, each once, naming its area."""
        out: dict[WarningRecord, None] = {}
        product = self.product
        if product is not None and product.expires is not None and self.date is None:
            expiry = product.expires.isoformat()
            text = (
                f"the expiry of {product.name} ({expiry}) is not checked: the session has no date"
            )
            out[record(WarningCode.EXPIRY_UNCHECKED, text, parameter="date")] = None
        for w in self._screening_warnings():
            out[w] = None
        for w in self._session_caps():
            out[w] = None
        for i, p in enumerate(self.plans):
            for w in p.warning_records:
                out[w.in_area(self.where(i))] = None
        return tuple(out)

    @property
    def warnings(self) -> tuple[str, ...]:
        """The warnings as text, each naming its area; :attr:`warning_records` as records."""
        return tuple(dict.fromkeys(str(w) for w in self.warning_records))

    @property
    def overrides(self) -> tuple[OverrideRecord, ...]:
        """Every plan's override records."""
        return tuple(r for p in self.plans for r in p.overrides)

    def rows(self) -> list[tuple[str, str]]:
        """One row per area, then the totals."""
        rows = [
            (
                f"{i + 1}. {self.where(i)}",
                f"{shown('area', _codec.value_of(p, 'area'))}, {plural(p.points, 'point')}, "
                f"{shown('total_volume', p.total_volume.magnitude)}",
            )
            for i, p in enumerate(self.plans)
        ]
        rows += [
            ("points", str(self.points)),
            ("total_volume", shown("total_volume", self.total_volume.magnitude)),
            ("expected_loss", shown("expected_loss", self.expected_loss.magnitude)),
        ]
        active = None if self.product is None else self.product.active
        if active is not None:
            dose = self.total_volume.magnitude * active[0]
            rows.append(("active_dose", f"{dose:.4g} {active[2]}"))
        rows += self._product_rows()
        if self.screening is not None:
            rows.append(("screening", self.screening.status))
        clinic = [str(p) for p in self.protocols if p.name != SHIPPED_CATALOG]
        if clinic:
            rows.append(("protocol", ", ".join(clinic)))
        if self.supply is not None:
            rows.append(("syringes", str(self.supply.syringes)))
            rows.append(
                ("draw_up_volume", shown("draw_up_volume", self.supply.draw_up_volume.magnitude))
            )
        return rows

    def _product_rows(self) -> list[tuple[str, str]]:
        """The product's name, lot and expiry, each when known."""
        product = self.product
        if product is None:
            return []
        rows = [("product", product.name)]
        if product.lot is not None:
            rows.append(("lot", product.lot))
        if product.expires is not None:
            rows.append(("expires", product.expires.isoformat()))
        return rows

    def _merged_warnings(self) -> tuple[str, ...]:
        """The warnings as tables show them: one the areas share is said once, naming each."""
        areas: dict[str, list[str]] = {}
        for w in self.warning_records:
            areas.setdefault(w.text, [])
            if w.area and w.area not in areas[w.text]:
                areas[w.text].append(w.area)
        return tuple(f"{'; '.join(a)}: {text}" if a else text for text, a in areas.items())

    def table(self) -> str:
        """The session as a plain-text table: its areas, then its totals and warnings.

        A warning several areas share is printed once, naming each of them.
        """
        return text_table(self.rows(), self._merged_warnings())

    def _repr_markdown_(self) -> str:
        return markdown_table(self.rows(), self._merged_warnings())

    def _repr_html_(self) -> str:
        """One row per area, then the totals and the areas' warnings, each said once."""
        return html_table(self.rows(), self._merged_warnings(), caption=self._title())

    def chart(self, *, anatomy: Anatomy | None = None) -> Chart:
        """The session as one injection chart: every area's points, numbered across areas.

        Areas on a site are drawn in their site's view, over its template scaled to
        ``anatomy``, with the keep-out zones for the session's product shaded; areas over
        a shape, each in a panel of its own. An area given as a bare size has no
        positions, and the legend says so.

        Raises:
            InvalidValueError: no area has positions (naming ``plans``), or the session
                has more points than one chart shows.
            InputTypeError: naming ``anatomy``.
        """
        from mesocalc._planning import charting as _charting  # noqa: PLC0415 - loaded on first use

        return _charting.chart_of(
            self.plans,
            [self.where(i) for i in range(len(self.plans))],
            anatomy=anatomy,
            product=self.product,
            parameter="plans",
            title=f"Injection chart: {self._title().lower()}",
        )

    def _repr_svg_(self) -> str | None:
        """The chart, for notebooks; None where there is none (see :meth:`chart`)."""
        try:
            return self.chart().svg
        except InvalidValueError:
            return None

    def _title(self) -> str:
        when = f" on {self.date.isoformat()}" if self.date else ""
        return f"Session of {plural(len(self.plans), 'area')}{when}"

    def __repr__(self) -> str:
        product = self.product
        of = ""
        if product is not None:
            lot = f" lot {product.lot}" if product.lot is not None else ""
            expires = f", expires {product.expires.isoformat()}" if product.expires else ""
            of = f", {product.name}{lot}{expires}"
        return (
            f"<{self._title()}: {plural(self.points, 'point')}, "
            f"total {shown('total_volume', self.total_volume.magnitude)}{of}>"
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict naming its schema (``mesocalc.session``); each plan whole.

        With a patient, the screening is written beside it for readers (``screening``).
        """
        out = _codec.dump(self, SCHEMA)
        if self.screening is not None:
            out["screening"] = _codec.unstructure(self.screening)
        return out

    def record(
        self,
        *,
        by: str,
        at: datetime.datetime | str,
        vials: Sequence[Vial] | None = None,
        catalog: Catalog | None = None,
    ) -> TreatmentRecord:
        """The treatment record of this session, given as planned, by ``by`` at ``at``.

        ``at`` is a timezone-aware datetime (or ISO 8601 text with its offset), on or
        after the session's date. What was given is drawn from the session's product and
        lot; ``vials`` adds others (:class:`mesocalc.Vial`), or gives the lot when the
        session's product has none. Change it with :meth:`TreatmentRecord.given`; see
        :class:`mesocalc.TreatmentRecord` and ADR 0020.
        """
        # The record sits below the session and keeps its parts (ADR 0020).
        from mesocalc._clinic.record import TreatmentRecord  # noqa: PLC0415 - on first use

        return TreatmentRecord.of(self, by=by, at=at, vials=vials, catalog=catalog)

    if TYPE_CHECKING:  # a patient is required; called without one, a MesocalcError says so

        def to_fhir(
            self,
            *,
            patient: str,
            given: bool = False,
            catalog: Catalog | None = None,
            version: Literal["R5", "R4"] = "R5",
            bundle: Literal["collection", "transaction"] = "collection",
        ) -> dict[str, Any]:
            """The session as a FHIR Bundle (see below)."""

    def to_fhir(  # type: ignore[no-redef] # the precise signature is the one above
        self,
        *,
        patient: Any = None,
        given: bool = False,
        catalog: Catalog | None = None,
        version: Any = "R5",
        bundle: Any = "collection",
    ) -> dict[str, Any]:
        """The session as a FHIR Bundle (a JSON-ready dict), R5 or R4; docs/fhir.md shows one.

        One Procedure for the session, one MedicationAdministration per area (its route
        from the technique's layer, its site from the zone's SNOMED CT code, its dose in
        UCUM mL), the product as a Medication and each needle as a Device. Ids derive from
        the session and the patient: the same session exports the same bundle.

        Args:
            patient: a reference to the patient, such as ``"Patient/123"``; R5 requires it.
            given: True when the session was given as planned (status "completed");
                False, the default, for a plan ("preparation"; "unknown" for each area).
            catalog: the catalog of the zones' codes and the techniques' layers (the
                shipped one by default).
            version: "R5" (the default) or "R4", which most production EHRs run.
            bundle: "collection" (the default), a document of the session; or
                "transaction", which a FHIR server takes in one POST: every entry
                carries its ``request`` and every reference between entries resolves
                inside the bundle.

        Raises:
            MesocalcError: no patient, or a wrong one; a session without a date or a
                product, which FHIR requires of a MedicationAdministration; a version
                or bundle type other than those above.
        """
        from mesocalc._clinic.fhir import bundle as make  # noqa: PLC0415 - loaded on first use

        return make(
            self, patient=patient, given=given, catalog=catalog, version=version, kind=bundle
        )

    @classmethod
    def from_dict(cls, data: Any, *, catalog: Catalog | None = None) -> Session:
        """Rebuild a session from :meth:`to_dict` output, each plan checked as it is read.

        ``catalog`` is the clinic protocol the plans were made with (see
        :meth:`Plan.from_dict`); the shipped catalog by default.
        """
        return _recorded.load_session(cls, data, catalog)

"""FHIR export of a treatment record, R5 or R4: what was given, by whom, and what came after.

Built on the session's export (``_clinic.fhir``): the same Procedure, sites, routes and
needles, with what the record says. One Medication per vial (its GTIN coded with GS1's
system, its lot and expiry in ``batch``); one MedicationAdministration per lot drawn in
each area, its dose what was injected from that lot, its performer who gave it, its
notes the deviations and their reasons; one AdverseEvent per event, its suspect the
lot's Medication (or the area's administration); one Provenance per amendment, naming
who amended what, when and why. The record is taken as duck-typed: this module sits
below the record in the layers, as the session's export sits below the session.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, cast

from mesocalc._catalog.catalog import Catalog, default_catalog
from mesocalc._clinic import fhir as _fhir
from mesocalc._quantities.parameters import PARAMETERS
from mesocalc._records.tables import plural, shown
from mesocalc.exceptions import InputTypeError

if TYPE_CHECKING:
    from mesocalc._clinic.record import TreatmentRecord
    from mesocalc._clinic.session import Session
    from mesocalc._clinic.vials import AdverseEvent, Amendment, Given
    from mesocalc._planning.plan import Plan

__all__ = ["ADVERSE_EVENT_SEVERITY", "GTIN", "record_bundle"]

# GS1's GTIN as a FHIR code system (HL7's terminology: the GTIN naming system).
GTIN: Final = "https://www.gs1.org/gtin"
# R4's AdverseEvent.severity codes (http://hl7.org/fhir/ValueSet/adverse-event-severity).
ADVERSE_EVENT_SEVERITY: Final = "http://terminology.hl7.org/CodeSystem/adverse-event-severity"


def record_bundle(
    record: TreatmentRecord,
    *,
    patient: Any,
    catalog: Any,
    version: Any = "R5",
    kind: Any = "collection",
) -> dict[str, Any]:
    """The record as a FHIR Bundle of R5 or R4 resources (see TreatmentRecord.to_fhir)."""
    r4 = _fhir._choice(version, "version", _fhir.VERSIONS) == "R4"
    transaction = _fhir._choice(kind, "bundle", _fhir.BUNDLE_TYPES) == "transaction"
    subject = _fhir._subject(patient)
    if catalog is not None and not isinstance(catalog, Catalog):
        raise InputTypeError("catalog", catalog, "None or a mesocalc.Catalog")
    book = default_catalog() if catalog is None else catalog
    made = _RecordBundle(record, subject, book, r4=r4)
    name = "Bundle/record" + ("/R4" if r4 else "") + ("/transaction" if transaction else "")
    return {
        "resourceType": "Bundle",
        "id": made.ids.url(name)[0],
        "type": "transaction" if transaction else "collection",
        "entry": [_fhir._entry(url, resource, transaction) for url, resource in made.entries()],
    }


class _RecordBundle(_fhir._Bundle):
    """The resources of one record's export, built once, in the order they are listed."""

    def __init__(self, record: TreatmentRecord, subject: str, catalog: Catalog, *, r4: bool):
        session = record.session
        # The session's date, else the day given: the Procedure happened then.
        super().__init__(_dated(record), subject, catalog, given=True, r4=r4)
        self.record = record
        # The record's parts of its session (RecordedSession): what the export reads of one.
        self.session = cast("Session", session)
        self.when = record.at.isoformat()
        self.vials = {v.lot: self.ids.url(f"Medication/{v.lot}") for v in record.vials}
        self.given_devices = {
            g.needle: self.ids.url(f"Device/given/{i}")
            for i, g in enumerate(record.areas)
            if g.needle is not None
        }
        self.devices = {n: self.devices.get(n, url) for n, url in self.given_devices.items()}
        self.administrations: dict[int, list[str]] = {}

    def entries(self) -> list[tuple[str, dict[str, Any]]]:
        out = []
        for v in self.record.vials:
            ident, url = self.vials[v.lot]
            out.append((url, _medication(v.product, ident, self.r4)))
        out += [(url, _fhir._device(n, i, self.r4)) for n, (i, url) in self.devices.items()]
        sites: list[dict[str, Any]] = []
        for i, (p, g) in enumerate(zip(self.session.plans, self.record.areas, strict=True)):
            site, site_note = self._site(i, p)
            if site not in sites:
                sites.append(site)
            out += self._given(i, p, g, site, site_note)
        out += [self._event(k, e) for k, e in enumerate(self.record.adverse_events)]
        out += [self._provenance(k, a) for k, a in enumerate(self.record.amendments)]
        procedure = self._procedure(sites)
        used = [_fhir._ref(url) for _, url in (*self.vials.values(), *self.devices.values())]
        if self.r4:
            procedure["usedReference"] = used
        else:
            procedure["used"] = [{"reference": u} for u in used]
        procedure["performer"] = [{"actor": {"display": self.record.by}}]
        return [(self.procedure[1], procedure), *out, *self.located]

    def _given(
        self, i: int, plan: Plan, g: Given, site: dict[str, Any], site_note: str
    ) -> list[tuple[str, dict[str, Any]]]:
        """One MedicationAdministration per lot drawn in area ``i`` (none drawn: not done)."""
        route, route_note = _fhir._route(self.catalog, plan)
        notes = [site_note, route_note]
        notes += [str(d) for d in self.record.deviations if d.area == i]
        out = []
        draws = g.draws or (None,)
        for k, draw in enumerate(draws):
            ident, url = self.ids.url(f"MedicationAdministration/{i}/{k}")
            self.administrations.setdefault(i, []).append(url)
            each = "threads" if plan.thread_length is not None else "injections"
            dosage: dict[str, Any] = {
                "text": f"{plural(g.points, each[:-1])} in all, "
                f"{shown('depth', g.depth_mm)} deep"
                + (f"; {shown('total_volume', draw.volume_ml)} of lot {draw.lot}" if draw else ""),
                "site": site,
                "route": route,
                "method": {"text": f"mesotherapy, {plan.technique.value} technique"},
            }
            out_: dict[str, Any] = {
                "resourceType": "MedicationAdministration",
                "id": ident,
                "status": "completed" if draw is not None else "not-done",
                "partOf": [_fhir._ref(self.procedure[1])],
            }
            if draw is not None:
                dosage["dose"] = _fhir._quantity(draw.volume_ml, PARAMETERS["total_volume"].json)
                medication = _fhir._ref(self.vials[draw.lot][1])
            else:
                medication = _fhir._ref(next(iter(self.vials.values()))[1])
            performer: dict[str, Any]
            if self.r4:
                out_["medicationReference"] = medication
                out_["subject"] = _fhir._ref(self.subject)
                out_["effectiveDateTime"] = self.when
                performer = {"actor": {"display": self.record.by}}
            else:
                out_["medication"] = {"reference": medication}
                out_["subject"] = _fhir._ref(self.subject)
                out_["occurenceDateTime"] = self.when  # R5 spells it with one "r" here
                performer = {"actor": {"concept": {"text": self.record.by}}}
            out_["performer"] = [performer]
            if g.needle is not None:
                device = _fhir._ref(self.devices[g.needle][1])
                out_["device"] = [device if self.r4 else {"reference": device}]
            out_["dosage"] = dosage
            if any(notes):
                out_["note"] = [{"text": n} for n in notes if n]
            out.append((url, out_))
        return out

    def _event(self, k: int, e: AdverseEvent) -> tuple[str, dict[str, Any]]:
        ident, url = self.ids.url(f"AdverseEvent/{k}")
        suspect = (
            self.vials[e.lot][1]
            if e.lot is not None
            else self.administrations[e.area][0]
            if e.area is not None
            else None
        )
        what = e.kind.value.replace("-", " ")
        where = "" if e.area is None else f", {self.session.where(e.area)}"
        out: dict[str, Any] = {"resourceType": "AdverseEvent", "id": ident, "actuality": "actual"}
        if self.r4:
            out["event"] = {"text": f"{what}{where}; action: {e.action}"}
            out["subject"] = _fhir._ref(self.subject)
            out["date"] = e.onset.isoformat()
            out["severity"] = {
                "coding": [{"system": ADVERSE_EVENT_SEVERITY, "code": e.severity.value}]
            }
            if suspect is not None:
                out["suspectEntity"] = [{"instance": _fhir._ref(suspect)}]
        else:  # R5 has no severity: it is said in a note, the action as a mitigating action
            out["status"] = "completed"
            out["code"] = {"text": f"{what}{where}"}
            out["subject"] = _fhir._ref(self.subject)
            out["occurrenceDateTime"] = e.onset.isoformat()
            if suspect is not None:
                out["suspectEntity"] = [{"instanceReference": _fhir._ref(suspect)}]
            out["mitigatingAction"] = [{"itemCodeableConcept": {"text": e.action}}]
            out["note"] = [{"text": f"severity: {e.severity.value}"}]
        return url, out

    def _provenance(self, k: int, a: Amendment) -> tuple[str, dict[str, Any]]:
        ident, url = self.ids.url(f"Provenance/{k}")
        targets = self.administrations.get(a.area, []) if a.area is not None else []
        activity = f"amendment: {a.reason}" + (f"; note: {a.note}" if a.note else "")
        out: dict[str, Any] = {
            "resourceType": "Provenance",
            "id": ident,
            "target": [_fhir._ref(t) for t in (targets or [self.procedure[1]])],
            "recorded": a.at.isoformat(),
            "activity": {"text": activity},
            "agent": [{"who": {"display": a.by}}],
        }
        if self.r4:
            out["reason"] = [{"text": a.reason}]
        else:
            out["patient"] = _fhir._ref(self.subject)
        return url, out


def _dated(record: TreatmentRecord) -> Any:
    """The session with a date (the day given, when it had none), for the session's export."""
    import attrs  # noqa: PLC0415 - already loaded by the record

    session = record.session
    if session.date is not None and session.product is not None:
        return session
    product = session.product if session.product is not None else record.vials[0].product
    return attrs.evolve(session, date=session.date or record.at.date(), product=product)


def _medication(product: Any, ident: str, r4: bool) -> dict[str, Any]:
    out = _fhir._medication(product, ident, r4)
    if product.gtin is not None:
        out["code"] = {"coding": [{"system": GTIN, "code": product.gtin}], "text": product.name}
    return out

"""FHIR export, R5 or R4: a session as a Bundle of plain dicts, ready for ``json.dumps``.

One Procedure for the sitting, one MedicationAdministration per area, the product as
a Medication (its lot and expiry in ``batch``) and each needle as a Device. R5 is
the current standard; most production EHRs run R4, whose resources differ in a few
elements' names and types (R4's ``medicationReference`` for R5's ``medication``, its
``effectiveDateTime``, ``performedDateTime`` and ``usedReference``); both are written
here from the same facts. A "collection" bundle is a document; a "transaction" bundle
is what a FHIR server takes in one POST, every entry with its ``request``. Codes come
from data: the zone's SNOMED CT code from the catalog, the route from the layer the
technique deposits in, units from UCUM. Building the dicts needs nothing beyond the
standard library; ``fhir.resources`` (the ``fhir`` extra) validates their structure.
docs/fhir.md explains each code and what is given as text only.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from mesocalc._catalog import Catalog, default_catalog
from mesocalc._catalog_entries import Layer
from mesocalc._codes import SNOMED, UCUM
from mesocalc._tables import shown
from mesocalc.exceptions import InputTypeError, InvalidValueError

if TYPE_CHECKING:
    from mesocalc._equipment import Needle
    from mesocalc._names import Side, Zone
    from mesocalc._plan import Plan
    from mesocalc._products import Product
    from mesocalc._session import Session

__all__ = [
    "BIOLOGICAL_UNITS_TEXT",
    "BUNDLE_TYPES",
    "MEDICATION_ADMINISTRATION_STATUSES",
    "PROCEDURE_STATUSES",
    "ROUTES",
    "UCUM_CODES",
    "VERSIONS",
    "bundle",
]

# The FHIR releases an export is written for, and the bundle types it can be.
VERSIONS: Final = ("R5", "R4")
BUNDLE_TYPES: Final = ("collection", "transaction")

# SNOMED CT route concepts by the layer a technique deposits in (FHIR's route-codes
# value set, http://hl7.org/fhir/ValueSet/route-codes). Layer "any" has none: its
# published depths straddle the dermis and the subcutis, so no one route is true of it.
ROUTES: Final[Mapping[Layer, tuple[str, str]]] = {
    Layer.SKIN: ("372464004", "intradermal"),
    Layer.SUBCUTIS: ("34206005", "subcutaneous"),
}
# The UCUM codes an export writes (the UCUM essence file, ucum-essence.xml); case matters.
UCUM_CODES: Final = frozenset({"mL", "mg", "mm"})
# A strength in biological units (a toxin's "U") is written as text, with no code: UCUM's
# U is the enzyme unit (umol/min), which a biological unit is not, and its arbitrary unit,
# [arb'U], is not among the verified codes above; see ADR 0010.
BIOLOGICAL_UNITS_TEXT: Final = "U (biological units)"
# R5's codes for each resource's status (event-status; medication-admin-status).
PROCEDURE_STATUSES: Final = frozenset(
    {"preparation", "in-progress", "not-done", "on-hold", "stopped", "completed"}
    | {"entered-in-error", "unknown"}
)
MEDICATION_ADMINISTRATION_STATUSES: Final = frozenset(
    {"in-progress", "not-done", "on-hold", "completed", "entered-in-error", "stopped", "unknown"}
)
# A session not yet given is in preparation; R5 gives a MedicationAdministration no
# "planned" status, and of its codes only "unknown" claims nothing that has not happened.
_STATUS: Final = {False: ("preparation", "unknown"), True: ("completed", "completed")}

# Fixed for good: every exported id derives from it, so changing it changes them all.
_NAMESPACE: Final = uuid.UUID("9ab9e31b-a6f8-40f7-889f-50cd794f3ca1")
_ID: Final = r"[A-Za-z0-9\-.]{1,64}"  # R5's id datatype
# A relative or absolute reference to a Patient: a urn:uuid would have to resolve
# within the bundle, which holds no Patient.
_PATIENT: Final = re.compile(
    rf"(https?://[A-Za-z0-9\-.]{{1,253}}(:[0-9]{{1,5}})?(/[A-Za-z0-9\-._~%]{{1,64}}){{0,8}}/)?"
    rf"Patient/{_ID}",
    re.ASCII,
)
_PATIENT_EXPECTED: Final = (
    "a reference to the patient, such as 'Patient/123' or "
    "'https://host/fhir/Patient/123': R5 requires a subject"
)


def _subject(patient: Any) -> str:
    if patient is None:
        raise InvalidValueError("patient", patient, _PATIENT_EXPECTED)
    if not isinstance(patient, str):
        raise InputTypeError("patient", patient, _PATIENT_EXPECTED)
    if len(patient) > 2048 or not _PATIENT.fullmatch(patient):
        raise InvalidValueError("patient", patient, _PATIENT_EXPECTED)
    return patient


def _quantity(value: float, code: str) -> dict[str, Any]:
    """A UCUM Quantity; 12 significant digits drop binary noise (0.30000000000000004)."""
    return {"value": float(f"{value:.12g}"), "unit": code, "system": UCUM, "code": code}


def _ref(url: str) -> dict[str, Any]:
    return {"reference": url}


class _Ids:
    """Deterministic ids: uuid5 of the session's JSON and the patient, then of each part.

    The same session for the same patient exports the same resource ids, whether
    planned or given, so a later export of the session as given names the same
    resources; the two bundles differ in their own id.
    """

    def __init__(self, session: Session, subject: str) -> None:
        key = json.dumps(
            {"patient": subject, "session": session.to_dict()},
            sort_keys=True,
            separators=(",", ":"),
        )
        self.bundle = uuid.uuid5(_NAMESPACE, key)

    def url(self, name: str) -> tuple[str, str]:
        """The resource id and the entry's fullUrl for part ``name``."""
        part = str(uuid.uuid5(self.bundle, name))
        return part, f"urn:uuid:{part}"


def _site(catalog: Catalog, zone: Zone, side: Side | None) -> tuple[dict[str, Any], str]:
    """The zone as a body site, coded when the catalog's code is verified; and a note."""
    text = zone.value + (f", {side.value}" if side else "")
    site = catalog.site(zone)
    if site is None:
        return {"text": text}, f"site as text only: no SNOMED CT code for the {zone.value}"
    if not site.verified:
        return {"text": text}, (
            f"site as text only: SNOMED CT {site.code}, the catalog's code for the "
            f"{zone.value}, is unverified. {site.note}"
        )
    return {"coding": [{"system": SNOMED, "code": site.code}], "text": text}, ""


def _route(catalog: Catalog, plan: Plan) -> tuple[dict[str, Any], str]:
    """The route by the technique's layer; none coded for a technique of no one layer."""
    spec = catalog.spec(plan.technique, plan.zone)
    if spec.layer in ROUTES:
        code, text = ROUTES[spec.layer]
        return {"coding": [{"system": SNOMED, "code": code}], "text": text}, ""
    return {"text": "intradermal or subcutaneous"}, (
        f"route as text only: {plan.technique.value} deposits in no one skin layer. "
        f"{spec.layer_note}"
    ).strip()


def _medication(product: Product, ident: str, r4: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"resourceType": "Medication", "id": ident}
    out["code"] = {"text": product.name}
    active = product.active
    if active is not None:
        c, unit, _ = active
        strength = {
            "numerator": _quantity(c, "mg")
            if unit == "milligram"
            else {"value": float(f"{c:.12g}"), "unit": BIOLOGICAL_UNITS_TEXT},
            "denominator": _quantity(1.0, "mL"),
        }
        item = (
            {"itemCodeableConcept": {"text": product.name}, "strength": strength}
            if r4  # R4: item[x] and strength; R5: item (a CodeableReference), strength[x]
            else {"item": {"concept": {"text": product.name}}, "strengthRatio": strength}
        )
        out["ingredient"] = [{**item, "isActive": True}]
    batch: dict[str, str] = {}
    if product.lot is not None:
        batch["lotNumber"] = product.lot
    if product.expires is not None:
        batch["expirationDate"] = product.expires.isoformat()
    if batch:
        out["batch"] = batch
    return out


def _device(needle: Needle, ident: str, r4: bool) -> dict[str, Any]:
    name = f"{needle.gauge}G needle, {needle.length_mm:g} mm"
    length = _quantity(needle.length_mm, "mm")
    if r4:  # R4: deviceName, one type, and each property's values as lists
        return {
            "resourceType": "Device",
            "id": ident,
            "deviceName": [{"name": name, "type": "user-friendly-name"}],
            "type": {"text": "needle"},
            "property": [
                {"type": {"text": "gauge"}, "valueQuantity": [{"value": needle.gauge}]},
                {"type": {"text": "length"}, "valueQuantity": [length]},
            ],
        }
    return {
        "resourceType": "Device",
        "id": ident,
        "displayName": name,
        "type": [{"text": "needle"}],
        "property": [
            {"type": {"text": "gauge"}, "valueInteger": needle.gauge},
            {"type": {"text": "length"}, "valueQuantity": length},
        ],
    }


def _dosage(plan: Plan, site: dict[str, Any], route: dict[str, Any]) -> dict[str, Any]:
    each = "threads" if plan.thread_length is not None else "injections"
    return {
        "text": f"{plan.points} {each} of {shown('volume_per_point', plan._volume_per_point)}, "
        f"{shown('depth', plan._depth)} deep",
        "site": site,
        "route": route,
        "method": {"text": f"mesotherapy, {plan.technique.value} technique"},
        "dose": _quantity(plan.points * plan._volume_per_point, "mL"),
    }


def _choice(value: Any, parameter: str, choices: tuple[str, ...]) -> str:
    expected = " or ".join(repr(c) for c in choices)
    if not isinstance(value, str):
        raise InputTypeError(parameter, value, expected)
    if value not in choices:
        raise InvalidValueError(parameter, value, expected)
    return value


def bundle(
    session: Session,
    *,
    patient: Any,
    given: Any,
    catalog: Any,
    version: Any = "R5",
    kind: Any = "collection",
) -> dict[str, Any]:
    """The session as a FHIR Bundle of R5 or R4 resources (see Session.to_fhir)."""
    r4 = _choice(version, "version", VERSIONS) == "R4"
    transaction = _choice(kind, "bundle", BUNDLE_TYPES) == "transaction"
    subject = _subject(patient)
    if type(given) is not bool:
        raise InputTypeError(
            "given", given, "True (the session was given as planned) or False (planned)"
        )
    if catalog is not None and not isinstance(catalog, Catalog):
        raise InputTypeError("catalog", catalog, "None or a mesocalc.Catalog")
    book = default_catalog() if catalog is None else catalog
    if session.date is None:
        raise InvalidValueError(
            "date", None, "a session with a date: R5 requires a MedicationAdministration's time"
        )
    product = session.product
    if product is None:
        raise InvalidValueError(
            "product",
            None,
            "a session with a product: R5 requires what a MedicationAdministration gives",
        )
    when = session.date.isoformat()
    procedure_status, administrationstatus = _STATUS[given]
    ids = _Ids(session, subject)
    procedure_id, procedure_url = ids.url("Procedure")
    medication_id, medication_url = ids.url("Medication")
    entries: list[tuple[str, dict[str, Any]]] = [
        (medication_url, _medication(product, medication_id, r4))
    ]
    devices: dict[Needle, str] = {}
    for p in session.plans:
        if p.needle is not None and p.needle not in devices:
            device_id, devices[p.needle] = ids.url(f"Device/{len(devices)}")
            entries.append((devices[p.needle], _device(p.needle, device_id, r4)))
    sites: list[dict[str, Any]] = []
    for i, p in enumerate(session.plans):
        site, site_note = _site(book, p.zone, session.sides[i] if session.sides else None)
        route, route_note = _route(book, p)
        if site not in sites:
            sites.append(site)
        ident, url = ids.url(f"MedicationAdministration/{i}")
        administration: dict[str, Any] = {
            "resourceType": "MedicationAdministration",
            "id": ident,
            "status": administrationstatus,
            "partOf": [_ref(procedure_url)],
        }
        if r4:
            administration["medicationReference"] = _ref(medication_url)
            administration["subject"] = _ref(subject)
            administration["effectiveDateTime"] = when
        else:
            administration["medication"] = {"reference": _ref(medication_url)}
            administration["subject"] = _ref(subject)
            administration["occurenceDateTime"] = when  # R5 spells it with one "r" here
        if p.needle is not None:
            device = _ref(devices[p.needle])
            administration["device"] = [device if r4 else {"reference": device}]
        administration["dosage"] = _dosage(p, site, route)
        notes = [site_note, route_note, *(r.describe() for r in p.overrides)]
        if any(notes):
            administration["note"] = [{"text": n} for n in notes if n]
        entries.append((url, administration))
    used = [_ref(u) for u in (medication_url, *devices.values())]
    procedure = {
        "resourceType": "Procedure",
        "id": procedure_id,
        "status": procedure_status,
        "code": {"text": "mesotherapy"},  # no SNOMED CT concept for it was found
        "subject": _ref(subject),
        ("performedDateTime" if r4 else "occurrenceDateTime"): when,
        "bodySite": sites,
        **({"usedReference": used} if r4 else {"used": [{"reference": u} for u in used]}),
    }
    name = f"Bundle/{procedure_status}" + ("" if version == "R5" else "/R4")
    return {
        "resourceType": "Bundle",
        "id": ids.url(name + ("/transaction" if transaction else ""))[0],
        "type": "transaction" if transaction else "collection",
        "entry": [
            _entry(url, resource, transaction)
            for url, resource in [(procedure_url, procedure), *entries]
        ],
    }


def _entry(url: str, resource: dict[str, Any], transaction: bool) -> dict[str, Any]:
    """A bundle entry; in a transaction, with the request that creates its resource.

    A server gives each created resource its own id and rewrites the ``urn:uuid``
    references between entries to it (FHIR's transaction rules), so the bundle is
    posted as it is.
    """
    entry: dict[str, Any] = {"fullUrl": url, "resource": resource}
    if transaction:
        entry["request"] = {"method": "POST", "url": resource["resourceType"]}
    return entry

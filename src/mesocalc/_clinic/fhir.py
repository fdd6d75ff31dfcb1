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

from mesocalc._catalog.catalog import Catalog, default_catalog
from mesocalc._catalog.entries import Layer
from mesocalc._quantities.codes import SNOMED, UCUM
from mesocalc._records import codec as _codec
from mesocalc._records.tables import shown
from mesocalc.exceptions import InputTypeError, InvalidValueError

if TYPE_CHECKING:
    from mesocalc._catalog.sites import SiteRecord
    from mesocalc._clinic.products import Product
    from mesocalc._clinic.session import Session
    from mesocalc._planning.equipment import Needle
    from mesocalc._planning.plan import Plan
    from mesocalc._quantities.names import Side, Zone

__all__ = [
    "BIOLOGICAL_UNITS_TEXT",
    "BODY_SITE_EXTENSION",
    "BUNDLE_TYPES",
    "LATERALITY",
    "MEDICATION_ADMINISTRATION_STATUSES",
    "PROCEDURE_STATUSES",
    "ROUTES",
    "UCUM_CODES",
    "VERSIONS",
    "bundle",
]

# SNOMED CT laterality qualifiers (HL7 Europe's site-laterality value set), by side.
LATERALITY: Final = {
    "left": ("7771000", "Left"),
    "right": ("24028007", "Right"),
    "both": ("51440002", "Right and left"),
}
# The core extension that points a coded site at a BodyStructure (R4B and R5).
BODY_SITE_EXTENSION: Final = "http://hl7.org/fhir/StructureDefinition/bodySite"

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


def _site(
    catalog: Catalog, zone: Zone, side: Side | None, named: SiteRecord | None = None
) -> tuple[dict[str, Any], str]:
    """The site (or the zone) as a body site, coded when its code is verified; and a note.

    A named site with a verified code of its own (the cheek's) is coded by it; otherwise
    by its zone's, with the site's name in the text.
    """
    text = (named.name if named is not None else zone.value) + (f", {side.value}" if side else "")
    if named is not None and named.code is not None and named.code.verified:
        return {"coding": [{"system": SNOMED, "code": named.code.code}], "text": text}, ""
    site = catalog.site(zone)
    if site is None:
        return {"text": text}, f"site as text only: no SNOMED CT code for the {zone.value}"
    if not site.verified:
        return {"text": text}, (
            f"site as text only: SNOMED CT {site.code}, the catalog's code for the "
            f"{zone.value}, is unverified. {site.note}"
        )
    return {"coding": [{"system": SNOMED, "code": site.code}], "text": text}, ""


def _body_structure(
    site: dict[str, Any], side: Side, subject: str, ident: str, r4: bool
) -> dict[str, Any]:
    """The site on one side, as a BodyStructure: the zone's code and the side's.

    R5 pairs them in ``includedStructure``; R4 has a location and its qualifiers.
    """
    code, display = LATERALITY[side.value]
    laterality = {"coding": [{"system": SNOMED, "code": code, "display": display}]}
    structure = {k: v for k, v in site.items() if k != "extension"}
    out: dict[str, Any] = {"resourceType": "BodyStructure", "id": ident}
    if r4:
        out["location"] = structure
        out["locationQualifier"] = [laterality]
    else:
        out["includedStructure"] = [{"structure": structure, "laterality": laterality}]
    out["patient"] = _ref(subject)
    return out


def _landmarks_note(plan: Plan) -> str:
    """The landmarks a plan's points are on, in order, and whose placement they are."""
    names = () if plan.placement is None else plan.placement.landmarks
    if not names:
        return ""
    return (
        f"points on landmarks, in order: {', '.join(names)} (their positions are mesocalc's "
        "placement on the site's template, scaled to the patient: derived, not measured)"
    )


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
    vpp, depth = _codec.value_of(plan, "volume_per_point"), _codec.value_of(plan, "depth")
    return {
        "text": f"{plan.points} {each} of {shown('volume_per_point', vpp)}, "
        f"{shown('depth', depth)} deep",
        "site": site,
        "route": route,
        "method": {"text": f"mesotherapy, {plan.technique.value} technique"},
        "dose": _quantity(plan.points * vpp, "mL"),
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
    if session.date is None:
        raise InvalidValueError(
            "date", None, "a session with a date: FHIR requires a MedicationAdministration's time"
        )
    if session.product is None:
        raise InvalidValueError(
            "product",
            None,
            "a session with a product: FHIR requires what a MedicationAdministration gives",
        )
    book = default_catalog() if catalog is None else catalog
    made = _Bundle(session, subject, book, given=given, r4=r4)
    procedure_status = _STATUS[given][0]
    name = f"Bundle/{procedure_status}" + ("/R4" if r4 else "")
    return {
        "resourceType": "Bundle",
        "id": made.ids.url(name + ("/transaction" if transaction else ""))[0],
        "type": "transaction" if transaction else "collection",
        "entry": [_entry(url, resource, transaction) for url, resource in made.entries()],
    }


class _Bundle:
    """The resources of one session's export, built once, in the order they are listed."""

    def __init__(
        self, session: Session, subject: str, catalog: Catalog, *, given: bool, r4: bool
    ) -> None:
        assert session.date is not None
        assert session.product is not None
        self.session, self.subject, self.catalog, self.r4 = session, subject, catalog, r4
        self.when = session.date.isoformat()
        self.statuses = _STATUS[given]
        self.ids = _Ids(session, subject)
        self.procedure = self.ids.url("Procedure")
        self.medication = self.ids.url("Medication")
        self.devices: dict[Needle, tuple[str, str]] = {}
        for p in session.plans:
            if p.needle is not None and p.needle not in self.devices:
                self.devices[p.needle] = self.ids.url(f"Device/{len(self.devices)}")
        self.structures: dict[tuple[str, str], tuple[str, str]] = {}
        self.located: list[tuple[str, dict[str, Any]]] = []  # the sides' BodyStructures

    def entries(self) -> list[tuple[str, dict[str, Any]]]:
        """(fullUrl, resource) of every resource: procedure first, sides' structures last."""
        assert self.session.product is not None
        medication_id, medication_url = self.medication
        out = [(medication_url, _medication(self.session.product, medication_id, self.r4))]
        out += [(url, _device(n, ident, self.r4)) for n, (ident, url) in self.devices.items()]
        sites: list[dict[str, Any]] = []
        for i, p in enumerate(self.session.plans):
            site, site_note = self._site(i, p)
            if site not in sites:
                sites.append(site)
            out.append(self._administration(i, p, site, site_note))
        return [(self.procedure[1], self._procedure(sites)), *out, *self.located]

    def _site(self, i: int, plan: Plan) -> tuple[dict[str, Any], str]:
        """The area's coded site; on one side, pointing at that side's BodyStructure."""
        side = self.session.sides[i] if self.session.sides else None
        side = plan.side if side is None else side
        named = plan.site
        site, note = _site(self.catalog, plan.zone, side, named)
        if side is None:
            return site, note
        key = (plan.zone.value if named is None else named.name, side.value)
        if key not in self.structures:
            ident, url = self.structures[key] = self.ids.url(
                f"BodyStructure/{len(self.structures)}"
            )
            structure = _body_structure(site, side, self.subject, ident, self.r4)
            self.located.append((url, structure))
        reference = _ref(self.structures[key][1])
        return {
            **site,
            "extension": [{"url": BODY_SITE_EXTENSION, "valueReference": reference}],
        }, note

    def _administration(
        self, i: int, plan: Plan, site: dict[str, Any], site_note: str
    ) -> tuple[str, dict[str, Any]]:
        ident, url = self.ids.url(f"MedicationAdministration/{i}")
        medication = _ref(self.medication[1])
        out: dict[str, Any] = {
            "resourceType": "MedicationAdministration",
            "id": ident,
            "status": self.statuses[1],
            "partOf": [_ref(self.procedure[1])],
        }
        if self.r4:
            out["medicationReference"] = medication
            out["subject"] = _ref(self.subject)
            out["effectiveDateTime"] = self.when
        else:
            out["medication"] = {"reference": medication}
            out["subject"] = _ref(self.subject)
            out["occurenceDateTime"] = self.when  # R5 spells it with one "r" here
        if plan.needle is not None:
            device = _ref(self.devices[plan.needle][1])
            out["device"] = [device if self.r4 else {"reference": device}]
        route, route_note = _route(self.catalog, plan)
        out["dosage"] = _dosage(plan, site, route)
        notes = [
            site_note,
            route_note,
            _landmarks_note(plan),
            *(r.describe() for r in plan.overrides),
        ]
        if any(notes):
            out["note"] = [{"text": n} for n in notes if n]
        return url, out

    def _procedure(self, sites: list[dict[str, Any]]) -> dict[str, Any]:
        used = [_ref(u) for u in (self.medication[1], *(url for _, url in self.devices.values()))]
        return {
            "resourceType": "Procedure",
            "id": self.procedure[0],
            "status": self.statuses[0],
            "code": {"text": "mesotherapy"},  # no SNOMED CT concept for it was found
            "subject": _ref(self.subject),
            ("performedDateTime" if self.r4 else "occurrenceDateTime"): self.when,
            "bodySite": sites,
            **({"usedReference": used} if self.r4 else {"used": [{"reference": u} for u in used]}),
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

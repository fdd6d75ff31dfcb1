"""Contraindication screening: a Patient in, findings with severity and source out.

The conditions, medications, pre-treatment windows and product rules live in
``screening.toml``, each with its source keys (seed 003's contraindications and bleeding
risks, seed 000's allergy check, seed 001's pre-care windows, THECLINIC's anticoagulants
and antiplatelets, KONDA's ban on oil- and alcohol-based injections). Screening never
decides for the physician: it lists what the sources say, and ``clear`` is true only when
there is nothing to list *and* nothing went unscreened.

Rules that decide what "unscreened" means:

* A medication is matched by its name or an alias (case-insensitive, hyphens and runs of
  spaces folded). A medication with a published window is a finding when its last dose
  is fewer days ago than the window; one without a published window (the anticoagulants,
  prasugrel, ticagrelor) is a finding whatever the number of days, since every entry of
  ``recent_medications`` is a recent dose. A name with no rule is listed in
  ``unscreened``.
* A product component whose name contains a forbidden word of ``[product]`` (``oil``,
  ``alcohol``, ``ethanol``, ..., matched case-insensitively as whole words) is an
  absolute finding. A component named exactly as one of the water-based substances of
  ``[product]`` (``hyaluronic acid``, ...) is judged to be neither. Every other
  component cannot be judged from its name: it is listed in ``unscreened`` as
  ``"product: <name>"``.
"""

from __future__ import annotations

import enum
import functools
import re
import tomllib
import unicodedata
from collections.abc import Mapping
from typing import Any

import attrs

from mesocalc import _codec, _validators
from mesocalc._catalog import cite, default_catalog
from mesocalc._data import read_text
from mesocalc.exceptions import CatalogError, InputTypeError

__all__ = ["Finding", "Patient", "Screening", "Severity", "screen"]


class Severity(enum.StrEnum):
    """How strongly a finding speaks against treatment."""

    ABSOLUTE = "absolute"  # do not treat
    RELATIVE = "relative"  # postpone or check first


@attrs.frozen(kw_only=True)
class Finding:
    """One reason against treating now: which condition, how strongly, why, per which source."""

    condition: str = attrs.field(metadata=_codec.text())
    severity: Severity = attrs.field(metadata=_codec.name(Severity))
    reason: str = attrs.field(metadata=_codec.text())
    source: str = attrs.field(metadata=_codec.text())

    def __str__(self) -> str:
        return f"{self.severity.value}: {self.condition}: {self.reason} ({cite(self.source)})"


def _tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


@attrs.frozen(kw_only=True)
class Patient:
    """What screening needs to know of a patient; every field defaults to "nothing to report".

    ``hypertension_stage`` is 0 (none) to 3, the stage the clinician assigns: seed 003
    contraindicates "hypertension stage II-III" without naming its staging system, so
    mesocalc does not map blood pressures to stages. ``capillary_fragility`` is seed 003's
    "impaired elasticity of the capillary wall". ``allergies`` names substances the
    patient is allergic to; ``recent_medications`` maps a medication or supplement name
    to the whole or fractional number of days since its last dose (0: today).
    """

    pregnant: bool = attrs.field(
        default=False, validator=_validators.flag(), metadata=_codec.flag()
    )
    lactating: bool = attrs.field(
        default=False, validator=_validators.flag(), metadata=_codec.flag()
    )
    clotting_disorder: bool = attrs.field(
        default=False, validator=_validators.flag(), metadata=_codec.flag()
    )
    capillary_fragility: bool = attrs.field(
        default=False, validator=_validators.flag(), metadata=_codec.flag()
    )
    hypertension_stage: int = attrs.field(
        default=0, validator=_validators.whole(0, 3), metadata=_codec.whole()
    )
    skin_infection_at_site: bool = attrs.field(
        default=False, validator=_validators.flag(), metadata=_codec.flag()
    )
    allergies: tuple[str, ...] = attrs.field(
        default=(), converter=_tuple, validator=_validators.strings(), metadata=_codec.texts()
    )
    recent_medications: Mapping[str, float] = attrs.field(
        factory=dict,
        converter=_validators.frozen_mapping,
        validator=_validators.days_by_name(),
        metadata=_codec.mapping(),
    )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict naming its schema (``mesocalc.patient``)."""
        return _codec.dump(self, "mesocalc.patient")

    @classmethod
    def from_dict(cls, data: Any) -> Patient:
        """Rebuild a Patient from :meth:`to_dict` output, checked as a new one is."""
        return _codec.load(cls, data, "mesocalc.patient")


@attrs.frozen(kw_only=True)
class Screening:
    """The result of :func:`screen`.

    ``findings`` lists every contraindication and unmet pre-treatment window;
    ``unscreened`` lists what mesocalc could not judge: medication names it has no rule
    for, and product components it cannot judge (as ``"product: <name>"``). They are
    not findings, but the physician must review them, so they keep ``clear`` false.
    """

    findings: tuple[Finding, ...] = attrs.field(
        default=(), metadata=_codec.parts(_codec.one_of(Finding))
    )
    unscreened: tuple[str, ...] = attrs.field(default=(), metadata=_codec.texts())

    @property
    def clear(self) -> bool:
        """True only when there are no findings and nothing went unscreened."""
        return not self.findings and not self.unscreened

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict naming its schema (``mesocalc.screening``)."""
        return _codec.dump(self, "mesocalc.screening")

    @classmethod
    def from_dict(cls, data: Any) -> Screening:
        """Rebuild a Screening from :meth:`to_dict` output."""
        return _codec.load(cls, data, "mesocalc.screening")


def _key(name: str) -> str:
    folded = unicodedata.normalize("NFKC", name).casefold().replace("’", "'")
    return " ".join(folded.replace("-", " ").split())


@attrs.frozen(kw_only=True)
class _Rule:
    name: str
    severity: Severity
    reason: str
    source: str
    days: float | None = None  # a medication's window; None: no published window
    min_stage: int = 1
    unchecked: Severity = Severity.RELATIVE


@attrs.frozen(kw_only=True)
class _ProductRule:
    rule: _Rule
    forbidden: re.Pattern[str]  # whole forbidden words (or phrases) in a folded name
    water_based: frozenset[str]  # folded names judged neither oil- nor alcohol-based


@attrs.frozen(kw_only=True)
class _Rules:
    conditions: dict[str, _Rule]
    allergy: _Rule
    product: _ProductRule
    medications: dict[str, _Rule]  # by folded name and alias


def _rule(name: str, doc: Any, where: str) -> _Rule:
    def fail(key: str, expected: str) -> CatalogError:
        value = doc.get(key) if isinstance(doc, dict) else doc
        return CatalogError(f"screening.toml: {where}.{key}", value, expected)

    if not isinstance(doc, dict):
        raise fail("", "a table")
    keys = doc.get("source")
    if (
        not isinstance(keys, list)
        or not keys
        or any(k not in default_catalog().sources for k in keys)
    ):
        raise fail("source", "a non-empty list of keys from catalog [sources]")
    try:
        severity = Severity(str(doc.get("severity")))
        unchecked = Severity(doc.get("unchecked_severity", "relative"))
    except ValueError:
        raise fail("severity", "'absolute' or 'relative'") from None
    if not isinstance(doc.get("reason"), str) or not _validators.visible(doc["reason"]):
        raise fail("reason", "a reason")
    days = doc.get("days")
    if days is not None and (
        isinstance(days, bool) or not isinstance(days, (int, float)) or days < 0
    ):
        raise fail("days", "a number of days, 0 or more, or no days for no window")
    stage = doc.get("min_stage", 1)
    if isinstance(stage, bool) or not isinstance(stage, int) or not 1 <= stage <= 3:
        raise fail("min_stage", "a stage from 1 to 3")
    return _Rule(
        name=name,
        severity=severity,
        reason=doc["reason"],
        source=", ".join(keys),
        days=None if days is None else float(days),
        min_stage=stage,
        unchecked=unchecked,
    )


def _names(doc: dict[str, Any], key: str) -> list[str]:
    names = doc.get(key)
    if (
        not isinstance(names, list)
        or not names
        or not all(isinstance(n, str) and _validators.visible(n) for n in names)
    ):
        raise CatalogError(f"screening.toml: product.{key}", names, "a non-empty list of names")
    return [_key(n) for n in names]


def _product_rule(doc: Any) -> _ProductRule:
    rule = _rule("product", doc, "product")  # checks that doc is a table
    words = _names(doc, "forbidden")
    forbidden = re.compile(
        r"(?<!\w)(?:"
        + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        + r")(?!\w)"
    )
    water_based = frozenset(_names(doc, "water_based"))
    for name in sorted(water_based):
        if forbidden.search(name):
            raise CatalogError(
                "screening.toml: product.water_based", name, "no name with a forbidden word"
            )
    return _ProductRule(rule=rule, forbidden=forbidden, water_based=water_based)


def _parse_rules(text: str) -> _Rules:
    doc = tomllib.loads(text)
    if doc.get("format") != 1:
        raise CatalogError("screening.toml: format", doc.get("format"), "format = 1")
    fields = {f.name for f in attrs.fields(Patient)}
    conditions = {}
    for name, entry in doc.get("conditions", {}).items():
        if name not in fields:
            raise CatalogError("screening.toml: conditions", name, "a Patient field")
        conditions[name] = _rule(name, entry, f"conditions.{name}")
    medications = {}
    for name, entry in doc.get("medications", {}).items():
        rule = _rule(name, entry, f"medications.{name}")
        for alias in [name, *entry.get("aliases", [])]:
            medications[_key(alias)] = rule
    return _Rules(
        conditions=conditions,
        allergy=_rule("allergy", doc.get("allergy"), "allergy"),
        product=_product_rule(doc.get("product")),
        medications=medications,
    )


@functools.cache
def _rules() -> _Rules:
    """The shipped screening rules, read and validated once."""
    text = read_text("screening.toml")
    return _parse_rules(text)


def screen(patient: Patient, *, product: tuple[str, ...] | list[str] | None = None) -> Screening:
    """Screen ``patient`` against the contraindications and pre-treatment windows of the sources.

    Args:
        patient: a :class:`Patient`.
        product: the components of the product to be injected, when known. An
            allergy to one of them is an absolute finding; without ``product``,
            any allergy is a relative finding (check the product first). A component
            named as oil- or alcohol-based is an absolute finding (KONDA); one that
            mesocalc cannot judge from its name is listed in ``unscreened``.

    Returns:
        A :class:`Screening`; ``clear`` only when there are no findings and nothing
        went unscreened.

    Examples:
        >>> import mesocalc
        >>> mesocalc.screen(mesocalc.Patient()).clear
        True
        >>> result = mesocalc.screen(mesocalc.Patient(recent_medications={"Aspirin": 3}))
        >>> for finding in result.findings:
        ...     print(finding)
        relative: aspirin: last dose 3 days ago; stop at least 7 days before treatment
        to minimise bruising (SEED1 (seed 001, a dermatology clinic blog))
        >>> result = mesocalc.screen(mesocalc.Patient(recent_medications={"metformin": 0}))
        >>> result.findings, result.unscreened, result.clear
        ((), ('metformin',), False)
        >>> result = mesocalc.screen(mesocalc.Patient(), product=("Paraffin oil", "glycerol"))
        >>> [(f.condition, f.severity.value, f.source) for f in result.findings]
        [('product: Paraffin oil', 'absolute', 'KONDA')]
        >>> result.unscreened
        ('product: glycerol',)
    """
    if not isinstance(patient, Patient):
        raise InputTypeError("patient", patient, "a mesocalc.Patient(...)")
    if product is not None:
        product = _validated_product(product)
    rules = _rules()
    findings = []
    for name, rule in rules.conditions.items():
        value = getattr(patient, name)
        if value is True or (type(value) is int and value >= rule.min_stage):
            findings.append(
                Finding(
                    condition=name, severity=rule.severity, reason=rule.reason, source=rule.source
                )
            )
    components = {_key(c) for c in product or ()}
    for allergy in patient.allergies:
        if product is None or _key(allergy) in components:
            rule = rules.allergy
            findings.append(
                Finding(
                    condition=f"allergy: {allergy}",
                    severity=rule.severity if product is not None else rule.unchecked,
                    reason=rule.reason
                    + ("" if product is not None else "; no product given to check against"),
                    source=rule.source,
                )
            )
    unscreened = []
    for name, days in patient.recent_medications.items():
        found = rules.medications.get(_key(name))
        if found is None:
            unscreened.append(name)
        elif found.days is None or days < found.days:
            findings.append(
                Finding(
                    condition=found.name,
                    severity=found.severity,
                    reason=f"last dose {days:g} day{'' if days == 1 else 's'} ago; {found.reason}",
                    source=found.source,
                )
            )
    if product is not None:
        found_in_product, unjudged = _screen_product(product, rules.product)
        findings += found_in_product
        unscreened += unjudged
    return Screening(findings=tuple(findings), unscreened=tuple(unscreened))


def _screen_product(
    product: tuple[str, ...], rules: _ProductRule
) -> tuple[list[Finding], list[str]]:
    """Findings for oil- or alcohol-based components, and the components not judged."""
    findings, unjudged, seen = [], [], set()
    for component in product:
        key = _key(component)
        if key in seen:
            continue
        seen.add(key)
        word = rules.forbidden.search(key)
        if word is not None:
            findings.append(
                Finding(
                    condition=f"product: {component}",
                    severity=rules.rule.severity,
                    reason=f"{word.group()!r} in the name; {rules.rule.reason}",
                    source=rules.rule.source,
                )
            )
        elif key not in rules.water_based:
            unjudged.append(f"product: {component}")
    return findings, unjudged


def _validated_product(product: Any) -> tuple[str, ...]:
    expected = "None or a tuple of component names, such as ('hyaluronic acid',)"
    if not isinstance(product, (tuple, list)) or not all(
        isinstance(c, str) and _validators.visible(c) for c in product
    ):
        raise InputTypeError("product", product, expected)
    return tuple(product)

"""Contraindication screening: a Patient in, findings with severity and source out.

The conditions and pre-treatment windows live in ``screening.toml``, each with its
source key (seed 003's contraindications, seed 000's allergy check, seed 001's
pre-care windows). Screening never decides for the physician: it lists what the
sources say, and ``clear`` is true only when there is nothing to list.
"""

from __future__ import annotations

import enum
import functools
import tomllib
import unicodedata
from collections.abc import Mapping
from typing import Any

import attrs

from mesocalc import _codec, _validators
from mesocalc._catalog import default_catalog
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
        return f"{self.severity.value}: {self.condition}: {self.reason} ({self.source})"


def _tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


@attrs.frozen(kw_only=True)
class Patient:
    """What screening needs to know of a patient; every field defaults to "nothing to report".

    ``hypertension_stage`` is 0 (none) to 3; ``allergies`` names substances the
    patient is allergic to; ``recent_medications`` maps a medication or supplement
    name to the whole or fractional number of days since its last dose (0: today).
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
    ``unscreened`` lists medication names mesocalc has no window for (they are not
    findings: the physician reviews them).
    """

    findings: tuple[Finding, ...] = attrs.field(
        default=(), metadata=_codec.parts(_codec.one_of(Finding))
    )
    unscreened: tuple[str, ...] = attrs.field(default=(), metadata=_codec.texts())

    @property
    def clear(self) -> bool:
        """True only when there are no findings at all."""
        return not self.findings

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
    days: float = 0.0
    min_stage: int = 1
    unchecked: Severity = Severity.RELATIVE


@attrs.frozen(kw_only=True)
class _Rules:
    conditions: dict[str, _Rule]
    allergy: _Rule
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
    if not isinstance(doc.get("reason"), str) or not doc["reason"].strip():
        raise fail("reason", "a reason")
    days = doc.get("days", 0)
    if isinstance(days, bool) or not isinstance(days, (int, float)) or days < 0:
        raise fail("days", "a number of days, 0 or more")
    stage = doc.get("min_stage", 1)
    if isinstance(stage, bool) or not isinstance(stage, int) or not 1 <= stage <= 3:
        raise fail("min_stage", "a stage from 1 to 3")
    return _Rule(
        name=name,
        severity=severity,
        reason=doc["reason"],
        source=", ".join(keys),
        days=float(days),
        min_stage=stage,
        unchecked=unchecked,
    )


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
        medications=medications,
    )


@functools.cache
def _rules() -> _Rules:
    """The shipped screening rules, read and validated once."""
    text = read_text("screening.toml")
    return _parse_rules(text)


def screen(patient: Patient, *, product: tuple[str, ...] | list[str] | None = None) -> Screening:
    """Screen ``patient`` against the contraindications and pre-treatment windows of the seeds.

    Args:
        patient: a :class:`Patient`.
        product: the components of the product to be injected, when known. An
            allergy to one of them is an absolute finding; without ``product``,
            any allergy is a relative finding (check the product first).

    Returns:
        A :class:`Screening`; ``clear`` only when there are no findings.

    Examples:
        >>> import mesocalc
        >>> mesocalc.screen(mesocalc.Patient()).clear
        True
        >>> result = mesocalc.screen(mesocalc.Patient(recent_medications={"Aspirin": 3}))
        >>> for finding in result.findings:
        ...     print(finding)
        relative: aspirin: last dose 3 days ago; stop at least 7 days before treatment
        to minimise bruising (SEED1)
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
        elif days < found.days:
            findings.append(
                Finding(
                    condition=found.name,
                    severity=found.severity,
                    reason=f"last dose {days:g} day{'' if days == 1 else 's'} ago; {found.reason}",
                    source=found.source,
                )
            )
    return Screening(findings=tuple(findings), unscreened=tuple(unscreened))


def _validated_product(product: Any) -> tuple[str, ...]:
    expected = "None or a tuple of component names, such as ('hyaluronic acid',)"
    if not isinstance(product, (tuple, list)) or not all(
        isinstance(c, str) and c.strip() for c in product
    ):
        raise InputTypeError("product", product, expected)
    return tuple(product)

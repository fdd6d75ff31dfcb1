"""Contraindication screening: a Patient in, findings with severity and source out.

The conditions, medications, pre-treatment windows and product rules live in
``screening.toml``, each with its source keys (seed 003's contraindications and bleeding
risks, seed 000's allergy check, seed 001's pre-care windows, THECLINIC's anticoagulants
and antiplatelets, KONDA's ban on oil- and alcohol-based injections, the deoxycholic acid
label's own screening, KYB and KYB-ISI). Screening never decides for the physician: it
lists what the sources say, and ``clear`` is true only when there is nothing to list,
nothing went unscreened *and* every question that applies was answered.

Rules that decide what "unscreened" and "not asked" mean:

* Every field of :class:`Patient` defaults to None: *not asked*. A question a sourced rule
  asks (pregnancy, breastfeeding, clotting disorder, ...) left at None is listed in
  ``not_asked``, so ``Patient()`` is "not screened", never "clear". ``False``, ``0``,
  ``()`` and ``{}`` are answers: "no", "none". ``keloid_history`` and ``age`` are
  recorded but no source asks them, so leaving them out keeps nothing from being clear.
* The deoxycholic acid label's questions (dysphagia, thyromegaly, cervical
  lymphadenopathy) are asked when the product is deoxycholic acid; with no product named a
  "yes" is still listed; with another product they do not apply.
* A medication is matched by its name or an alias: case, hyphens and spaces folded, doses
  such as "5 mg" taken out, and a misspelling of a word of six letters or more within a
  small edit distance of exactly one known name ("warfarine"); the finding says how the
  name was read. A medication with a published window is a finding when its last dose is
  fewer days ago than the window; one without a published window (the anticoagulants,
  prasugrel, ticagrelor) is a finding whatever the number of days, since every entry of
  ``recent_medications`` is a recent dose. A name with no rule is listed in
  ``unscreened``.
* An allergy is checked against the product's components, by name and synonym
  ("sodium hyaluronate", "hyaluronan" and "HA" are hyaluronic acid), one name within the
  other as whole words. With no product named (None or ``()``) every allergy is a relative
  finding: it could not be checked.
* A product component whose name contains a forbidden word of ``[product]`` (``oil``,
  ``alcohol``, ``ethanol``, ..., matched case-insensitively as whole words) is an
  absolute finding. A component named exactly as one of the water-based substances of
  ``[product]`` (``hyaluronic acid``, ...), or as a product whose label mesocalc holds
  (deoxycholic acid), is judged to be neither. Every other component cannot be judged
  from its name: it is listed in ``unscreened`` as ``"product: <name>"``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import attrs

from mesocalc._catalog.catalog import cite
from mesocalc._catalog.entries import Basis
from mesocalc._clinic.screening_rules import LabelRules, Rule, Rules, Severity, fold, parse_rules
from mesocalc._engine import engine as _engine
from mesocalc._engine.files import read_text
from mesocalc._quantities import validators as _validators
from mesocalc._records import codec as _codec
from mesocalc.exceptions import InputTypeError, InvalidValueError

__all__ = ["Finding", "Patient", "Screening", "screen"]

# A software bound, not a clinical one: no source sets an age limit, and none is checked.
_MAX_AGE = 150


@attrs.frozen(kw_only=True)
class Finding:
    """One reason against treating now: which condition, how strongly, why, per which source.

    ``basis`` says how the rule rests on its sources: ``stated``, ``analogue`` (naproxen
    takes ibuprofen's window) or ``unsourced`` (no source; ``source`` is then empty).
    """

    condition: str = attrs.field(metadata=_codec.text())
    severity: Severity = attrs.field(metadata=_codec.name(Severity))
    reason: str = attrs.field(metadata=_codec.text())
    source: str = attrs.field(metadata=_codec.text())
    basis: Basis = attrs.field(default=Basis.STATED, metadata=_codec.name(Basis))

    def __str__(self) -> str:
        kind = self.severity.value
        if self.basis is not Basis.STATED:
            kind += f", {self.basis.value}"
        where = cite(self.source) if self.source else "no source"
        return f"{kind}: {self.condition}: {self.reason} ({where})"


def _tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _mapping(value: Any) -> Any:
    return None if value is None else _validators.frozen_mapping(value)


class _Answer:
    """None (not asked) or a bool."""

    __slots__ = ()

    def __call__(self, inst: Any, attr: attrs.Attribute[Any], value: Any) -> None:
        if value is not None and not isinstance(value, bool):
            raise InputTypeError(
                attr.name, value, "true or false, or None (left out) when not asked"
            )

    def __repr__(self) -> str:
        return "<answer validator>"


def _answer() -> Any:
    return attrs.field(default=None, validator=_Answer(), metadata=_codec.flag())


def _optional(validator: Any) -> Any:
    return attrs.validators.optional(validator)


@attrs.frozen(kw_only=True, init=False)
class Patient:
    """What screening needs to know of a patient; every field defaults to None, "not asked".

    A clinic's questionnaire answers each question: ``False`` (or ``0``, ``()``, ``{}``)
    is "no" or "none", ``True`` "yes", None "not asked"; a question left unasked keeps
    screening from being clear.

    ``hypertension_stage`` is 0 (none) to 3, the stage the clinician assigns: seed 003
    contraindicates "hypertension stage II-III" without naming its staging system, so
    mesocalc does not map blood pressures to stages.
    ``capillary_fragility`` is seed 003's "impaired elasticity of the capillary wall".
    ``breastfeeding`` is seed 003's "lactation" (``lactating=`` is accepted as another
    name for it). ``allergies`` names substances the patient is allergic to;
    ``recent_medications`` maps a medication or supplement name (a dose such as "5 mg"
    may stay in it) to the whole or fractional number of days since its last dose (0:
    today). ``dysphagia`` (a current or prior history), ``thyromegaly`` and
    ``cervical_lymphadenopathy`` are the deoxycholic acid label's screening (KYB-ISI).
    ``keloid_history`` and ``age`` are recorded only: no source mesocalc holds makes
    either a contraindication (a history of keloids is listed, unsourced, for the
    physician; no age limit is checked).
    """

    pregnant: bool | None = _answer()
    breastfeeding: bool | None = _answer()
    clotting_disorder: bool | None = _answer()
    capillary_fragility: bool | None = _answer()
    hypertension_stage: int | None = attrs.field(
        default=None, validator=_optional(_validators.whole(0, 3)), metadata=_codec.whole()
    )
    skin_infection_at_site: bool | None = _answer()
    allergies: tuple[str, ...] | None = attrs.field(
        default=None,
        converter=_tuple,
        validator=_optional(_validators.strings()),
        metadata=_codec.texts(),
    )
    recent_medications: Mapping[str, float] | None = attrs.field(
        default=None,
        converter=_mapping,
        validator=_optional(_validators.days_by_name()),
        metadata=_codec.mapping(),
    )
    dysphagia: bool | None = _answer()
    thyromegaly: bool | None = _answer()
    cervical_lymphadenopathy: bool | None = _answer()
    keloid_history: bool | None = _answer()
    age: int | None = attrs.field(
        default=None, validator=_optional(_validators.whole(0, _MAX_AGE)), metadata=_codec.whole()
    )

    def __init__(
        self,
        *,
        pregnant: bool | None = None,
        breastfeeding: bool | None = None,
        clotting_disorder: bool | None = None,
        capillary_fragility: bool | None = None,
        hypertension_stage: int | None = None,
        skin_infection_at_site: bool | None = None,
        allergies: tuple[str, ...] | list[str] | None = None,
        recent_medications: Mapping[str, float] | None = None,
        dysphagia: bool | None = None,
        thyromegaly: bool | None = None,
        cervical_lymphadenopathy: bool | None = None,
        keloid_history: bool | None = None,
        age: int | None = None,
        lactating: bool | None = None,
    ) -> None:
        if lactating is not None:
            if breastfeeding is not None and breastfeeding is not lactating:
                raise InvalidValueError(
                    "lactating",
                    lactating,
                    f"the same answer as breastfeeding={breastfeeding!r}, or only one of them",
                    "lactating is another name for breastfeeding",
                )
            breastfeeding = lactating
        self.__attrs_init__(
            pregnant=pregnant,
            breastfeeding=breastfeeding,
            clotting_disorder=clotting_disorder,
            capillary_fragility=capillary_fragility,
            hypertension_stage=hypertension_stage,
            skin_infection_at_site=skin_infection_at_site,
            allergies=allergies,
            recent_medications=recent_medications,
            dysphagia=dysphagia,
            thyromegaly=thyromegaly,
            cervical_lymphadenopathy=cervical_lymphadenopathy,
            keloid_history=keloid_history,
            age=age,
        )

    @property
    def lactating(self) -> bool | None:
        """Another name for :attr:`breastfeeding` (seed 003's "lactation")."""
        return self.breastfeeding

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict naming its schema (``mesocalc.patient``); unasked (None) left out."""
        return _codec.dump(self, "mesocalc.patient")

    @classmethod
    def from_dict(cls, data: Any) -> Patient:
        """Rebuild a Patient from :meth:`to_dict` output, checked as a new one is.

        A ``lactating`` key (written before ``breastfeeding``) is read as ``breastfeeding``.
        """
        if isinstance(data, dict) and "lactating" in data and "breastfeeding" not in data:
            data = {("breastfeeding" if k == "lactating" else k): v for k, v in data.items()}
        return _codec.load(cls, data, "mesocalc.patient")


@attrs.frozen(kw_only=True)
class Screening:
    """The result of :func:`screen`.

    ``findings`` lists every contraindication and unmet pre-treatment window;
    ``unscreened`` lists what mesocalc could not judge: medication names it has no rule
    for, and product components it cannot judge (as ``"product: <name>"``);
    ``not_asked`` lists the questions that apply but were left unanswered (None). The
    last two are not findings, but the physician must review them, so they keep
    ``clear`` false.
    """

    findings: tuple[Finding, ...] = attrs.field(
        default=(), metadata=_codec.parts(_codec.one_of(Finding))
    )
    unscreened: tuple[str, ...] = attrs.field(default=(), metadata=_codec.texts())
    not_asked: tuple[str, ...] = attrs.field(default=(), metadata=_codec.texts())

    @property
    def clear(self) -> bool:
        """True only with no findings, nothing unscreened and every question answered."""
        return not self.findings and not self.unscreened and not self.not_asked

    @property
    def absolute(self) -> tuple[Finding, ...]:
        """The absolute findings, those that mean do not treat."""
        return tuple(f for f in self.findings if f.severity is Severity.ABSOLUTE)

    @property
    def status(self) -> str:
        """The status in words, "clear", "not screened" (nothing asked) or what is not clear."""
        if self.clear:
            return "clear"
        if not self.findings and not self.unscreened and set(required()) <= set(self.not_asked):
            return "not screened: no question was answered"
        parts = []
        if self.findings:
            n = len(self.findings)
            parts.append(f"{n} finding{'' if n == 1 else 's'}")
        if self.unscreened:
            parts.append(f"unscreened: {', '.join(self.unscreened)}")
        if self.not_asked:
            parts.append(f"not asked: {', '.join(self.not_asked)}")
        return "not clear: " + "; ".join(parts)

    def lines(self) -> list[str]:
        """The status, then each finding, as text."""
        return [self.status, *(str(f) for f in self.findings)]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict naming its schema (``mesocalc.screening``)."""
        return _codec.dump(self, "mesocalc.screening")

    @classmethod
    def from_dict(cls, data: Any) -> Screening:
        """Rebuild a Screening from :meth:`to_dict` output."""
        return _codec.load(cls, data, "mesocalc.screening")


# A dose or strength in a medication's name: "5 mg", "81mg", "0.5 ml", "1000 IU", "2 x 5 mg".
_DOSE = re.compile(
    r"(?<!\w)(?:\d+\s*x\s*)?\d+(?:[.,]\d+)?\s*"
    r"(?:mg|mcg|µg|μg|ug|g|ml|iu|ui|units?|u|%)(?:\s*/\s*(?:d|day|dose))?(?!\w)"
)


def _undosed(key: str) -> str:
    """A folded name without its doses: "aspirin 81 mg" -> "aspirin"."""
    return " ".join(_DOSE.sub(" ", key).split())


def _distance(a: str, b: str, limit: int) -> int:
    """The optimal-string-alignment edit distance of ``a`` and ``b``; ``limit + 1`` when over."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] | None = None
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + cost)
            if before is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, row = row, current
    return min(row[-1], limit + 1)


def allowed_edits(word: str) -> int:
    """Misspellings tolerated in a known word: none under 6 letters, 1 up to 9, else 2."""
    return 0 if len(word) < 6 else 1 if len(word) <= 9 else 2


def _near(typed: str, known: str) -> bool:
    """Whether ``typed`` is ``known`` misspelt: word for word, each within its allowance."""
    words, known_words = typed.split(), known.split()
    if len(words) != len(known_words):
        return False
    return all(
        w == k or (allowed_edits(k) and _distance(w, k, allowed_edits(k)) <= allowed_edits(k))
        for w, k in zip(words, known_words, strict=True)
    )


def _parse_rules(text: str) -> Rules:
    """The screening rules ``text`` gives, their conditions checked against Patient's fields."""
    return parse_rules(text, {f.name for f in attrs.fields(Patient)})


@_engine.cached()
def _rules() -> Rules:
    """The shipped screening rules, read and validated once."""
    text = read_text("screening.toml")
    return _parse_rules(text)


def _finding(rule: Rule, condition: str, reason: str | None = None) -> Finding:
    """What ``rule`` finds about ``condition`` (its own reason unless another is given)."""
    return Finding(
        condition=condition,
        severity=rule.severity,
        reason=rule.reason if reason is None else reason,
        source=rule.source,
        basis=rule.basis,
    )


def required() -> tuple[str, ...]:
    """The questions every screening asks (those of sourced, general rules), in order."""
    rules = _rules()
    asked = [name for name, rule in rules.conditions.items() if rule.required]
    return (*asked, "allergies", "recent_medications")


def _match(name: str, rules: Rules) -> tuple[Rule, str] | None:
    """The rule ``name`` is read as, and how it was read (``""``: as written); None: no rule."""
    key = fold(name)
    found = rules.medications.get(key)
    if found is not None:
        return found, ""
    undosed = _undosed(key)
    found = rules.medications.get(undosed)
    if found is not None:
        return found, "dose set aside"
    near = {r.name: r for k, r in rules.medications.items() if undosed and _near(undosed, k)}
    if len(near) == 1:
        (rule,) = near.values()
        return rule, f"read as {rule.name}"
    return None  # no rule, or more than one within reach: not guessed


def _label_of(components: tuple[str, ...] | None, rules: Rules) -> LabelRules | None:
    for c in components or ():
        label = rules.labels.get(rules.canonical(c))
        if label is not None:
            return label
    return None


def _allergic(allergy: str, component: str, rules: Rules) -> bool:
    """Whether the substance of ``allergy`` could be in ``component`` (by name or synonym)."""
    a, c = rules.canonical(allergy), rules.canonical(component)
    names_a = rules.names_of(a)
    names_c = rules.names_of(c) | {fold(component)}
    return any(
        re.search(rf"(?<!\w){re.escape(x)}(?!\w)", y)
        or re.search(rf"(?<!\w){re.escape(y)}(?!\w)", x)
        for x in names_a
        for y in names_c
    )


def screen(patient: Patient, *, product: tuple[str, ...] | list[str] | None = None) -> Screening:
    """Screen ``patient`` against the contraindications and pre-treatment windows of the sources.

    Args:
        patient: a :class:`Patient`.
        product: the components of the product to be injected, when known. An
            allergy to one of them (by name or synonym) is an absolute finding; with no
            product named (None or ``()``), any allergy is a relative finding (check the
            product first). A component named as oil- or alcohol-based is an absolute
            finding (KONDA); one that mesocalc cannot judge from its name is listed in
            ``unscreened``. A product whose label mesocalc holds (deoxycholic acid) is
            screened with its label's own rules.

    Returns:
        A :class:`Screening`; ``clear`` only when there are no findings, nothing went
        unscreened and every question that applies was answered.

    Examples:
        >>> import mesocalc
        >>> mesocalc.screen(mesocalc.Patient()).status
        'not screened: no question was answered'
        >>> answers = dict(pregnant=False, breastfeeding=False, clotting_disorder=False,
        ...     capillary_fragility=False, hypertension_stage=0, skin_infection_at_site=False,
        ...     allergies=(), recent_medications={})
        >>> mesocalc.screen(mesocalc.Patient(**answers)).clear
        True
        >>> result = mesocalc.screen(
        ...     mesocalc.Patient(**{**answers, "recent_medications": {"Aspirin 81 mg": 3}}))
        >>> for finding in result.findings:
        ...     print(finding)
        relative: aspirin: 'Aspirin 81 mg' (dose set aside): last dose 3 days ago; stop at
        least 7 days before treatment to minimise bruising (SEED1 (seed 001, a dermatology
        clinic blog))
        >>> result = mesocalc.screen(
        ...     mesocalc.Patient(**{**answers, "recent_medications": {"metformin": 0}}))
        >>> result.findings, result.unscreened, result.clear
        ((), ('metformin',), False)
        >>> result = mesocalc.screen(mesocalc.Patient(**answers),
        ...     product=("Paraffin oil", "glycerol"))
        >>> [(f.condition, f.severity.value, f.source) for f in result.findings]
        [('product: Paraffin oil', 'absolute', 'KONDA')]
        >>> result.unscreened
        ('product: glycerol',)
    """
    if not isinstance(patient, Patient):
        raise InputTypeError("patient", patient, "a mesocalc.Patient(...)")
    components = None if product is None else _validated_product(product) or None
    rules = _rules()
    label = _label_of(components, rules)
    findings, not_asked = _conditions(patient, components, label, rules)
    findings += _allergies(patient, components, rules)
    if patient.allergies is None:
        not_asked.append("allergies")
    if patient.recent_medications is None:
        not_asked.append("recent_medications")
    found_in_medications, unscreened = _medications(patient, label, rules)
    findings += found_in_medications
    if components is not None:
        found_in_product, unjudged = _screen_product(components, rules)
        findings += found_in_product
        unscreened += unjudged
    return Screening(
        findings=tuple(findings), unscreened=tuple(unscreened), not_asked=tuple(not_asked)
    )


def _conditions(
    patient: Patient, components: tuple[str, ...] | None, label: LabelRules | None, rules: Rules
) -> tuple[list[Finding], list[str]]:
    """The findings of the patient's conditions, and the questions that apply but went unasked."""
    findings, not_asked = [], []
    label_only = {n for lb in rules.labels.values() for n in lb.conditions} - set(rules.conditions)
    names = [
        f.name for f in attrs.fields(Patient) if f.name in rules.conditions or f.name in label_only
    ]
    for name in names:
        rule = None if label is None else label.conditions.get(name)
        rule = rule or rules.conditions.get(name)
        value = getattr(patient, name)
        if rule is None:  # a label's own question, and that label does not govern
            if components is not None or value is None:
                continue  # another product is named, or none and the question was not asked
            rule = next(
                lb.conditions[name] for lb in rules.labels.values() if name in lb.conditions
            )
        if value is None:
            if rule.required:
                not_asked.append(name)
        elif value is True or (type(value) is int and value >= rule.min_stage):
            findings.append(_finding(rule, name))
    return findings, not_asked


def _medications(
    patient: Patient, label: LabelRules | None, rules: Rules
) -> tuple[list[Finding], list[str]]:
    """The findings of the recent medications, and the names no rule matched."""
    findings, unscreened = [], []
    for name, days in (patient.recent_medications or {}).items():
        matched = _match(name, rules)
        if matched is None:
            unscreened.append(name)
            continue
        found, how = matched
        if found.days is not None and days >= found.days:
            continue
        read = f"{name!r} ({how}): " if how else ""
        reason = f"{read}last dose {days:g} day{'' if days == 1 else 's'} ago; {found.reason}"
        finding = _finding(found, found.name, reason)
        override = None if label is None else label.medications.get(found.kind)
        if override is not None:
            keys = [*found.source.split(", "), *override.source.split(", ")]
            finding = attrs.evolve(
                finding,
                severity=override.severity,
                reason=f"{reason}; {override.reason}",
                source=", ".join(dict.fromkeys(keys)),
            )
        findings.append(finding)
    return findings, unscreened


def _allergies(
    patient: Patient, components: tuple[str, ...] | None, rules: Rules
) -> list[Finding]:
    rule = rules.allergy
    out = []
    for allergy in patient.allergies or ():
        if components is None:
            reason = f"{rule.reason}; no product named to check against"
            unchecked = _finding(rule, f"allergy: {allergy}", reason)
            out.append(attrs.evolve(unchecked, severity=rule.unchecked))
            continue
        matched = [c for c in components if _allergic(allergy, c, rules)]
        if matched:
            reason = f"{rule.reason}; could be in: {', '.join(matched)}"
            out.append(_finding(rule, f"allergy: {allergy}", reason))
    return out


def _screen_product(product: tuple[str, ...], rules: Rules) -> tuple[list[Finding], list[str]]:
    """Findings for oil- or alcohol-based components, and the components not judged."""
    findings, unjudged, seen = [], [], set()
    judged = rules.product
    for component in product:
        key = fold(component)
        if key in seen:
            continue
        seen.add(key)
        word = judged.forbidden.search(key)
        if word is not None:
            reason = f"{word.group()!r} in the name; {judged.rule.reason}"
            findings.append(_finding(judged.rule, f"product: {component}", reason))
        elif not {key, rules.canonical(component)} & (judged.water_based | rules.labels.keys()):
            unjudged.append(f"product: {component}")
    return findings, unjudged


def _validated_product(product: Any) -> tuple[str, ...]:
    expected = "None or a tuple of component names, such as ('hyaluronic acid',)"
    if not isinstance(product, (tuple, list)) or not all(
        isinstance(c, str) and _validators.visible(c) for c in product
    ):
        raise InputTypeError("product", product, expected)
    return tuple(product)

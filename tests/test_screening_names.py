"""Screening that means what it says (issue 18): names read, synonyms, label questions."""

from __future__ import annotations

import contextlib
import itertools
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import mesocalc
from mesocalc._clinic import screening as _screening
from mesocalc._clinic import screening_rules as _screening_rules
from mesocalc._engine.files import read_text
from tests.strategies import NOTHING_TO_REPORT, answered


def _read(name: str) -> mesocalc.Screening:
    return mesocalc.screen(answered(recent_medications={name: 1}))


@pytest.mark.parametrize(
    ("typed", "rule", "severity"),
    [("Warfarin 5 mg", "warfarin", "absolute"), ("warfarine", "warfarin", "absolute"),
     ("WARFARIN 5MG", "warfarin", "absolute"), ("Aspirin 81 mg", "aspirin", "relative"),
     ("asprin", "aspirin", "relative"), ("Nurofen", "ibuprofen", "relative"),
     ("Nurofen 200 mg", "ibuprofen", "relative"), ("Coumadin", "warfarin", "absolute"),
     ("Eliquis 2.5 mg", "apixaban", "absolute"), ("Xarelto", "rivaroxaban", "absolute"),
     ("Plavix 75 mg", "clopidogrel", "relative"), ("Clexane", "enoxaparin", "absolute"),
     ("LMWH", "low molecular weight heparin", "absolute"),
     ("low-molecular-weight heparin", "low molecular weight heparin", "absolute"),
     ("naproxen", "naproxen", "relative"), ("omega-3", "fish oil", "relative")],
)  # fmt: skip
def test_medications_are_read_through_doses_misspellings_and_brands(
    typed: str, rule: str, severity: str
) -> None:
    result = _read(typed)
    assert result.unscreened == ()
    (finding,) = result.findings
    assert (finding.condition, finding.severity) == (rule, severity)
    if typed.casefold() != rule and "mg" in typed.casefold():
        assert f"{typed!r} (dose set aside)" in finding.reason
    if typed in ("warfarine", "asprin"):
        assert f"{typed!r} (read as {rule})" in finding.reason


def test_naproxen_takes_ibuprofens_window_by_analogy() -> None:
    (finding,) = _read("naproxen").findings
    assert (finding.basis, finding.source) == ("analogue", "SEED1")
    assert "the sources name ibuprofen only" in finding.reason
    assert str(finding).startswith("relative, analogue: naproxen:")
    assert mesocalc.screen(answered(recent_medications={"Aleve": 2})).clear


@pytest.mark.parametrize("typed", ["vitamin D", "metformin", "asa 5", "heparine sodium", "ASX"])
def test_names_without_a_rule_stay_unscreened(typed: str) -> None:
    result = _read(typed)
    assert (result.findings, result.unscreened) == ((), (typed,))


_KNOWN = sorted(_screening._rules().medications)


def test_no_known_name_is_within_reach_of_another_rule() -> None:
    rules = _screening._rules().medications
    for a, b in itertools.combinations(_KNOWN, 2):
        if rules[a] is not rules[b]:
            assert not _screening._near(a, b), (a, b)
            assert not _screening._near(b, a), (a, b)


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@st.composite
def _one_edit(draw: st.DrawFn) -> tuple[str, str]:
    """A known name and the same name with one letter changed, dropped, added or swapped."""
    known = draw(st.sampled_from(_KNOWN))
    i = draw(st.integers(0, len(known) - 1))
    kind = draw(st.sampled_from(["change", "drop", "add", "swap"]))
    letter = draw(st.sampled_from(_LETTERS))
    if kind == "change":
        typed = known[:i] + letter + known[i + 1 :]
    elif kind == "drop":
        typed = known[:i] + known[i + 1 :]
    elif kind == "add":
        typed = known[:i] + letter + known[i:]
    else:
        typed = (
            known[: max(i - 1, 0)] + known[i : i + 1] + known[max(i - 1, 0) : i] + known[i + 1 :]
        )
    return known, typed


@given(_one_edit())
@example(("st. john's wort", "st .john's wort"))  # read as "st john's wort", its other name
def test_one_edit_reads_as_that_name_or_as_nothing_never_as_another(edit: tuple[str, str]) -> None:
    known, typed = edit
    rules = _screening._rules()
    matched = _screening._match(typed, rules)
    if matched is not None:
        assert matched[0] is rules.medications[known] or typed in rules.medications
    if matched is not None and matched[1].startswith("read as"):
        # A guess: some name of that rule (the one typed at, or another spelling of it,
        # "st john's wort" beside "st. john's wort") is the typed one word for word, but
        # for words of 6 letters or more. Short words are matched exactly, never guessed.
        names = [k for k, r in rules.medications.items() if r is matched[0]]
        assert any(_long_words_differ(_screening_rules.fold(typed), k) for k in names), matched


def _long_words_differ(typed: str, known: str) -> bool:
    words, known_words = typed.split(), known.split()
    return len(words) == len(known_words) and all(
        w == k or len(k) >= 6 for w, k in zip(words, known_words, strict=True)
    )


@given(st.text(alphabet=_LETTERS + " ", min_size=1, max_size=5))
def test_short_names_match_only_exactly(typed: str) -> None:
    rules = _screening._rules()
    matched = _screening._match(typed, rules)
    if matched is not None:
        assert _screening_rules.fold(typed) in rules.medications


def _osa(a: str, b: str) -> int:
    """The optimal-string-alignment distance, written out plainly."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


@given(st.text("abcd", max_size=8), st.text("abcd", max_size=8), st.integers(0, 3))
def test_the_bounded_distance_is_the_distance_up_to_its_limit(a: str, b: str, limit: int) -> None:
    assert _screening._distance(a, b, limit) == min(_osa(a, b), limit + 1)


@pytest.mark.parametrize(
    ("allergy", "component"),
    [("sodium hyaluronate", "hyaluronic acid"), ("HA", "hyaluronic acid"),
     ("hyaluronan", "Sodium Hyaluronate"), ("hyaluronic acid", "HA"),
     ("lidocaine", "lidocaine hydrochloride 2 %"), ("lignocaine", "lidocaine"),
     ("Kybella", "deoxycholic acid")],
)  # fmt: skip
def test_an_allergy_to_a_substance_that_could_be_in_the_product(
    allergy: str, component: str
) -> None:
    result = mesocalc.screen(answered(allergies=(allergy,)), product=(component,))
    assert not result.clear
    finding = next(f for f in result.findings if f.condition == f"allergy: {allergy}")
    assert (finding.severity, finding.source) == ("absolute", "SEED0")
    assert f"could be in: {component}" in finding.reason


@pytest.mark.parametrize("product", [None, (), []])
def test_an_allergy_with_no_product_named_is_unknown_not_clear(product: Any) -> None:
    result = mesocalc.screen(answered(allergies=("lidocaine",)), product=product)
    assert not result.clear
    (finding,) = result.findings
    assert finding.severity == "relative"
    assert "no product named to check against" in finding.reason


def test_an_allergy_to_something_else_is_clear() -> None:
    assert mesocalc.screen(answered(allergies=("latex",)), product=("hyaluronic acid",)).clear


_LABEL = ("dysphagia", "thyromegaly", "cervical_lymphadenopathy")


def test_the_deoxycholic_acid_labels_questions_are_asked_for_it_only() -> None:
    patient = mesocalc.Patient(**NOTHING_TO_REPORT)
    result = mesocalc.screen(patient, product=("deoxycholic acid",))
    assert (result.clear, result.not_asked) == (False, _LABEL)
    assert mesocalc.screen(patient, product=("hyaluronic acid",)).clear
    assert mesocalc.screen(patient).clear  # no product named: not asked of every patient
    assert mesocalc.screen(answered(), product=("Kybella",)).clear


@pytest.mark.parametrize("field", _LABEL)
def test_the_labels_questions_are_relative_findings_sourced_to_kyb_isi(field: str) -> None:
    patient = answered(**{field: True})
    for product in [("deoxycholic acid",), None]:
        (finding,) = mesocalc.screen(patient, product=product).findings
        assert (finding.condition, finding.severity, finding.source) == (
            field,
            "relative",
            "KYB-ISI",
        )
    assert mesocalc.screen(patient, product=("hyaluronic acid",)).clear  # does not apply
    (dysphagia,) = mesocalc.screen(answered(dysphagia=True)).findings
    assert "current or prior history of dysphagia" in dysphagia.reason
    assert "avoid" in dysphagia.reason


def test_the_label_governs_its_own_product() -> None:
    label = ("deoxycholic acid",)
    (infection,) = mesocalc.screen(answered(skin_infection_at_site=True), product=label).findings
    assert (infection.severity, infection.source) == ("absolute", "KYB")
    (bleeding,) = mesocalc.screen(answered(clotting_disorder=True), product=label).findings
    assert (bleeding.severity, bleeding.source) == ("relative", "KYB-ISI, SEED3")
    assert "caution" in bleeding.reason
    (warfarin,) = mesocalc.screen(
        answered(recent_medications={"warfarin": 1}), product=label
    ).findings
    assert (warfarin.severity, warfarin.source) == ("relative", "THECLINIC, SEED3, KYB-ISI")
    assert "caution with anticoagulant therapy" in warfarin.reason
    (aspirin,) = mesocalc.screen(
        answered(recent_medications={"aspirin": 1}), product=label
    ).findings
    assert (aspirin.severity, aspirin.source) == ("relative", "SEED1, KYB-ISI")
    assert mesocalc.screen(answered(recent_medications={"aspirin": 8}), product=label).clear
    (general,) = mesocalc.screen(answered(recent_medications={"warfarin": 1})).findings
    assert general.severity == "absolute"


def test_keloid_history_is_listed_unsourced_and_never_required() -> None:
    result = mesocalc.screen(answered(keloid_history=True))
    (finding,) = result.findings
    assert (finding.severity, finding.basis, finding.source) == ("relative", "unsourced", "")
    assert "ask the physician" in finding.reason
    assert str(finding).endswith("(no source)")
    assert mesocalc.screen(answered(keloid_history=False)).clear
    assert mesocalc.screen(mesocalc.Patient(**NOTHING_TO_REPORT)).clear  # not asked: clear


@given(st.integers(0, 150))
def test_age_is_recorded_and_never_a_finding(age: int) -> None:
    assert mesocalc.screen(answered(age=age)).clear


@pytest.mark.parametrize(
    ("kwargs", "parameter", "error"),
    [({"dysphagia": "yes"}, "dysphagia", mesocalc.InputTypeError),
     ({"thyromegaly": 1}, "thyromegaly", mesocalc.InputTypeError),
     ({"cervical_lymphadenopathy": "no"}, "cervical_lymphadenopathy", mesocalc.InputTypeError),
     ({"keloid_history": 0}, "keloid_history", mesocalc.InputTypeError),
     ({"breastfeeding": "no"}, "breastfeeding", mesocalc.InputTypeError),
     ({"lactating": 1}, "breastfeeding", mesocalc.InputTypeError),
     ({"age": -1}, "age", mesocalc.InvalidValueError),
     ({"age": 151}, "age", mesocalc.InvalidValueError),
     ({"age": 40.5}, "age", mesocalc.InputTypeError),
     ({"age": True}, "age", mesocalc.InputTypeError),
     ({"allergies": "HA"}, "allergies", mesocalc.InputTypeError),
     ({"recent_medications": ["warfarin"]}, "recent_medications", mesocalc.InputTypeError)],
)  # fmt: skip
def test_hostile_patient_fields(
    kwargs: dict[str, Any], parameter: str, error: type[mesocalc.MesocalcError]
) -> None:
    with pytest.raises(error) as info:
        mesocalc.Patient(**kwargs)
    assert info.value.parameter == parameter
    assert str(next(iter(kwargs.values()))) in str(info.value) or "..." in str(info.value)


@given(st.from_type(type).flatmap(lambda _: st.none()) | st.text() | st.integers() | st.floats())
def test_any_answer_is_a_mesocalc_error_or_a_patient(value: Any) -> None:
    for field in ["pregnant", "dysphagia", "age", "hypertension_stage", "allergies"]:
        with contextlib.suppress(mesocalc.MesocalcError):
            mesocalc.Patient(**{field: value})


_TEXT = read_text("screening.toml")


@pytest.mark.parametrize(
    ("old", "new"),
    [('basis = "unsourced"\nrequired', 'basis = "guessed"\nrequired'),
     ('required = false\nreason = "history of keloids', 'required = "no"\nreason = "history of keloids'),
     ('basis = "unsourced"\nrequired = false\nreason = "history of keloids: no source mesocalc holds names keloids as a contraindication to mesotherapy (unsourced): ask the physician"\nsource = []',
      'basis = "unsourced"\nrequired = false\nreason = "history of keloids"\nsource = ["SEED3"]'),
     ('severity = "relative"\nbasis = "unsourced"', 'severity = "absolute"\nbasis = "unsourced"'),
     ('class = "antiplatelet"\ndays = 3', 'class = "blood thinner"\ndays = 3'),
     ('severity = "relative"\nbasis = "unsourced"', 'severity = "sometimes"\nbasis = "unsourced"'),
     ('reason = "history of keloids:', 'reasons = "history of keloids:'),
     ("min_stage = 2", "min_stage = 4"),
     ("format = 1", "format = 2"),
     ("[conditions.clotting_disorder]", "[conditions.bleeding]"),
     ("[conditions.clotting_disorder]", "conditions.clotting_disorder = 3\n[x]"),
     ('"lidocaine" = ["lignocaine"]', '"lidocaine" = "lignocaine"'),
     ('"lidocaine" = ["lignocaine"]', '"lidocaine" = ["hyaluronan"]'),
     ('aliases = ["aleve", "naprosyn"]', 'aliases = ["aleve", "naprosyn", "advil"]'),
     ('[labels."deoxycholic acid".conditions.thyromegaly]', '[labels."deoxycholic acid".conditions.goitre]'),
     ('[labels."deoxycholic acid".medications.antiplatelet]', '[labels."deoxycholic acid".medications.statin]'),
     ('[labels."deoxycholic acid".medications.antiplatelet]', '[labels."deoxycholic acid".dose]\n[labels.x.medications.antiplatelet]')],
)  # fmt: skip
def test_bad_screening_rules_are_catalog_errors(old: str, new: str) -> None:
    assert old in _TEXT
    with pytest.raises(mesocalc.CatalogError):
        _screening._parse_rules(_TEXT.replace(old, new, 1))


def test_rule_tables_that_are_not_tables_are_catalog_errors() -> None:
    with pytest.raises(mesocalc.CatalogError):
        _screening_rules._synonyms(3)
    with pytest.raises(mesocalc.CatalogError):
        _screening_rules._labels(3, set(), set())


def test_the_status_says_what_keeps_screening_from_being_clear() -> None:
    result = mesocalc.screen(
        mesocalc.Patient(pregnant=True, recent_medications={"tea": 1, "aspirin": 1}),
        product=("glycerol",),
    )
    assert result.status.startswith("not clear: 2 findings; unscreened: tea, product: glycerol; ")
    assert "not asked: breastfeeding, clotting_disorder" in result.status
    assert [f.condition for f in result.absolute] == ["pregnant"]
    assert len(result.lines()) == 3
    one = mesocalc.screen(answered(pregnant=True))
    assert one.status == "not clear: 1 finding"
    assert repr(attrs_validator()) == "<answer validator>"


def attrs_validator() -> object:
    import attrs  # noqa: PLC0415

    return attrs.fields(mesocalc.Patient).pregnant.validator

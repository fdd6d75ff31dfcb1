"""A Sphinx extension that writes the pages' generated parts before each build.

From the shipped catalog it writes, into ``docs/_generated/`` (never committed):

* ``catalog-tables.rst``: the technique x zone matrix, why each pair stands where it does,
  the default plan of every published pair, and the full citation of every source cited;
* ``guardrails-*.rst``: the numbers docs/guardrails.md states, as tables: the layer of each
  technique, each zone's published skin, a group's skin by site, sex and age, the ranges a
  zone sets, the hard ranges, the session caps and the syringe presets (from catalog.toml,
  skin.toml and equipment.toml);
* ``changelog-unreleased.md``: what ``towncrier build --draft`` would add to CHANGELOG.md;
* ``*-chart.svg``: the injection charts docs/charts.md builds in its examples, which are
  run here as they are in the tests (each ``Chart`` an example binds to ``NAME_chart``).

It also checks that ``docs/api.md`` documents every public name of ``mesocalc``. The
writers import neither Sphinx nor towncrier at module level, so the test suite calls them
without the docs extra.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from sphinx.application import Sphinx

DOCS: Final = Path(__file__).resolve().parents[1]
ROOT: Final = DOCS.parent
GENERATED: Final = DOCS / "_generated"

# The area of each zone the default plans are shown over, in cm², as docs/catalog.md states
# them: the face is AMIN's full face (200 cm²), the scalp LEGIA23's 6 x 4 cm field, the
# submental zone the most KYB's 1 cm grid allows; the others are illustrations.
AREAS: Final[Mapping[str, int]] = {
    "face": 200,
    "eyelid": 4,
    "neck": 100,
    "decollete": 100,
    "scalp": 24,
    "submental": 50,
    "hands": 100,
    "abdomen": 400,
    "flanks": 200,
    "thighs": 600,
    "buttocks": 400,
    "arms": 200,
    "back": 400,
    "forearm": 100,
    "knees": 100,
}

_MARK: Final = {"published": "P", "not published": "n", "contraindicated": "x"}


def _escape(text: str) -> str:
    """Text for an rST table cell or citation: markup characters and list markers literal."""
    text = re.sub(r"([\\`*_|\[\]<>])", r"\\\1", " ".join(text.split()))
    if re.match(r"[-+#•]|\(?\w{1,3}[.)]\s", text):  # would open a list
        text = "\\" + text
    return text


def _table(title: str, header: list[str], rows: Iterable[list[str]], widths: str = "auto") -> str:
    lines = [f".. list-table:: {title}", "   :header-rows: 1", f"   :widths: {widths}", ""]
    for row in [header, *rows]:
        first, *rest = row
        lines.append(f"   * - {first}")
        lines.extend(f"     - {cell}" for cell in rest)
    return "\n".join(lines) + "\n"


def _shown(value: Any, unit: str) -> str:
    """A Quantity in ``unit``, spelt as mesocalc's tables spell it (mL, not pint's ml)."""
    return f"{value.to(unit).magnitude:.3g} {unit}"


class _Cited:
    """The source keys the tables cite, in order of first citation."""

    def __init__(self, sources: Mapping[str, Mapping[str, str]]) -> None:
        self.sources = sources
        self.keys: list[str] = []

    def __call__(self, keys: Iterable[str]) -> str:
        refs = []
        for key in dict.fromkeys(keys):
            if key in self.sources:
                if key not in self.keys:
                    self.keys.append(key)
                refs.append(f"[{key}]_")
            else:  # a key with no entry in [sources], such as UNSOURCED: said, not cited
                refs.append(_escape(key))
        return " ".join(refs) or "none"

    def citations(self) -> str:
        return "\n".join(
            f".. [{key}] {_escape(self.sources[key]['citation'])}" for key in self.keys
        )


def _part(first: str, until: str) -> str:
    """One table of ``catalog_tables()``, from its title to the next part."""
    tables = catalog_tables()
    start = tables.index(f".. list-table:: {first}")
    end = tables.index(until, start + 1)
    head = ".. This file is written by docs/_ext/mesocalc_docs.py at each build: do not edit.\n\n"
    return head + tables[start:end].rstrip() + "\n"


def catalog_matrix() -> str:
    """The technique x zone matrix alone, for docs/catalog.md."""
    return _part("Each technique on each zone", ".. list-table::")


def catalog_plans() -> str:
    """The default plans' table alone, for docs/catalog.md (sources cited on the tables page)."""
    return _part("The default plan of each published pair", ".. rubric::")


def catalog_tables() -> str:
    """The catalog's tables in reStructuredText, every source key cited in full."""
    import mesocalc  # noqa: PLC0415 - imported when the page is written, not by Sphinx

    book = mesocalc.Catalog.default()
    cite = _Cited(book.sources)
    techniques = list(mesocalc.Technique)
    zones = list(mesocalc.Zone)

    def state(t: mesocalc.Technique, z: mesocalc.Zone) -> str:
        if (t, z) in book.entries:
            return "published"
        return "not published" if (t, z) in book.unpublished else "contraindicated"

    matrix = _table(
        "Each technique on each zone: P published, n not published, x contraindicated",
        ["zone", *(t.value for t in techniques)],
        ([z.value, *(_MARK[state(t, z)] for t in techniques)] for z in zones),
    )

    why_rows = []
    for z in zones:
        for t in techniques:
            if (t, z) in book.entries:
                entry = book.entries[(t, z)]
                why_rows.append([z.value, t.value, "published", "", cite(entry.sources)])
            elif (t, z) in book.contraindicated:
                no = book.contraindicated[(t, z)]
                why_rows.append(
                    [z.value, t.value, "contraindicated", _escape(no.reason), cite(no.sources)]
                )
    why = _table(
        "Published and contraindicated pairs, with the sources that place them",
        ["zone", "technique", "state", "why", "sources"],
        why_rows,
        "12 14 12 40 22",
    )

    plan_rows = []
    for z in zones:
        for t in techniques:
            if (t, z) not in book.entries:
                continue
            area = AREAS[z.value]
            published = book.entries[(t, z)].published_dose
            shown = (
                "" if published is None else f"{published.describe()} ({cite(published.sources)})"
            )
            try:
                p = mesocalc.plan(technique=t, zone=z, area=f"{area} cm^2")
            except mesocalc.MesocalcError as exc:
                missing = book.entries[(t, z)].ranges()[exc.parameter]
                numbers = ["", "", "", "", f"no default {exc.parameter.replace('_', ' ')}", ""]
                plan_rows.append(
                    [z.value, str(area), t.value, *numbers, shown, "", cite(missing.sources)]
                )
                continue
            dose = p.total_volume.to("mL").magnitude / area
            ratio = ""
            if published is not None:  # to the nearest published figure: 1x within a range
                near = min(max(dose, published.low_magnitude), published.high_magnitude)
                ratio = f"{dose / near:.2g}x"
            numbers = [
                str(p.points),
                _shown(p.spacing, "mm"),
                _shown(p.volume_per_point, "mL"),
                _shown(p.depth, "mm"),
                _shown(p.total_volume, "mL"),
                _shown(p.expected_loss, "mL"),
                shown,
                ratio,
            ]
            plan_rows.append([z.value, str(area), t.value, *numbers, cite(p.sources)])
    plans = _table(
        "The default plan of each published pair",
        [
            "zone",
            "area (cm²)",
            "technique",
            "points",
            "spacing",
            "volume per point",
            "depth",
            "total volume",
            "expected loss",
            "published session",
            "ratio",
            "sources",
        ],
        plan_rows,
    )
    return "\n".join(
        [
            ".. This file is written by docs/_ext/mesocalc_docs.py at each build: do not edit.",
            "",
            matrix,
            why,
            plans,
            ".. rubric:: Sources cited in these tables",
            "",
            cite.citations(),
            "",
        ]
    )


def _data(name: str) -> dict[str, Any]:
    """One of the package's data files, as TOML."""
    import mesocalc  # noqa: PLC0415

    return tomllib.loads((Path(mesocalc.__file__).parent / name).read_text(encoding="utf-8"))


def _keys(sources: Iterable[str]) -> str:
    """Source keys as the pages write them (cited in full on the tables page)."""
    return ", ".join(f"``{key}``" for key in sources) or "none"


def _bounds(doc: Mapping[str, Any]) -> str:
    """A technique's range as catalog.toml writes it, in words."""
    unit = doc.get("unit", "")
    low, high = doc.get("low"), doc["high"]
    if doc.get("about"):
        return f"about {high:g} {unit}"
    if low is None:
        return f"at most {high:g} {unit}"
    if doc.get("low_open"):
        return f"more than {low:g} and at most {high:g} {unit}"
    return f"{low:g} to {high:g} {unit}" if low != high else f"{low:g} {unit}"


def _layers(raw: Mapping[str, Any]) -> str:
    rows = []
    for name, doc in raw["techniques"].items():
        layer = doc["layer"]
        rows.append(
            [
                name,
                layer["name"],
                _bounds(doc["depth"]),
                _keys(layer["source"]),
                _escape(layer.get("note", "")),
            ]
        )
    return _table(
        "The layer each technique deposits in, and its own published depth",
        ["technique", "layer", "depth", "layer sources", "why"],
        rows,
        "14 8 16 18 44",
    )


def _skin(book: Any) -> str:
    import mesocalc  # noqa: PLC0415

    rows = []
    bare = []
    for zone in mesocalc.Zone:
        thickness = book.skin.get(zone)
        skin = None if thickness is None else thickness.skin
        if skin is None:
            bare.append(zone.value)
            continue
        note = _escape(skin.note)
        rows.append([zone.value, skin.describe(), skin.basis.value, _keys(skin.sources), note])
    if bare:
        stand_in = book.layer_thickness(mesocalc.Zone(bare[0]))
        bound = (
            f"none published: a skin technique is bounded by the thickest skin of any zone "
            f"({stand_in.skin.describe()}, the {stand_in.borrowed_from}), and plans warn"
        )
        rows.append([", ".join(bare), bound, "", "", ""])
    return _table(
        "The full skin thickness (epidermis + dermis) each zone's layer limits use",
        ["zone", "full skin", "basis", "sources", "note"],
        rows,
        "14 16 10 20 40",
    )


def _group_skin(doc: Mapping[str, Any]) -> str:
    """skin.toml as a table: each site's part, the group measured, and each sex's figure."""
    groups = doc["groups"]
    rows = []
    for figure in doc["figures"]:
        group = groups[figure["group"]]
        ages = f"{group['ages']['low']}-{group['ages']['high']}"
        cells = []
        for sex in ("female", "male"):
            value = figure.get(sex)
            cells.append("" if value is None else f"{value['value']:g} {value['unit']}")
        sources = [k for sex in ("female", "male") for k in figure.get(sex, {}).get("source", [])]
        rows.append(
            [
                figure["site"],
                figure["part"],
                ages,
                *cells,
                _keys(dict.fromkeys(sources)),
                _escape(group["method"]),
            ]
        )
    return _table(
        "Full skin by site, sex and age group, where a source measured the group (skin.toml)",
        ["site", "part", "ages", "women", "men", "sources", "how"],
        rows,
        "12 12 8 8 8 12 40",
    )


def _zone_depths(book: Any, raw: Mapping[str, Any]) -> str:
    rows = []
    for zone, doc in raw["zones"].items():
        for technique, use in doc.get("techniques", {}).items():
            if not isinstance(use, dict) or "depth" not in use:
                continue
            depth = book.spec(technique, zone).depth
            rows.append(
                [
                    zone,
                    technique,
                    depth.describe(),
                    _bounds(raw["techniques"][technique]["depth"]),
                    "hard" if depth.hard else "soft",
                    _keys(depth.sources),
                    _escape(depth.note),
                ]
            )
    return _table(
        "The depths a zone sets for a technique, beside the technique's own",
        ["zone", "technique", "depth there", "technique's own", "limit", "sources", "note"],
        rows,
        "10 12 12 14 6 16 30",
    )


def _hard(book: Any) -> str:
    import mesocalc  # noqa: PLC0415

    rows = []
    for zone in mesocalc.Zone:
        cap = book.caps.get(zone)
        if cap is not None:
            every = [zone.value, "every technique", "depth", cap.describe()]
            rows.append([*every, _keys(cap.sources)])
    for (technique, zone), entry in book.entries.items():
        for name, r in entry.ranges().items():
            if r.hard:
                rows.append([zone.value, technique.value, name, r.describe(), _keys(r.sources)])
    return _table(
        "The ranges the catalog marks as hard limits",
        ["zone", "technique", "parameter", "range", "sources"],
        rows,
        "12 16 14 20 20",
    )


def _caps(book: Any) -> str:
    rows = []
    for (technique, zone), entry in book.entries.items():
        cap = entry.session
        if cap is None:
            continue
        parts = []
        if cap.max_points is not None:
            parts.append(f"at most {cap.max_points} injections")
        if cap.max_volume_magnitude is not None:
            parts.append(f"at most {cap.max_volume_magnitude:g} mL")
        rows.append(
            [
                zone.value,
                technique.value,
                ", ".join(parts),
                "hard" if cap.hard else "soft",
                cap.basis.value,
                _keys(cap.sources),
                _escape(cap.note),
            ]
        )
    return _table(
        "The per-session caps",
        ["zone", "technique", "cap", "limit", "basis", "sources", "note"],
        rows,
        "10 10 14 6 8 10 42",
    )


def _needles(book: Any) -> str:
    """The needles the sources name for each technique: lengths and gauges, soft limits."""
    import mesocalc  # noqa: PLC0415

    rows = []
    for technique in mesocalc.Technique:
        entry = book.spec(technique, "face")
        lengths, gauges = entry.needle, entry.needle_gauge
        if lengths is None:
            continue
        named = "any" if gauges is None else gauges.describe()
        note = _escape(lengths.note)
        row = [technique.value, lengths.describe(), named, lengths.basis.value]
        rows.append([*row, _keys(lengths.sources), note])
    return _table(
        "The needles the sources name for each technique (soft limits)",
        ["technique", "length", "gauge", "basis", "sources", "note"],
        rows,
        "14 10 10 8 14 44",
    )


def _syringes(equipment: Mapping[str, Any]) -> str:
    rows = []
    for kind, sizes in equipment["syringes"].items():
        for size, doc in sizes.items():
            if kind == "low-dead-space":
                call = "Syringe.low_dead_space()"
            elif size == "1 mL":
                call = "Syringe.conventional()"
            else:
                call = f'Syringe.conventional("{size}")'
            rows.append(
                [
                    f"``{call}``",
                    doc["capacity"],
                    doc["dead_space"],
                    _keys(doc["source"]),
                    _escape(doc.get("note", "")),
                ]
            )
    return _table(
        "The syringe presets",
        ["preset", "capacity", "dead space", "sources", "note"],
        rows,
        "22 10 10 12 46",
    )


def guardrail_tables() -> dict[str, str]:
    """The tables of docs/guardrails.md, by file name, in reStructuredText."""
    import mesocalc  # noqa: PLC0415

    book = mesocalc.Catalog.default()
    raw = _data("catalog.toml")
    equipment = _data("equipment.toml")
    gauge = equipment["needle"]["gauge"]
    out = {
        "guardrails-layers.rst": _layers(raw),
        "guardrails-skin.rst": _skin(book),
        "guardrails-group-skin.rst": _group_skin(_data("skin.toml")),
        "guardrails-zone-depths.rst": _zone_depths(book, raw),
        "guardrails-hard.rst": _hard(book),
        "guardrails-caps.rst": _caps(book),
        "guardrails-syringes.rst": _syringes(equipment),
        "guardrails-needles.rst": _needles(book),
        "guardrails-gauges.rst": (
            f"A needle's gauge is a whole number from {gauge['low']} to {gauge['high']} "
            f"({_keys(gauge['source'])}: {_escape(gauge.get('note', ''))})\n"
        ),
    }
    head = ".. This file is written by docs/_ext/mesocalc_docs.py at each build: do not edit.\n\n"
    return {name: head + text for name, text in out.items()}


def unreleased_changes() -> str:
    """The unreleased changelog fragments as towncrier renders them, one heading level down."""
    draft = subprocess.run(
        [sys.executable, "-m", "towncrier", "build", "--draft", "--version", "unreleased"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    body = draft.split("\n", 1)[1] if draft.startswith("# ") else draft  # its own title
    return re.sub(r"^(#+) ", r"#\1 ", body, flags=re.M).strip() + "\n"


def missing_api_names() -> list[str]:
    """The public names of mesocalc that docs/api.md does not document."""
    import mesocalc  # noqa: PLC0415
    import mesocalc.testing  # noqa: PLC0415
    import mesocalc.testing.strategies  # noqa: PLC0415

    text = (DOCS / "api.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\.\. auto\w+:: ([\w.]+)", text, re.M))
    wanted = [f"mesocalc.{name}" for name in mesocalc.__all__]
    wanted += [f"mesocalc.testing.{name}" for name in mesocalc.testing.__all__]
    wanted += [f"mesocalc.testing.strategies.{n}" for n in mesocalc.testing.strategies.__all__]
    exceptions = {f"mesocalc.{name}" for name in mesocalc.exceptions.__all__}
    return [
        name
        for name in wanted
        if name not in documented
        and not (name in exceptions and "mesocalc.exceptions" in documented)
    ]


def example_charts(page: str = "charts.md") -> dict[str, str]:
    """The charts the examples of ``docs/<page>`` build, by file name (``face-chart.svg``).

    The page's ```pycon examples run in one namespace, as doctest runs them; every
    ``mesocalc.Chart`` they bind to a name ending in ``_chart`` is written as SVG.
    """
    import doctest  # noqa: PLC0415 - only the docs build needs it

    import mesocalc  # noqa: PLC0415

    text = (DOCS / page).read_text(encoding="utf-8")
    namespace: dict[str, Any] = {}
    for block in re.findall(r"```pycon\n(.*?)```", text, re.S):
        for example in doctest.DocTestParser().get_examples(block):
            exec(compile(example.source, page, "exec"), namespace)  # the page's own examples
    return {
        f"{name.removesuffix('_chart').replace('_', '-')}-chart.svg": value.svg
        for name, value in namespace.items()
        if name.endswith("_chart") and isinstance(value, mesocalc.Chart)
    }


def write(directory: Path = GENERATED) -> None:
    """Write the generated parts of the pages into ``directory``."""
    directory.mkdir(exist_ok=True)
    (directory / "catalog-tables.rst").write_text(catalog_tables(), encoding="utf-8")
    (directory / "catalog-plans.rst").write_text(catalog_plans(), encoding="utf-8")
    (directory / "catalog-matrix.rst").write_text(catalog_matrix(), encoding="utf-8")
    for name, text in guardrail_tables().items():
        (directory / name).write_text(text, encoding="utf-8")
    (directory / "changelog-unreleased.md").write_text(unreleased_changes(), encoding="utf-8")
    for name, svg in example_charts().items():
        (directory / name).write_text(svg, encoding="utf-8")


def _builder_inited(app: Sphinx) -> None:
    from sphinx.util import logging  # noqa: PLC0415 - only under Sphinx

    write()
    for name in missing_api_names():
        logging.getLogger(__name__).warning("docs/api.md does not document %s", name)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the writers to run when a build starts."""
    app.connect("builder-inited", _builder_inited)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

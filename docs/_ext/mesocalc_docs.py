"""A Sphinx extension that writes the pages' generated parts before each build.

From the shipped catalog it writes, into ``docs/_generated/`` (never committed):

* ``catalog-tables.rst``: the technique x zone matrix, why each pair stands where it does,
  the default plan of every published pair, and the full citation of every source cited;
* ``changelog-unreleased.md``: what ``towncrier build --draft`` would add to CHANGELOG.md.

It also checks that ``docs/api.md`` documents every public name of ``mesocalc``. The
writers import neither Sphinx nor towncrier at module level, so the test suite calls them
without the docs extra.
"""

from __future__ import annotations

import re
import subprocess
import sys
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


def catalog_tables() -> str:
    """The catalog's tables in reStructuredText, every source key cited in full."""
    import mesocalc  # noqa: PLC0415 - imported when the page is written, not by Sphinx
    from mesocalc._catalog import default_catalog  # noqa: PLC0415

    book = default_catalog()
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


def write(directory: Path = GENERATED) -> None:
    """Write the generated parts of the pages into ``directory``."""
    directory.mkdir(exist_ok=True)
    (directory / "catalog-tables.rst").write_text(catalog_tables(), encoding="utf-8")
    (directory / "changelog-unreleased.md").write_text(unreleased_changes(), encoding="utf-8")


def _builder_inited(app: Sphinx) -> None:
    from sphinx.util import logging  # noqa: PLC0415 - only under Sphinx

    write()
    for name in missing_api_names():
        logging.getLogger(__name__).warning("docs/api.md does not document %s", name)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the writers to run when a build starts."""
    app.connect("builder-inited", _builder_inited)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

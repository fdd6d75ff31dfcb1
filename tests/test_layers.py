"""The package is layered: every module imports only from layers below its own.

Imports inside functions count (only ``if TYPE_CHECKING:`` blocks do not, and
``mesocalc/__init__.py``, which loads public names lazily, may import anything).
A new module must be given a layer here; docs/adr/0006-layers.md says why.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import mesocalc

PACKAGE = Path(mesocalc.__file__).parent

# Bottom first. A module may import modules of earlier layers only.
# The subpackages, bottom first: each imports only from the packages before it (and
# mesocalc.exceptions and mesocalc.typing), and its docstring says so.
PACKAGES: list[str] = [
    "_engine",
    "_quantities",
    "_records",
    "_catalog",
    "_geometry",
    "_planning",
    "_clinic",
    "_exchange",
]

LAYERS: list[tuple[str, set[str]]] = [
    ("the engine: imports on first use and caches", {"_engine.engine"}),
    (
        "errors, type aliases and the packages' docstrings",
        {
            "exceptions",
            "typing",
            *PACKAGES,
            "_engine.files",
            "_engine.built",
            "_engine.numpy_binding",
        },
    ),
    (
        "names, units, codes, validators and the JSON schemas",
        {
            "_quantities.names",
            "_quantities.units",
            "_quantities.codes",
            "_clinic.gs1",
            "_quantities.validators",
            "_records.schemas",
        },
    ),
    ("structuring untrusted data, migrations of stored JSON", {"_records.structuring"}),
    ("units over arrays and of several dimensions", {"_quantities.magnitudes"}),
    ("the parameter table", {"_quantities.parameters"}),
    ("tables of rows, as text, Markdown and HTML", {"_records.tables"}),
    ("the codec's kinds of field", {"_records.kinds"}),
    (
        "reading inputs, arithmetic, the codec",
        {"_quantities.inputs", "_quantities.arithmetic", "_records.codec"},
    ),
    ("the records of a catalog entry", {"_catalog.entries"}),
    ("the catalog's TOML reader", {"_catalog.reader"}),
    ("the catalog", {"_catalog.catalog"}),
    ("named sites on a person", {"_catalog.sites"}),
    ("skin by site, sex and age", {"_catalog.skin"}),
    ("the screening rules", {"_clinic.screening_rules"}),
    ("warning records, clinic protocols", {"_catalog.warnings", "_catalog.protocol"}),
    ("overrides and their records", {"_planning.overrides"}),
    (
        "rules, equipment, screening, outlines",
        {
            "_planning.guardrails",
            "_planning.range_warnings",
            "_planning.equipment",
            "_clinic.screening",
            "_geometry.shapes",
            "_clinic.products",
        },
    ),
    ("a patient's measurements and the reference adult", {"_geometry.anatomy"}),
    ("site templates, anatomy and keep-out zones", {"_geometry.templates"}),
    ("named landmarks on the templates", {"_geometry.landmarks"}),
    ("values derived from other inputs", {"_planning.derived"}),
    ("drawing", {"_geometry.plot", "_geometry.chart"}),
    ("layouts and heads", {"_geometry.layout", "_geometry.injector"}),
    ("threads", {"_geometry.threads"}),
    ("the search for a spacing that holds a count", {"_geometry.spacing_search"}),
    ("placement on a shape", {"_geometry.placement"}),
    ("the planning pipeline: a request read once, its rules in one list", {"_planning.pipeline"}),
    ("per-element findings of the rules over arrays", {"_planning.findings"}),
    ("stored plans, read and run through the pipeline's rules again", {"_planning.stored"}),
    ("charts of plans, on their sites' templates", {"_planning.charting"}),
    ("stored plans of earlier schema versions", {"_planning.migrations"}),
    ("the plan", {"_planning.plan"}),
    ("plans over arrays", {"_planning.plan_array"}),
    ("the plans a run through the rules makes", {"_planning.made"}),
    ("the memo of requests seen before", {"_planning.memo"}),
    ("a plan on a named site: zone, side, template and keep-outs", {"_planning.location"}),
    ("the planner", {"_planning.planner"}),
    ("FHIR export", {"_clinic.fhir"}),
    ("FHIR export of a treatment record", {"_clinic.fhir_record"}),
    ("a session's checks of its label, summed caps and screening", {"_clinic.session_checks"}),
    ("a treatment record's parts: vials, what an area was given, events", {"_clinic.vials"}),
    ("the session's parts a treatment record keeps", {"_clinic.recorded"}),
    (
        "changes to a record's areas: given as planned, otherwise, amended",
        {"_clinic.record_changes"},
    ),
    ("a treatment record's checks and its hard-limit rule", {"_clinic.record_checks"}),
    ("treatment records, holding the parts of the session they record", {"_clinic.record"}),
    ("a session's areas, read and planned", {"_clinic.session_requests"}),
    ("sessions", {"_clinic.session"}),
    ("courses", {"_clinic.course"}),
    ("the catalog in words, for the command line", {"_exchange.cli_catalog"}),
    (
        "the TOML files the command line reads: a session, a patient's answers",
        {"_exchange.cli_files"},
    ),
    ("plan_frame's result columns and their display", {"_exchange.frame_results"}),
    ("what composes plans", {"_exchange.frame", "_exchange.cli", "testing", "testing.strategies"}),
    ("entry points", {"__main__"}),
]
LAYER = {f"mesocalc.{m}": i for i, (_, modules) in enumerate(LAYERS) for m in modules}


def _name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """The package's modules that ``path`` imports, at any depth but TYPE_CHECKING blocks."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for branch in node.orelse:
                visit(branch)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    # A package's __init__ holds its docstring only: importing from it imports nothing.
    packages = {f"mesocalc.{p}" for p in PACKAGES}
    return {m for m in found if m in MODULES} - {_name(path), "mesocalc"} - packages


FILES = {_name(p): p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts}
MODULES = set(FILES)
GRAPH = {m: _imports(p) for m, p in FILES.items() if m != "mesocalc"}


def test_every_module_has_a_layer() -> None:
    assert sorted(MODULES - {"mesocalc"} - set(LAYER)) == []
    assert sorted(set(LAYER) - MODULES) == []


def test_modules_import_only_from_layers_below() -> None:
    upward = [
        f"{m} ({LAYERS[LAYER[m]][0]}) imports {i} ({LAYERS[LAYER[i]][0]})"
        for m, imported in GRAPH.items()
        for i in sorted(imported)
        if LAYER[i] >= LAYER[m]
    ]
    assert upward == []


def test_no_import_cycle() -> None:
    done: set[str] = set()

    def visit(m: str, path: tuple[str, ...]) -> None:
        assert m not in path, " -> ".join((*path, m))
        if m not in done:
            for i in sorted(GRAPH.get(m, ())):
                visit(i, (*path, m))
            done.add(m)

    for m in sorted(GRAPH):
        visit(m, ())


def test_the_layer_test_sees_imports_inside_functions() -> None:
    assert (
        "mesocalc._geometry.placement" in GRAPH["mesocalc._planning.pipeline"]
    )  # imported on first use
    assert "mesocalc._clinic.session" in GRAPH["mesocalc._exchange.cli_files"]
    assert "mesocalc._planning.equipment" in GRAPH["mesocalc._planning.plan"]


def test_private_modules_live_in_packages() -> None:
    loose = {m for m in MODULES if m.count(".") == 1 and m.split(".")[1] not in PACKAGES}
    assert sorted(m for m in loose if m.split(".")[1].startswith("_")) == ["mesocalc.__main__"]


def test_packages_import_only_from_packages_below() -> None:
    def package(module: str) -> int:
        part = module.split(".")[1] if module.count(".") else ""
        return PACKAGES.index(part) if part in PACKAGES else -1

    upward = [
        f"{m} imports {i}"
        for m, imported in GRAPH.items()
        for i in sorted(imported)
        if package(i) > package(m) >= 0
    ]
    assert upward == []


def test_every_package_says_what_it_may_import() -> None:
    for name in PACKAGES:
        doc = ast.get_docstring(ast.parse((PACKAGE / name / "__init__.py").read_text("utf-8")))
        assert doc is not None, name
        assert "import" in doc, name


# A plan's magnitudes are private fields; other modules read them through the codec's field
# spec (codec.value_of), by the JSON key a field is written under.
_PLAN_PRIVATE = {"_area", "_spacing", "_volume_per_point", "_depth", "_angle", "_thread_length"}


def test_no_module_reads_a_plans_private_fields() -> None:
    found = []
    for module, path in FILES.items():
        if module in {"mesocalc._planning.plan", "mesocalc._planning.plan_array"}:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in _PLAN_PRIVATE
                and not (isinstance(node.value, ast.Name) and node.value.id == "self")
            ):
                found.append(f"{module}:{node.lineno} .{node.attr}")
    assert found == []


# The package's own public names, read at run time: only its __init__ (which loads them
# lazily) and the command line's version; anything else imports the module itself, below.
_PUBLIC_IMPORT_ALLOWED = {"mesocalc": None, "mesocalc._exchange.cli": {"__version__"}}


def _public_imports(path: Path) -> list[tuple[int, set[str]]]:
    """(line, names) of each ``from mesocalc import`` or ``import mesocalc`` outside TYPE_CHECKING."""
    found: list[tuple[int, set[str]]] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for branch in node.orelse:
                visit(branch)
            return
        if isinstance(node, ast.Import):
            if any(a.name == "mesocalc" for a in node.names):
                found.append((node.lineno, {"mesocalc"}))
        elif isinstance(node, ast.ImportFrom) and node.module == "mesocalc" and not node.level:
            found.append((node.lineno, {a.name for a in node.names}))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


def test_no_module_imports_the_package_by_its_public_names() -> None:
    """An import through mesocalc's public names hides an upward import from the layers."""
    through = []
    for m, path in sorted(FILES.items()):
        if m in _PUBLIC_IMPORT_ALLOWED and _PUBLIC_IMPORT_ALLOWED[m] is None:
            continue
        allowed = _PUBLIC_IMPORT_ALLOWED.get(m) or set()
        through += [f"{m}:{line} {sorted(n)}" for line, n in _public_imports(path) if n - allowed]
    assert through == []
    assert _PUBLIC_IMPORT_ALLOWED["mesocalc._exchange.cli"] == {"__version__"}


def test_the_public_import_check_sees_one(tmp_path: Path) -> None:
    module = tmp_path / "upward.py"
    module.write_text(
        "import typing\nif typing.TYPE_CHECKING:\n    from mesocalc import Plan\n"
        "def f():\n    from mesocalc import Session\n    import mesocalc\n",
        encoding="utf-8",
    )
    assert _public_imports(module) == [(5, {"Session"}), (6, {"mesocalc"})]


_IMPORTERS = frozenset({"import_module", "__import__", "imported", "find_spec", "reload"})


def _by_name_imports(path: Path) -> list[str]:
    """Imports of mesocalc modules by name, which the import graph above cannot see.

    A call to an importer (importlib's, ``__import__``, the engine's ``imported``) whose
    module is not a literal naming another package, and any string literal (docstrings
    aside) that names a mesocalc module: either is an import the layers do not check.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings: set[int] = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    # A class's __module__ says where pickle finds it when a caller loads a pickle: the
    # module does not import it.
    docstrings |= {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Attribute) and t.attr == "__module__" for t in node.targets)
    }
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in _IMPORTERS:
                first = node.args[0] if node.args else None
                name = first.value if isinstance(first, ast.Constant) else None
                if not isinstance(name, str) or name.split(".")[0] == "mesocalc":
                    found.append(f"line {node.lineno}: {ast.unparse(node)}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) in docstrings:
                continue
            for word in re.findall(r"mesocalc(?:\.\w+)+", node.value):
                parts = word.split(".")
                if any(".".join(parts[:n]) in MODULES for n in range(2, len(parts) + 1)):
                    found.append(f"line {node.lineno}: {node.value!r}")
    return found


def test_no_module_imports_a_mesocalc_module_by_name() -> None:
    # The lazy public names of mesocalc/__init__.py and the engine's own importer are the
    # two places an import by name belongs; anywhere else it would hide an upward import.
    engine = "importlib.import_module(name)"
    found = {
        m: hits
        for m, p in FILES.items()
        if m != "mesocalc"
        and (hits := [h for h in _by_name_imports(p) if not h.endswith(f": {engine}")])
    }
    assert found == {}
    assert any(h.endswith(engine) for h in _by_name_imports(FILES["mesocalc._engine.engine"]))


def test_the_by_name_check_sees_a_by_name_import(tmp_path: Path) -> None:
    source = tmp_path / "upward.py"
    source.write_text(
        '"""mesocalc._geometry.templates in a docstring is prose."""\n'
        'GEOMETRY = "mesocalc._geometry.templates"\n'
        "engine.imported(GEOMETRY)\n"
        'importlib.import_module("mesocalc._planning.plan")\n'
        '__import__("numpy")\n',
        encoding="utf-8",
    )
    lines = {h.split(":")[0] for h in _by_name_imports(source)}
    assert lines == {"line 2", "line 3", "line 4"}


def test_no_module_is_above_600_lines() -> None:
    # One concept per module: a module past this has two, and is split along its seam.
    long = {
        str(path.relative_to(PACKAGE)): n
        for path in PACKAGE.rglob("*.py")
        if (n := len(path.read_text("utf-8").splitlines())) > 600
    }
    assert long == {}

"""Developer sessions: ``nox -s tests``, ``lint``, ``typecheck``, ``docs``, ``bench`` and
``mutate``; ``tests-oldest`` and ``tests-newest`` for the ends of what mesocalc supports.

Sessions run on the interpreter nox itself runs on: no version list is pinned,
so CI (where nox turns a missing interpreter into an error) never asks for one
the machine lacks. The two ends name their Python: run them where it is installed (CI names
pyenv's 3.11 and 3.13 for them in .ci/run).
"""

import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nox

nox.options.default_venv_backend = "venv"
nox.options.sessions = ["tests", "lint", "typecheck", "docs"]

RUFF = "ruff==0.17.6"
MYPY = "mypy==2.4.1"


MUTMUT = "mutmut==3.8.1"

# Branch coverage of the package, enforced here rather than in pytest's addopts so that a
# plain ``pytest`` (or ``pytest -k``) stays quick and does not fail on a partial run.
COVERAGE = ["--cov=mesocalc", "--cov-branch", "--cov-report=term-missing:skip-covered"]
FAIL_UNDER = "--cov-fail-under=98"


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite, doctests and the README and docs examples included.

    Fails below 98 % branch coverage; ``nox -s tests -- -k NAME`` runs a subset without
    the gate.
    """
    session.install("-e", ".[test]")
    gate = [] if session.posargs else [*COVERAGE, FAIL_UNDER]
    session.run("pytest", *gate, *session.posargs)


# The ends of what mesocalc supports, one session per combination: the oldest Python with the
# oldest pint and numpy pyproject.toml allows, and the newest Python with the newest of both.
OLDEST_PYTHON = "3.11"
NEWEST_PYTHON = "3.13"
# pyarrow (which dask's dataframe brings in) needs numpy 2 from 26 on, yet its metadata lets pip
# install it beside numpy 1.26, where it fails on import: the oldest session keeps to 25.
OLDEST = ("pint==0.24.*", "numpy==1.26.*", "pyarrow<26")
NEWEST = ("pint", "numpy")


@nox.session(name="tests-oldest", python=OLDEST_PYTHON)
def tests_oldest(session: nox.Session) -> None:
    """The suite on the oldest Python, pint and numpy mesocalc supports."""
    session.install("-e", ".[test]", *OLDEST)
    gate = [] if session.posargs else [*COVERAGE, FAIL_UNDER]
    session.run("pytest", *gate, *session.posargs)


@nox.session(name="tests-newest", python=NEWEST_PYTHON)
def tests_newest(session: nox.Session) -> None:
    """The suite on the newest Python, with the newest pint and numpy."""
    session.install("--upgrade", "-e", ".[test]", *NEWEST)
    gate = [] if session.posargs else [*COVERAGE, FAIL_UNDER]
    session.run("pytest", *gate, *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Ruff's lint rules and its formatter, checking only."""
    session.install(RUFF)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict over the package and the tests."""
    session.install("-e", ".[test]", MYPY)
    session.run("mypy", "--strict", "src", "tests")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the site into docs/_build/html, from scratch; any warning fails the build."""
    session.install("-e", ".[docs]")
    html = ("-b", "html", "docs", "docs/_build/html")
    session.run("sphinx-build", "-E", "-W", "--keep-going", *html, *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """The benchmarks of docs/performance.md, as ratios (``nox -s bench -- --quick``).

    ``nox -s bench -- --arrays`` runs the figures over 10^6 areas alone: the ordinary one,
    with glibc's default allocator (in wall time, then in CPU time), and the one with its
    thresholds tuned, labelled.
    """
    # A regular install, as users have it: byte-compiled, so start-up is not a compile.
    session.install(".[shapes,pandas]")
    if "--arrays" not in session.posargs:
        session.run("python", "benchmarks/bench_layout.py")
        session.run("python", "benchmarks/bench_import.py")
    session.run("python", "benchmarks/bench.py", *session.posargs)


# Code that runs once per process, or once per unit: pint's import on first use, the first
# build of its registry, the first Quantity of each unit (its maker) and each unit's factor
# (cached). mutmut forks every mutant's tests from a process that has run all of it already,
# so its mutants there are never reached: the fresh pass runs their survivors again, each in a
# new interpreter with the mutant on from the start, over the tests of reading units (one of
# which starts a fresh interpreter of its own, 16 threads using mesocalc first at once).
FRESH_FUNCTIONS = tuple(
    f"mesocalc._quantities.units.x_{name}"
    for name in (
        "pint_module",
        "_import_pint",
        "quantity_class",
        "registry",
        "_maker",
        "quantity_factor",
    )
)
FRESH_TESTS = ("tests/test_units.py",)


@nox.session
def mutate(session: nox.Session) -> None:
    """Mutation testing of the pure modules ([tool.mutmut]); docs/mutation.md holds the results.

    About half an hour on two cores; ``nox -s mutate -- "mesocalc._quantities.arithmetic*"``
    runs one module's mutants. mutmut keeps its results in ``mutants/``, so a second run resumes.
    """
    session.install("-e", ".[test]", MUTMUT)
    # The quick hypothesis profile, without shrinking: each mutant runs the tests that reach
    # its function, and a failing example needs no shrinking to kill it.
    env = {"HYPOTHESIS_PROFILE": "mutate"}
    session.run("mutmut", "run", "--max-children", "2", *session.posargs, env=env)
    results = session.run("mutmut", "results", env=env, silent=True)
    print(results)
    _fresh_pass(session, str(results))


def _fresh_pass(session: nox.Session, results: str) -> None:
    """Run the survivors in FRESH_FUNCTIONS again, each in a new interpreter (see above)."""
    names = [line.split(":")[0].strip() for line in results.splitlines() if ":" in line]
    names = [n for n in names if n.rpartition("__mutmut_")[0] in FRESH_FUNCTIONS]
    python = str(Path(session.bin) / "python")
    src = str(Path("mutants", "src").resolve())
    args = ["-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-p", "no:randomly"]

    def run(name: str) -> str:
        # The mutants' copy of the package comes first on the path, and the mutant is on
        # from the first import; child interpreters inherit both.
        env = {**os.environ, "MUTANT_UNDER_TEST": name, "PYTHONPATH": src}
        env["HYPOTHESIS_PROFILE"] = "mutate"
        command = [python, *args, *FRESH_TESTS]
        try:
            done = subprocess.run(command, env=env, capture_output=True, timeout=600, check=False)
        except subprocess.TimeoutExpired:
            return "timeout"
        return {0: "survived", 1: "killed"}.get(done.returncode, f"error {done.returncode}")

    with ThreadPoolExecutor(max_workers=2) as pool:
        verdicts = dict(zip(names, pool.map(run, names), strict=True))
    for name, verdict in verdicts.items():
        session.log(f"fresh pass: {name}: {verdict}")
    counts = {v: list(verdicts.values()).count(v) for v in sorted(set(verdicts.values()))}
    session.log(f"fresh pass: {len(names)} mutants, {counts}")

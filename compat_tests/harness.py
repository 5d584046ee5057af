"""The compat suite's view of :mod:`phpstreams.testing.cases`: its case directory and
the loader for it. The ``.case`` format, both runners and the comparison live in the
package (the plugin runs them); this module keeps the names scripts and other suites
import."""

from __future__ import annotations

from pathlib import Path

from phpstreams.testing.cases import (
    PHP_PRELUDE,
    PY_PRELUDE,
    TIMEOUT,
    Case,
    CaseResult,
    Side,
    compare,
    run_case,
)
from phpstreams.testing.cases import load_case as _load_case

__all__ = [
    "CASES_DIR",
    "Case",
    "CaseResult",
    "PHP_PRELUDE",
    "PY_PRELUDE",
    "Side",
    "TIMEOUT",
    "all_cases",
    "compare",
    "load_case",
    "run_case",
]

CASES_DIR = Path(__file__).resolve().parent / "cases"


def load_case(path: Path) -> Case:
    """A case of this suite; its id is its path below ``cases/``."""
    return _load_case(path, CASES_DIR)


def all_cases() -> list[Case]:
    return [load_case(p) for p in sorted(CASES_DIR.rglob("*.case"))]

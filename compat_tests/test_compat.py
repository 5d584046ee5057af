"""Every case in ``cases/`` run in php -n and in Python against the same peers."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from compat_tests.divergences import NORMALISE, XFAIL
from compat_tests.harness import CASES_DIR, Case, all_cases, run_case

CASES = all_cases()


def _normalise(case_id: str, records: list[dict[str, Any]]) -> None:
    rules = NORMALISE.get(case_id, [])
    if not rules:
        return
    for rec in records:
        for w in rec.get("warnings") or []:
            for pattern, repl, _ in rules:
                w[1] = re.sub(pattern, repl, w[1])
        if rec.get("throw"):
            for pattern, repl, _ in rules:
                rec["throw"][1] = re.sub(pattern, repl, rec["throw"][1])


def _params() -> list[Any]:
    out = []
    for case in CASES:
        marks = []
        if case.id in XFAIL:
            marks.append(pytest.mark.xfail(reason=XFAIL[case.id], strict=True))
        out.append(pytest.param(case, id=case.id, marks=marks))
    return out


@pytest.mark.parametrize("case", _params())
def test_case(case: Case, php_binary: str, peers: dict[str, Any], tmp_path: Path) -> None:
    from compat_tests.harness import compare

    result = run_case(case, peers, tmp_path, php_binary)
    _normalise(case.id, result.php.records)
    _normalise(case.id, result.py.records)
    mismatches = compare(result.php.records, result.py.records)
    if mismatches:
        detail = "\n".join(mismatches)
        stderr = ""
        if result.py.stderr.strip():
            stderr += f"\n--- python stderr ---\n{result.py.stderr[-3000:]}"
        if result.php.stderr.strip():
            stderr += f"\n--- php stderr ---\n{result.php.stderr[-2000:]}"
        pytest.fail(f"{case.id}: {case.title}\n{detail}{stderr}", pytrace=False)
    assert result.php.records, "the PHP side produced no records"
    assert result.php.records[0]["value"] == {"s": "8.2"}, "the PHP side did not run PHP 8.2"


def test_php_is_8_2(php_binary: str) -> None:
    """The guard: the oracle really is PHP 8.2 with OpenSSL."""
    from compat_tests.conftest import _php_version

    version = _php_version(php_binary)
    assert re.match(r"8\.2\.\d+ OpenSSL 3\.", version), version


def test_suite_is_sane() -> None:
    """Every case has a title and both halves, ids are unique, and every registry
    entry names an existing case (aiosmtpd-style suite sanity)."""
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))
    for c in CASES:
        assert c.title and c.php.strip() and c.py.strip(), c.id
        assert "rec(" in c.php or "step(" in c.php, f"{c.id}: records nothing"
    for key in list(XFAIL) + list(NORMALISE):
        assert (CASES_DIR / f"{key}.case").exists(), f"registry names a missing case: {key}"

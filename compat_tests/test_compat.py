"""The suite's guards. The cases themselves (``cases/**/*.case``) are collected and run
by the ``phpstreams.testing`` plugin, one test per file."""

from __future__ import annotations

import re

from compat_tests.divergences import NORMALISE, XFAIL
from compat_tests.harness import CASES_DIR, all_cases
from phpstreams.testing.cases import php_version


def test_php_is_8_2(php_binary: str) -> None:
    """The guard: the oracle really is PHP 8.2 with OpenSSL."""
    short, full = php_version(php_binary)
    assert short == "8.2", full
    assert re.match(r"8\.2\.\d+ OpenSSL 3\.", full), full


def test_suite_is_sane() -> None:
    """Every case has a title and both halves, ids are unique, and every registry
    entry names an existing case (aiosmtpd-style suite sanity)."""
    cases = all_cases()
    ids = [c.id for c in cases]
    assert len(ids) == len(set(ids))
    for c in cases:
        assert c.title and c.php.strip() and c.py.strip(), c.id
        assert "rec(" in c.php or "step(" in c.php, f"{c.id}: records nothing"
    for key in list(XFAIL) + list(NORMALISE):
        assert (CASES_DIR / f"{key}.case").exists(), f"registry names a missing case: {key}"

"""Fixtures for the behaviour-diff suite: the php binary (required, never skipped) and
the shared loopback peers."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from compat_tests.peers import start_peers


def _php_version(php: str) -> str:
    out = subprocess.run(
        [php, "-n", "-r", "echo PHP_VERSION, ' ', OPENSSL_VERSION_TEXT;"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return out.stdout.strip()


def pytest_report_header(config: pytest.Config) -> list[str]:
    php = shutil.which("php")
    lines = []
    if php is None:
        lines.append("php: NOT FOUND (the compat suite will fail)")
    else:
        lines.append(f"php: {php} -> {_php_version(php)}")
    import phpstreams
    from phpstreams._php_runtime import RUNTIME

    lines.append(f"phpstreams {phpstreams.__version__}, profile {RUNTIME.profile.version}")
    return lines


@pytest.fixture(scope="session")
def php_binary() -> str:
    php = shutil.which("php")
    if php is None:
        pytest.fail(
            "php is not installed: the compat suite needs php8.2-cli "
            "(apt-get install -y php8.2-cli). It fails rather than skips.",
            pytrace=False,
        )
    return php


@pytest.fixture(scope="session", autouse=True)
def hermetic_lookups() -> None:
    """Every case runs with files-only host lookups; the suite fails (never skips, never
    falls back to the real resolver) when that cannot be arranged."""
    from compat_tests.hermetic import HermeticError, verify

    try:
        verify()
    except HermeticError as exc:
        pytest.fail(f"hermetic name lookups unavailable: {exc}", pytrace=False)


@pytest.fixture(scope="session")
def peers() -> Iterator[dict[str, Any]]:
    from compat_tests.tls_peers import start_tls_peers

    with start_peers() as p:
        start_tls_peers(p)
        yield p.env()

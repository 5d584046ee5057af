"""The compat suite's lookups are files-only (:mod:`phpstreams.testing.hermetic`)."""

from __future__ import annotations

import subprocess

from phpstreams.testing.hermetic import NSSWITCH, hermetic_argv


def test_unknown_names_fail_locally_in_php(php_binary: str) -> None:
    code = (
        'var_dump(@fsockopen("phpstreams-hermetic.invalid", 80, $e, $s), $e, $s,'
        ' gethostbyname("localhost"));'
    )
    out = subprocess.run(
        hermetic_argv([php_binary, "-n", "-r", code]),
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout
    assert "getaddrinfo for phpstreams-hermetic.invalid failed: Name or service not known" in out
    assert '"127.0.0.1"' in out


def test_the_namespace_is_private() -> None:
    """Our hosts line is seen inside only; the machine's file is the same afterwards."""
    before = NSSWITCH.read_bytes()
    inside = subprocess.run(
        hermetic_argv(["cat", str(NSSWITCH)]),
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout
    hosts = [line for line in inside.splitlines() if line.startswith("hosts:")]
    assert hosts == ["hosts: files"]
    assert NSSWITCH.read_bytes() == before

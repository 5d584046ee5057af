"""``python -m phpstreams.debug``: print the versions a bug report needs, and never fail.

Shows phpstreams, cffi, the OpenSSL the binding was compiled against and the one linked now,
Python, the platform, and the OpenSSL of the ``php`` binary on PATH (the reference behaviour).
Uses only the stdlib and ``phpstreams._native``.  Layering rule: only the TLS engine and
``phpstreams._native`` touch ``lib``; this module reads the facade's version attributes.
"""

from __future__ import annotations

import dataclasses
import platform
import shutil
import subprocess
import sys

_PHP_CODE = (
    'echo PHP_VERSION, "\\n", '
    'defined("OPENSSL_VERSION_TEXT") ? OPENSSL_VERSION_TEXT : "no openssl extension";'
)


def _phpstreams_version() -> str:
    try:
        from phpstreams._version import __version__
    except Exception as exc:
        return f"unknown ({type(exc).__name__}: {exc})"
    return __version__


def _cffi_version() -> str:
    try:
        import cffi
    except Exception as exc:
        return f"not importable ({type(exc).__name__}: {exc})"
    return str(cffi.__version__)


def _openssl_lines() -> list[tuple[str, str]]:
    try:
        from phpstreams import _native
    except Exception as exc:
        problem = f"binding not available ({type(exc).__name__}: {exc})"
        return [("OpenSSL compiled", problem), ("OpenSSL linked", problem)]
    flags = ", ".join(
        f"{name}={int(value)}" for name, value in sorted(_feature_flags(_native.HAS).items())
    )
    compiled = _native.compiled_openssl_version
    compiled_number = _native.compiled_openssl_version_number
    linked = _native.linked_openssl_version
    linked_number = _native.linked_openssl_version_number
    return [
        ("OpenSSL compiled", f"{compiled} (0x{compiled_number:08x})"),
        ("OpenSSL linked", f"{linked} (0x{linked_number:08x})"),
        ("OpenSSL features", flags),
    ]


def _feature_flags(features: object) -> dict[str, bool]:
    if dataclasses.is_dataclass(features) and not isinstance(features, type):
        return {k: bool(v) for k, v in dataclasses.asdict(features).items()}
    return {}


def _php_line() -> str:
    php = shutil.which("php")
    if php is None:
        return "not found"
    try:
        result = subprocess.run(
            [php, "-n", "-r", _PHP_CODE],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return f"{php}: cannot run ({type(exc).__name__}: {exc})"
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        return f"{php}: exit status {result.returncode}" + (f" ({detail[0]})" if detail else "")
    lines = result.stdout.strip().splitlines()
    if len(lines) != 2:
        return f"{php}: unexpected output {result.stdout.strip()!r}"
    php_version, openssl = lines
    return f"PHP {php_version} at {php}, {openssl}"


def report() -> list[tuple[str, str]]:
    """Every (label, value) line of the report."""
    return [
        ("phpstreams", _phpstreams_version()),
        ("cffi", _cffi_version()),
        *_openssl_lines(),
        ("Python", f"{platform.python_implementation()} {sys.version.splitlines()[0]}"),
        ("platform", platform.platform()),
        ("php", _php_line()),
    ]


def main() -> int:
    """Print the report; always exit 0."""
    for label, value in report():
        print(f"{label}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

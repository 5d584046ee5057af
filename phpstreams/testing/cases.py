"""Run one behaviour-diff case in real PHP and in Python, and compare the records.

A case file (``*.case``) has phpt-like sections::

    --TEST--      one line: the behaviour under test
    --ORIGIN--    optional: the php-src test or scenario it ports
    --PHP--       the PHP snippet (no ``<?php``), using rec()/step() from prelude.php
    --PY--        its line-by-line Python port, using rec()/step() from prelude.py

Both sides get the loopback peers in ``COMPAT_PEERS`` (JSON, ``$PEER``/``PEER`` in the
snippets) and print one JSON record per ``rec``/``step``. Records are compared field by
field; a mismatch names the case, the step and the field.

Both sides run with hermetic name lookups (:mod:`.hermetic`): only ``/etc/hosts``
answers, so no case sends a DNS query and PHP and Python fail alike on other names
(:class:`~.hermetic.HermeticError` when that cannot be arranged; never a silent fallback).

Layering rule: an application of the public API; it starts ``php`` and ``python``
subprocesses and never imports pytest.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .hermetic import hermetic_argv

__all__ = [
    "Case",
    "CaseResult",
    "Registry",
    "Side",
    "compare",
    "load_case",
    "load_registry",
    "normalise",
    "php_version",
    "run_case",
    "run_php",
    "PHP_PRELUDE",
    "PY_PRELUDE",
]

HERE = Path(__file__).resolve().parent
PHP_PRELUDE = HERE / "prelude.php"
PY_PRELUDE = HERE / "prelude.py"
TIMEOUT = 60
_SECTION = re.compile(r"^--([A-Z]+)--\s*$", re.M)

Record = dict[str, Any]


@dataclass
class Case:
    id: str
    path: Path
    title: str
    php: str
    py: str
    origin: str = ""


@dataclass
class Side:
    records: list[Record]
    stderr: str
    returncode: int


@dataclass
class CaseResult:
    php: Side
    py: Side


def load_case(path: Path, root: Path) -> Case:
    """Parse ``path``; its id is its path below ``root`` without ``.case``."""
    text = path.read_text(encoding="utf-8")
    parts = _SECTION.split(text)
    sections: dict[str, str] = {}
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        sections[name] = body.strip("\n") + "\n"
    missing = {"TEST", "PHP", "PY"} - sections.keys()
    if missing:
        raise ValueError(f"{path}: missing sections {sorted(missing)}")
    try:
        case_id = path.resolve().relative_to(root.resolve()).with_suffix("").as_posix()
    except ValueError:
        case_id = path.with_suffix("").name
    return Case(
        id=case_id,
        path=path,
        title=sections["TEST"].strip(),
        php=sections["PHP"],
        py=sections["PY"],
        origin=sections.get("ORIGIN", "").strip(),
    )


# ---------------------------------------------------------------------------
# the divergence registry


@dataclass
class Registry:
    """Accepted divergences: ``xfail`` (case id -> reason, run as a *strict* xfail, so
    the day a case starts matching PHP the suite fails and the entry must go) and
    ``normalise`` (case id -> ``[(regex, replacement, reason)]`` applied to warning and
    exception texts on both sides, for output PHP itself makes non-deterministic).
    ``by_profile`` holds the entries that apply to one PHP version only
    (``"7.4" -> Registry``); :meth:`for_profile` merges them in."""

    xfail: Mapping[str, str]
    normalise: Mapping[str, Sequence[tuple[str, str, str]]]
    path: Path | None = None
    by_profile: Mapping[str, Registry] = field(default_factory=dict)

    def for_profile(self, version: str | None) -> Registry:
        """The entries that apply when the Python side runs profile ``version``."""
        extra = self.by_profile.get(version or "")
        if extra is None:
            return self
        return Registry(
            {**self.xfail, **extra.xfail}, {**self.normalise, **extra.normalise}, self.path
        )


def _checked(path: Path, where: str, xfail: Mapping[str, str]) -> Mapping[str, str]:
    for case_id, reason in xfail.items():
        if not isinstance(reason, str) or not reason.strip():
            raise ValueError(f"{path}: {where}[{case_id!r}] needs a reason")
    return dict(xfail)


def load_registry(path: Path | None) -> Registry:
    """Read a registry file: a Python module defining ``XFAIL``, optionally
    ``NORMALISE``, and optionally ``BY_PROFILE``: ``{"7.4": {"XFAIL": {...},
    "NORMALISE": {...}}, ...}`` for divergences of one PHP version. No file: an empty
    registry."""
    if path is None:
        return Registry({}, {})
    namespace: dict[str, Any] = {"__file__": str(path), "__name__": "phpstreams_registry"}
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
    by_profile = {
        version: Registry(
            _checked(path, f"BY_PROFILE[{version!r}]['XFAIL']", entries.get("XFAIL", {})),
            dict(entries.get("NORMALISE", {})),
            path,
        )
        for version, entries in namespace.get("BY_PROFILE", {}).items()
    }
    return Registry(
        _checked(path, "XFAIL", namespace.get("XFAIL", {})),
        dict(namespace.get("NORMALISE", {})),
        path,
        by_profile,
    )


def normalise(rules: Sequence[tuple[str, str, str]], records: list[Record]) -> None:
    """Apply ``rules`` to the warning and exception texts of ``records`` in place."""
    for rec in records:
        for w in rec.get("warnings") or []:
            for pattern, repl, _ in rules:
                w[1] = re.sub(pattern, repl, w[1])
        if rec.get("throw"):
            for pattern, repl, _ in rules:
                rec["throw"][1] = re.sub(pattern, repl, rec["throw"][1])


# ---------------------------------------------------------------------------
# running


def _parse(stdout: str) -> list[Record]:
    out = []
    for line in stdout.splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            out.append({"label": "__garbage", "value": {"s": line}, "warnings": [], "throw": None})
    return out


def _run(
    cmd: list[str], env: dict[str, str], cwd: Path, timeout: float, hermetic: bool = True
) -> Side:
    if hermetic:
        cmd = hermetic_argv(cmd)
    try:
        proc = subprocess.run(
            cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        return Side(_parse(out), f"timed out after {timeout}s", -1)
    return Side(_parse(proc.stdout), proc.stderr, proc.returncode)


def case_env(
    peers_env: Mapping[str, Any], profile: str | None = None, resource_ids: bool = False
) -> dict[str, str]:
    """The environment of both sides: ``COMPAT_PEERS``, the profile, whether records
    carry resource numbers, and a PYTHONPATH under which the Python side imports the
    same phpstreams as this process."""
    import phpstreams

    env = dict(os.environ)
    env["COMPAT_PEERS"] = json.dumps(dict(peers_env))
    env["COMPAT_RESOURCE_IDS"] = "1" if resource_ids else "0"
    if profile:
        env["PHPSTREAMS_PROFILE"] = profile
    package_root = str(Path(phpstreams.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
    return env


def php_command(php: str, script: Path) -> list[str]:
    """``php -n script``: no php.ini, so the user's ini cannot change the outcome."""
    return [php, "-n", str(script)]


def run_php(
    code: str,
    peers_env: Mapping[str, Any],
    workdir: Path,
    php: str = "php",
    *,
    timeout: float = TIMEOUT,
    env: Mapping[str, str] | None = None,
    hermetic: bool = True,
    resource_ids: bool = False,
) -> Side:
    """Run a PHP snippet (no ``<?php``) with the prelude: ``rec``/``step``/``$PEER``.
    ``env`` replaces the environment :func:`case_env` makes; ``hermetic``: name lookups
    from /etc/hosts only (:mod:`.hermetic`); ``resource_ids``: records of resources
    carry their numbers."""
    php_file = workdir / "case.php"
    php_file.write_text(f"<?php\nrequire {json.dumps(str(PHP_PRELUDE))};\n{code}", "utf-8")
    env = dict(env) if env is not None else case_env(peers_env, resource_ids=resource_ids)
    return _run(php_command(php, php_file), env, workdir, timeout, hermetic)


def run_python(
    code: str,
    peers_env: Mapping[str, Any],
    workdir: Path,
    *,
    profile: str | None = None,
    timeout: float = TIMEOUT,
    env: Mapping[str, str] | None = None,
    hermetic: bool = True,
    resource_ids: bool = False,
) -> Side:
    """Run a Python port in a fresh interpreter with the prelude."""
    py_file = workdir / "case.py"
    py_file.write_text(code, "utf-8")
    cmd = [sys.executable, str(PY_PRELUDE), str(py_file)]
    env = dict(env) if env is not None else case_env(peers_env, profile, resource_ids)
    return _run(cmd, env, workdir, timeout, hermetic)


def run_case(
    case: Case,
    peers_env: Mapping[str, Any],
    workdir: Path,
    php: str = "php",
    *,
    profile: str | None = None,
    timeout: float = TIMEOUT,
    hermetic: bool = True,
    resource_ids: bool = False,
) -> CaseResult:
    """Both sides of ``case`` against the same peers, one after the other, each with
    hermetic name lookups unless ``hermetic`` is false, and resource numbers in the
    records with ``resource_ids``."""
    php_side = run_php(
        case.php,
        peers_env,
        workdir,
        php,
        timeout=timeout,
        hermetic=hermetic,
        resource_ids=resource_ids,
    )
    py_side = run_python(
        case.py,
        peers_env,
        workdir,
        profile=profile,
        timeout=timeout,
        hermetic=hermetic,
        resource_ids=resource_ids,
    )
    return CaseResult(php_side, py_side)


_VERSION_SCRIPT = (
    "echo PHP_MAJOR_VERSION, '.', PHP_MINOR_VERSION, ' ', PHP_VERSION, ' ', "
    "defined('OPENSSL_VERSION_TEXT') ? OPENSSL_VERSION_TEXT : 'no openssl';"
)


def php_version(php: str) -> tuple[str, str]:
    """``("8.2", "8.2.36 OpenSSL 3.0.x ...")`` for the binary ``php``."""
    cmd = [php, "-n", "-r", _VERSION_SCRIPT]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=30, check=True)
    short, _, full = out.stdout.strip().partition(" ")
    return short, full


# ---------------------------------------------------------------------------
# comparing


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def compare(php: list[Record], py: list[Record]) -> list[str]:
    """Field-by-field differences, each naming the step and the field."""
    out: list[str] = []
    for i in range(max(len(php), len(py))):
        a = php[i] if i < len(php) else None
        b = py[i] if i < len(py) else None
        if a is None or b is None:
            have = a or b
            assert have is not None
            side = "python" if a is None else "php"
            out.append(f"record #{i} ({have['label']!r}) only on the {side} side: {_show(have)}")
            continue
        if a["label"] != b["label"]:
            out.append(f"record #{i}: label php={a['label']!r} python={b['label']!r}")
            break
        for key in ("throw", "value", "warnings"):
            if a.get(key) != b.get(key):
                out.append(
                    f"step {a['label']!r}: {key} differs\n    php:    {_show(a.get(key))}\n"
                    f"    python: {_show(b.get(key))}"
                )
    return out


def show_records(records: list[Record]) -> str:
    """Both records in a failure report: one line per step."""
    lines = []
    for rec in records:
        extra = ""
        if rec.get("warnings"):
            extra += f" warnings={_show(rec['warnings'])}"
        if rec.get("throw"):
            extra += f" throw={_show(rec['throw'])}"
        lines.append(f"    {rec.get('label')}: {_show(rec.get('value'))}{extra}")
    return "\n".join(lines)

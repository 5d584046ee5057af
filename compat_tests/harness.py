"""Run one compat case in real PHP and in Python, and compare the records.

A case file (``cases/**/*.case``) has phpt-like sections::

    --TEST--      one line: the behaviour under test
    --ORIGIN--    optional: the php-src test or scenario it ports
    --PHP--       the PHP snippet (no ``<?php``), using rec()/step() from prelude.php
    --PY--        its line-by-line Python port, using rec()/step() from prelude.py

Both sides get the loopback peers in ``COMPAT_PEERS`` (JSON) and print one JSON record
per ``rec``/``step``. Records are compared field by field; a mismatch names the case,
the step and the field. Both run under :mod:`compat_tests.hermetic` (host names from
/etc/hosts only).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from compat_tests.hermetic import hermetic_argv

__all__ = ["Case", "CaseResult", "load_case", "run_case", "compare", "CASES_DIR"]

HERE = Path(__file__).resolve().parent
CASES_DIR = HERE / "cases"
PHP_PRELUDE = HERE / "prelude.php"
PY_PRELUDE = HERE / "prelude.py"
TIMEOUT = 60
_SECTION = re.compile(r"^--([A-Z]+)--\s*$", re.M)


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
    records: list[dict[str, Any]]
    stderr: str
    returncode: int


@dataclass
class CaseResult:
    php: Side
    py: Side


def load_case(path: Path) -> Case:
    text = path.read_text(encoding="utf-8")
    parts = _SECTION.split(text)
    sections: dict[str, str] = {}
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        sections[name] = body.strip("\n") + "\n"
    missing = {"TEST", "PHP", "PY"} - sections.keys()
    if missing:
        raise ValueError(f"{path}: missing sections {sorted(missing)}")
    case_id = str(path.relative_to(CASES_DIR).with_suffix(""))
    return Case(
        id=case_id,
        path=path,
        title=sections["TEST"].strip(),
        php=sections["PHP"],
        py=sections["PY"],
        origin=sections.get("ORIGIN", "").strip(),
    )


def all_cases() -> list[Case]:
    return [load_case(p) for p in sorted(CASES_DIR.rglob("*.case"))]


def _parse(stdout: str) -> list[dict[str, Any]]:
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


def _run(cmd: list[str], env: dict[str, str], cwd: Path) -> Side:
    # Both sides look host names up in /etc/hosts only: no DNS query leaves the machine.
    argv = hermetic_argv(cmd)
    try:
        proc = subprocess.run(
            argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        return Side(_parse(out), f"timed out after {TIMEOUT}s", -1)
    return Side(_parse(proc.stdout), proc.stderr, proc.returncode)


def run_case(case: Case, peers_env: dict[str, Any], workdir: Path, php: str = "php") -> CaseResult:
    import phpstreams

    env = dict(os.environ)
    env["COMPAT_PEERS"] = json.dumps(peers_env)
    # The Python side imports the same phpstreams this process imported.
    package_root = str(Path(phpstreams.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
    php_file = workdir / "case.php"
    php_file.write_text(f"<?php\nrequire {json.dumps(str(PHP_PRELUDE))};\n{case.php}", "utf-8")
    py_file = workdir / "case.py"
    py_file.write_text(case.py, "utf-8")
    php_side = _run([php, "-n", str(php_file)], env, workdir)
    py_side = _run([sys.executable, str(PY_PRELUDE), str(py_file)], env, workdir)
    return CaseResult(php_side, py_side)


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def compare(php: list[dict[str, Any]], py: list[dict[str, Any]]) -> list[str]:
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

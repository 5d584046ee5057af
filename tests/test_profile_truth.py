"""Rule 1 of ``phpstreams._profiles``, enforced: PHP's message texts live in profile
data only, and every profile message key is read by some code.

A "message literal" is a string constant (or an f-string with a constant part) handed
straight to one of the places a PHP text leaves the library: ``emit(...)``,
``Note(...)``, ``TypeError``/``ValueError``/``ArgumentCountError(...)``, or an
``errstr=`` keyword. Such a text belongs in ``messages`` of the profile, rendered with
``profile.msg(key, ...)``, so that another PHP release can word it differently.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import phpstreams
from phpstreams._profiles import PROFILES

PACKAGE = Path(phpstreams.__file__).resolve().parent

#: Modules that are not the PHP emulation: the shipped test harness, the command-line
#: tools, data.
NOT_EMULATION = ("_profiles/", "testing/", "_demo.py", "_probe.py", "debug.py", "__main__.py")

#: callable -> position of its message argument.
_SINKS = {
    "emit": 1,
    "Note": 1,
    "TypeError": 0,
    "ValueError": 0,
    "ArgumentCountError": 0,
    "ArgumentWarning": 0,
}

#: Texts that are phpstreams' own, not PHP's (PHP has no such situation), by module.
OWN_TEXTS = {
    # a by-reference argument that is no Ref: PHP's compiler makes this impossible
    "_php_args.py": "must be passed as phpstreams.Ref",
    # a profile naming a flavour the texts module lacks: a bug in profile data
    "_openssl_texts.py": "unknown OpenSSL texts flavour",
}


def _emulation_modules() -> list[Path]:
    return sorted(
        p
        for p in PACKAGE.rglob("*.py")
        if not any(part in p.relative_to(PACKAGE).as_posix() for part in NOT_EMULATION)
    )


def _has_text(node: ast.AST) -> bool:
    """A string constant with letters in it, or an f-string/concatenation with one."""
    if isinstance(node, ast.Constant):
        if not isinstance(node.value, str) or re.fullmatch(r"\w+\(\): ", node.value):
            return False  # PHP's "func(): " prefix is no message
        return bool(re.search(r"[A-Za-z]{2}", node.value))
    if isinstance(node, ast.JoinedStr):
        return any(_has_text(v) for v in node.values)
    if isinstance(node, ast.BinOp):
        return _has_text(node.left) or _has_text(node.right)
    return False


def _message_arg(call: ast.Call) -> ast.AST | None:
    f = call.func
    name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
    position = _SINKS.get(name or "")
    if position is None or len(call.args) <= position:
        return None
    return call.args[position]


def message_literals(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        message = _message_arg(node)
        candidates = [] if message is None else [message]
        candidates += [kw.value for kw in node.keywords if kw.arg in ("errstr", "message")]
        for arg in candidates:
            own = OWN_TEXTS.get(path.name)
            if _has_text(arg) and not (own and own in ast.unparse(arg)):
                line = getattr(arg, "lineno", 0)
                found.append(f"{path.relative_to(PACKAGE)}:{line}: {ast.unparse(arg)[:80]}")
    return found


def test_no_php_message_literal_outside_profiles() -> None:
    found = [hit for p in _emulation_modules() for hit in message_literals(p)]
    assert not found, "PHP texts outside profile data:\n" + "\n".join(found)


def _code_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in _emulation_modules())


@pytest.mark.parametrize("version", sorted(PROFILES))
def test_every_message_key_is_read(version: str) -> None:
    code = _code_text()
    unused = [k for k in PROFILES[version].messages if f'"{k}"' not in code]
    assert not unused, f"message keys of PHP {version} no code reads: {unused}"

"""The version map's comparison (compat_tests.version_diff), on hand-made records: no PHP."""

from __future__ import annotations

from typing import Any

from compat_tests.harness import Side
from compat_tests.version_diff import diff_records


def _rec(label: str, value: Any = None, warnings: Any = (), throw: Any = None) -> dict[str, Any]:
    return {"label": label, "value": value, "warnings": [list(w) for w in warnings], "throw": throw}


def _side(version: str, *records: dict[str, Any]) -> Side:
    return Side([_rec("__php", {"s": version}), *records, _rec("__end")], "", 0)


REFUSED = "fsockopen(): Unable to connect to 127.0.0.1:1 (Connection refused)"


def test_same_records_apart_from_the_version_are_same() -> None:
    a = _side("8.2", _rec("fp", False, [(2, REFUSED)]))
    b = _side("8.4", _rec("fp", False, [(2, REFUSED)]))
    assert diff_records(a, b) == []


def test_capitalisation_is_one_warnings_field() -> None:
    a = _side("8.2", _rec("fp", False, [(2, REFUSED)]))
    b = _side("7.4", _rec("fp", False, [(2, REFUSED.replace("Unable", "unable"))]))
    (d,) = diff_records(a, b)
    assert d.where == "step 'fp': warnings"
    assert d.tags == {"message capitalisation"}


def test_typeerror_against_zend7_warning() -> None:
    err = ["TypeError", "fsockopen(): Argument #2 ($port) must be of type int, string given"]
    warn = (2, "fsockopen() expects parameter 2 to be int, string given")
    a = _side("8.2", _rec("port", None, [], err))
    b = _side("7.4", _rec("port", False, [warn]))
    diffs = {d.where: d.tags for d in diff_records(a, b)}
    assert diffs["step 'port': throw"] == {"8.2 throws, this version warns/returns"}
    assert diffs["step 'port': value"] == {"(follows from the throw)"}
    assert diffs["step 'port': warnings"] == {"Zend 7 argument warning"}


def test_diverging_record_sequences_stop_the_comparison() -> None:
    a = _side("8.2", _rec("a", 1), _rec("b", 2))
    b = Side(_side("7.4").records[:1], "PHP Parse error:  syntax error, unexpected '|'", 255)
    (d,) = diff_records(a, b)
    assert d.where == "records from #1"
    assert d.tags == {"PHP 8 syntax (7.4 parse error)"}

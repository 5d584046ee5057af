"""Case prelude (Python side): the same records as prelude.php, from the port.

The case's ``--PY--`` section runs with the names of ``phpstreams`` bound to the PHP
version of the other side (``from phpstreams.php74 import *`` for 7.4 ...) plus
``PEER``, ``rec``, ``step`` and ``until`` in scope; ``phpstreams`` is that facade.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
import warnings
from collections.abc import Callable, Mapping
from typing import Any

from phpstreams import PHPDiagnostic

PEER: dict[str, Any] = json.loads(os.environ.get("COMPAT_PEERS", "{}"))
_pending: list[list[Any]] = []


def _record(errno: int, errstr: str, errfile: str, errline: int) -> bool:
    """The bottom error handler, as prelude.php's: record, then let the standard
    handling run (so error_get_last() works and the warning is issued)."""
    _pending.append([errno, errstr])
    return False


def _show(
    message: Any, category: Any, filename: str, lineno: int, file: Any = None, line: Any = None
) -> None:
    # PHP's diagnostics are recorded by the handler above (which also sees them under
    # silence(), like prelude.php's handler under @); a Python warning that is not
    # PHP's is kept visible in the record.
    if not (isinstance(category, type) and issubclass(category, PHPDiagnostic)):
        _pending.append([0, f"{category.__name__}: {message}"])


warnings.simplefilter("always")
warnings.showwarning = _show
# The PHP version the other side runs (the plugin's --php): the case's names come
# from that version's facade, phpstreams.php74 and so on.
facade: Any = importlib.import_module(
    "phpstreams.php" + (os.environ.get("PHPSTREAMS_PROFILE") or "8.2").replace(".", "")
)
facade.ini_set("display_errors", "0")  # as prelude.php (no effect here)
facade.ini_set("log_errors", "0")
facade.error_reporting(facade.E_ALL)  # as prelude.php (7.4's default leaves out notices)
facade.set_error_handler(_record)
#: Records carry resource numbers too (COMPAT_RESOURCE_IDS=1, as prelude.php).
_RESOURCE_IDS = os.environ.get("COMPAT_RESOURCE_IDS") == "1"


def _text(b: bytes) -> dict[str, str]:
    try:
        return {"s": b.decode("utf-8")}
    except UnicodeDecodeError:
        return {"hex": b.hex()}


def enc(v: Any) -> Any:
    if v is None or isinstance(v, bool | int):
        return v
    if isinstance(v, float):
        from phpstreams._phpvalues import php_float_repr

        text = php_float_repr(v)
        # var_export always shows a fraction: 1.0, 100.0
        if text.lstrip("-").isdigit():
            text += ".0"
        return {"float": text}
    if isinstance(v, str):
        return _text(v.encode("utf-8", "surrogateescape"))
    if isinstance(v, bytes | bytearray):
        return _text(bytes(v))
    if isinstance(v, Mapping):
        return {"array": [[k, enc(x)] for k, x in v.items()]}
    if isinstance(v, list | tuple):
        return {"array": [[i, enc(x)] for i, x in enumerate(v)]}
    rtype = getattr(v, "resource_type", None)
    if isinstance(rtype, str):
        if _RESOURCE_IDS:
            return {"resource": facade.get_resource_type(v), "id": int(v)}
        return {"resource": facade.get_resource_type(v)}
    php_class = getattr(v, "php_class", None)
    if isinstance(php_class, str):
        return {"object": php_class}
    return {"unknown": type(v).__name__}


def _emit(label: str, value: Any, throw: Any) -> None:
    global _pending
    w, _pending = _pending, []
    sys.stdout.write(json.dumps({"label": label, "value": value, "warnings": w, "throw": throw}))
    sys.stdout.write("\n")
    sys.stdout.flush()


def rec(label: str, value: Any) -> None:
    """Record a value (and the warnings raised since the previous record)."""
    _emit(label, enc(value), None)


def step(label: str, fn: Callable[[], Any]) -> Any:
    """Run ``fn``, recording its result or the TypeError/ValueError it raises."""
    try:
        v = fn()
    except (TypeError, ValueError) as e:
        _emit(
            label,
            None,
            [
                type(e).__name__
                if type(e) in (TypeError, ValueError)
                else ("TypeError" if isinstance(e, TypeError) else "ValueError"),
                str(e),
            ],
        )
        return None
    rec(label, v)
    return v


def until(fn: Callable[[], Any], while_: Any = b"") -> Any:
    """Poll ``fn`` until it returns something other than ``while_`` (bounded)."""
    v = fn()
    for _ in range(2000):
        if v != while_ or type(v) is not type(while_):
            return v
        time.sleep(0.001)
        v = fn()
    return v


def php_file_io(streams: int = 1) -> None:
    """Stands for a PHP file function the port does with Python's own I/O
    (``file_get_contents``/``file_put_contents`` open 1 stream, ``copy`` 2). PHP made
    the default context if there was none and opened that many streams, which moves
    every later resource number; this does the same with public calls."""
    facade.stream_context_get_default()
    for _ in range(streams):
        facade.fclose(facade.fopen("php://memory", "r"))


def run(source: str, filename: str) -> None:
    # prelude.php comes in by ``require``, and PHP opens an included file as a stream:
    # that took resource #4, so the case's first resource is #5 on both sides.
    facade.RUNTIME.resources.allocate()
    _emit("__php", enc(facade.RUNTIME.profile.version), None)
    namespace: dict[str, Any] = {"__name__": "__compat__"}
    namespace.update({name: getattr(facade, name) for name in facade.__all__})
    namespace.update(
        PEER=PEER, rec=rec, step=step, until=until, php_file_io=php_file_io, phpstreams=facade
    )
    try:
        exec(compile(source, filename, "exec"), namespace)
    finally:
        _emit("__end", None, None)


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as f:
        code = f.read()
    run(code, sys.argv[1])

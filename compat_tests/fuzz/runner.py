"""Fuzz runner, Python side: the same records as ``runner.php``, from phpstreams.

Usage: ``python -m compat_tests.fuzz.runner BATCH.jsonl`` with ``COMPAT_PEERS`` and
``FUZZ_TMP`` set (the driver does this, inside the hermetic namespace).
"""

from __future__ import annotations

import json
import math
import os
import sys
import warnings
from collections.abc import Callable
from typing import Any

# ``ps`` is the facade of the PHP version on the other side: the prelude picks it from
# PHPSTREAMS_PROFILE, which the driver sets from --php.
from phpstreams.testing.prelude import enc, php_file_io
from phpstreams.testing.prelude import facade as ps

PEER: dict[str, Any] = json.loads(os.environ["COMPAT_PEERS"])
TMP = os.environ["FUZZ_TMP"]
PLACES = {
    "@echo@": str(PEER["echo"]),
    "@closed@": str(PEER["closed"]),
    "@tls@": str(PEER["tls"]),
    "@unix@": PEER["unix_echo"],
    "@tmp@": TMP,
    "@ca@": PEER["certs"]["ca"],
    "@client@": PEER["certs"]["client"],
}
_FLOATS = {"INF": math.inf, "-INF": -math.inf, "NAN": math.nan}
_open: list[Any] = []
_warnings: list[list[Any]] = []


def _json_text(text: str) -> str:
    """What PHP's JSON_INVALID_UTF8_SUBSTITUTE makes of a binary string: U+FFFD for
    each invalid byte."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _json_keys(v: Any) -> Any:
    """Array keys as PHP's JSON_INVALID_UTF8_SUBSTITUTE writes them (values are
    already hex-encoded by ``enc`` when they are not UTF-8)."""
    if isinstance(v, dict) and "array" in v:
        return {"array": [[_json_text(k) if isinstance(k, str) else k, _json_keys(x)]
                          for k, x in v["array"]]}  # fmt: skip
    return v


def _show(message: Any, category: Any, *args: Any, **kwargs: Any) -> None:
    _warnings.append([0, _json_text(f"{category.__name__}: {message}")])


def _places(text: str) -> str:
    for key, value in PLACES.items():
        text = text.replace(key, value)
    return text


def dec(v: Any) -> Any:
    if v is None or isinstance(v, bool):
        return v
    if "i" in v:
        return int(v["i"])
    if "f" in v:
        return _FLOATS[v["f"]] if v["f"] in _FLOATS else float(v["f"])
    if "s" in v:
        return _places(v["s"])
    if "h" in v:
        return bytes.fromhex(v["h"])
    if "a" in v:
        items = [(k, dec(x)) for k, x in v["a"]]
        if all(k == n for n, (k, _) in enumerate(items)):
            return [x for _, x in items]
        return dict(items)
    if "ctx" in v:
        return ps.stream_context_create(dec(v["ctx"]))
    if "res" in v:
        if v["res"] == "echo":
            stream = ps.stream_socket_client(f"tcp://127.0.0.1:{PEER['echo']}", None, None, 5)
            ps.stream_set_blocking(stream, False)
        else:
            stream = ps.fopen("php://memory", "w+")
            if v["res"] == "closed":
                ps.fclose(stream)
        _open.append(stream)
        return stream
    raise ValueError(f"bad value {v!r}")


def accept_one(address: str, timeout: Any = None) -> dict[str, Any]:
    errno, errstr = ps.Ref(), ps.Ref()
    srv = ps.stream_socket_server(address, errno, errstr)
    if not srv:
        return {"server": False, "errno": errno.value, "errstr": errstr.value}
    name = ps.stream_socket_get_name(srv, False)
    target = address if address.startswith("unix://") else f"tcp://{name}"
    c = ps.stream_socket_client(target, None, None, 5)
    peer = ps.Ref("unset")
    a = ps.stream_socket_accept(srv, timeout, peer)
    out = {
        "accepted": ps.is_resource(a),
        "peer": peer.value,
        "local": ps.stream_socket_get_name(a, False) if a else None,
    }
    ps.fclose(c)
    if a:
        ps.fclose(a)
    ps.fclose(srv)
    return out


def context_options(*args: Any) -> list[Any]:
    ctx = ps.stream_context_create(*args)
    return [ps.stream_context_get_options(ctx), ps.stream_context_get_params(ctx)]


def set_option(ctx: Any, *rest: Any) -> list[Any]:
    ok = ps.stream_context_set_option(ctx, *rest)
    return [ok, ps.stream_context_get_options(ctx)]


_SPECIAL: dict[str, Callable[..., Any]] = {
    "@accept": accept_one,
    "@context": context_options,
    "@set_option": set_option,
}


def run_one(item: dict[str, Any]) -> dict[str, Any]:
    _warnings.clear()
    _open.clear()
    args: list[Any] = []
    refs: list[int] = []
    for n, a in enumerate(item["args"]):
        if isinstance(a, dict) and "ref" in a:
            refs.append(n)
            args.append(ps.Ref(dec(a["ref"])))
        else:
            args.append(dec(a))
    throw = None
    value = None
    try:
        fn: Callable[..., Any] = _SPECIAL.get(item["fn"]) or getattr(ps, item["fn"])
        value = fn(*args)
    except (TypeError, ValueError) as exc:
        throw = ["TypeError" if isinstance(exc, TypeError) else "ValueError", _json_text(str(exc))]
    except Exception as exc:  # a crash is a finding: record it
        throw = [f"python:{type(exc).__name__}", str(exc)]
    record = {
        "id": item["id"],
        "value": _json_keys(enc(value)),
        "throw": throw,
        "warnings": list(_warnings),
        "refs": [_json_keys(enc(args[n].value)) for n in refs],
    }
    for x in [value, *(value if isinstance(value, list) else []), *_open]:
        if isinstance(x, ps.Stream) and not x.closed:
            ps.fclose(x)
    for name in os.listdir(TMP):
        os.unlink(os.path.join(TMP, name))
    php_file_io()  # runner.php's scandir() opens a directory stream
    return record


def _record(level: int, message: str, filename: str, lineno: int) -> bool:
    """The runner's error handler, as runner.php's: record and stop there."""
    _warnings.append([level, _json_text(message)])
    return True


def main(path: str) -> None:
    warnings.simplefilter("always")
    warnings.showwarning = _show  # Python warnings that are not PHP's stay visible
    ps.set_error_handler(_record)
    php_file_io()  # runner.php reads the batch with file()
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                record = run_one(json.loads(line))
                sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1])

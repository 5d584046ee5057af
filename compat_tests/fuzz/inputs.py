"""Seeded, reproducible generators of fuzz inputs.

An input is one PHP call, as JSON both runners (``runner.php``, ``runner.py``) decode
the same way. Values use a small tagged encoding, so that PHP and Python build the same
PHP value:

==================  =========================================================
``null/true/false``  themselves
``{"i": "12"}``      int (decimal text: JSON numbers would lose precision)
``{"f": "1.5"}``     float; also ``"INF"``, ``"-INF"``, ``"NAN"``, ``"-0.0"``
``{"s": "text"}``    string; ``{"h": "00ff"}`` a binary string in hex
``{"a": [[k, v]]}``  array (keys int or str, in order)
``{"ref": v}``       a by-reference variable initialised with ``v``
``{"ctx": v}``       ``stream_context_create(v)``
``{"res": kind}``    a resource: ``"memory"`` (php://memory), ``"closed"`` (a closed
                     one), ``"echo"`` (a non-blocking client of the echo peer)
==================  =========================================================

Strings may hold placeholders the runners replace with the loopback peers of the run
(``@echo@`` the echo peer's port, ``@tmp@`` a private directory, ...), so an input is
the same whatever ports the peers got: a seed reproduces a run exactly.

Everything targets loopback peers, names that fail locally under the hermetic
resolver, or addresses that fail before any connect. No timeout value can make a call
wait: connects go to peers that answer or refuse at once.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

__all__ = ["generate", "KINDS"]

Value = Any

# -- scalar pools -------------------------------------------------------------------


def i(n: int) -> Value:
    return {"i": str(n)}


def f(x: str) -> Value:
    return {"f": x}


def s(text: str) -> Value:
    return {"s": text}


def arr(*items: Value) -> Value:
    return {"a": [[k, v] for k, v in enumerate(items)]}


def assoc(pairs: dict[str, Value]) -> Value:
    return {"a": [[k, v] for k, v in pairs.items()]}


ODD_VALUES: list[Value] = [
    None, True, False, i(0), i(1), i(-1), i(2**31), i(2**63 - 1), i(-(2**63)),
    f("1.5"), f("-0.5"), f("INF"), f("-INF"), f("NAN"), f("1.0E+300"), f("-0.0"),
    s(""), s("0"), s("1"), s(" 1 "), s("1.5"), s("abc"), s("12abc"), s("1e3"),
    s("9" * 400), s("0x1A"), s("\0"), {"h": "ff00fe"}, arr(), arr(i(1)),
    {"res": "memory"}, {"res": "closed"},
]  # fmt: skip

SCHEMES = [
    "tcp://", "udp://", "tls://", "ssl://", "tlsv1.2://", "tlsv1.3://", "sslv3://",
    "unix://", "udg://", "", "", "", "TCP://", "foo://", "tcp:/", "tcp:///",
]  # fmt: skip
HOSTS = [
    "127.0.0.1", "127.0.0.1", "localhost", "[::1]", "::1", "nonexistent.invalid", "a", "x",
    "", "127.1", "0x7f.0.0.1", "256.1.1.1", "[fe80::1%lo]", "127.0.0.1\0junk", " 127.0.0.1",
    "[127.0.0.1]", "[::1", "1.2.3.4.5",
]  # fmt: skip
PORTS = [
    "@echo@", "@echo@", "@closed@", "@tls@", "0", "", "65536", "-1", "99999",
    "0" * 30 + "@echo@", " @echo@", "@echo@abc", "+@echo@", "@echo@/path", "1e3",
    str(2**64 + 7),
]  # fmt: skip
TIMEOUTS: list[Value] = [
    i(1), i(2), s("1.5"), s(" 2 "), i(-1), f("-0.5"), f("1.0E+300"), s("abc"), arr(), True,
    False, s("9" * 400), f("INF"), f("-INF"), f("NAN"), s("1e3"), i(2**31 - 1), None,
]  # fmt: skip
CLIENT_FLAGS: list[Value] = [
    i(4), i(4), i(0), i(1), i(2), i(5), i(6), i(7), i(16), i(20), s("4"), f("4.0"), f("4.5"),
    s("abc"), None, True, arr(), i(-1), i(2**31), s("9" * 20),
]  # fmt: skip
SERVER_FLAGS: list[Value] = [
    i(12), i(12), i(4), i(8), i(0), i(13), s("12"), None, f("12.5"), s("x"), arr(), True,
]  # fmt: skip

SSL_OPTIONS: dict[str, list[Value]] = {
    "verify_peer": [True, False, i(0), s("0"), s(""), None],
    "verify_peer_name": [True, False, i(1), None],
    "allow_self_signed": [True, False, s("yes")],
    "cafile": [s("@ca@"), s("@ca@"), s(""), s("/nonexistent.pem"), s("@ca@\0junk"), None,
               False, arr(s("x")), i(5)],
    "capath": [s(""), s("/nonexistent"), s("@tmp@"), arr()],
    "peer_name": [s("localhost"), s("wrong.example"), s(""), s("local\0host"), arr(), i(1),
                  None, {"res": "memory"}],
    "ciphers": [s("DEFAULT"), s("HIGH:!aNULL"), s("garbage"), s(""), arr(), s("RC4")],
    "security_level": [i(0), i(1), i(2), i(6), i(-1), s("3"), s("x"), arr(), {"res": "memory"}],
    "verify_depth": [i(0), i(1), i(5), s("2"), i(-1)],
    "SNI_enabled": [True, False, s("0")],
    "capture_peer_cert": [True, False],
    "disable_compression": [True, False],
    "alpn_protocols": [s("h2"), s("http/1.1,h2"), s(""), arr()],
    "peer_fingerprint": [s("00"), s("x" * 40), arr(), assoc({"sha256": s("00")}), i(1)],
    "crypto_method": [i(9), i(33), i(57), i(0), s("x")],
    "local_cert": [s("@client@"), s("/nonexistent.pem"), s(""), arr()],
}  # fmt: skip
SOCKET_OPTIONS: dict[str, list[Value]] = {
    "bindto": [s("127.0.0.1:0"), s("0:0"), s("garbage"), s("[::1]:0"), i(5), arr()],
    "tcp_nodelay": [True, False, i(1)],
    "backlog": [i(1), i(-5), s("x")],
    "so_broadcast": [True],
}  # fmt: skip


# -- composite generators -------------------------------------------------------------


def address(rng: random.Random) -> str:
    scheme = rng.choice(SCHEMES)
    if scheme in ("unix://", "udg://") and rng.random() < 0.8:
        return scheme + rng.choice(["@unix@", "@tmp@/nope.sock", "", "@tmp@/" + "p" * 120])
    host = rng.choice(HOSTS)
    shape = rng.random()
    if shape < 0.8:
        return f"{scheme}{host}:{rng.choice(PORTS)}"
    if shape < 0.9:
        return f"{scheme}{host}"
    return f"{scheme}{host}:"


def server_address(rng: random.Random) -> str:
    shape = rng.random()
    if shape < 0.3:
        return rng.choice(["unix://", "udg://"]) + f"@tmp@/srv{rng.randrange(1000)}.sock"
    if shape < 0.4:
        return address(rng)
    scheme = rng.choice(["tcp://", "udp://", "", "tls://", "ssl://", "foo://"])
    port = rng.choice(["0", "0", "@echo@", "", "99999", "-1"])
    host = rng.choice(["127.0.0.1", "127.0.0.1", "[::1]", "localhost", "a", "256.0.0.1"])
    return f"{scheme}{host}:{port}"


def odd(rng: random.Random) -> Value:
    return rng.choice(ODD_VALUES)


# PHP allocates a read buffer of the requested length up front: a length beyond its
# memory_limit (128M) is a fatal error that ends the process, not a PHP-level result.
SMALL_ODD_VALUES = [
    v for v in ODD_VALUES if not (isinstance(v, dict) and "i" in v and abs(int(v["i"])) >= 2**20)
]


def maybe(rng: random.Random, pool: list[Value], odd_rate: float = 0.15) -> Value:
    return odd(rng) if rng.random() < odd_rate else rng.choice(pool)


def maybe_small(rng: random.Random, pool: list[Value], odd_rate: float = 0.15) -> Value:
    return rng.choice(SMALL_ODD_VALUES) if rng.random() < odd_rate else rng.choice(pool)


def options(rng: random.Random) -> Value:
    ssl = {
        name: rng.choice(values)
        for name, values in rng.sample(sorted(SSL_OPTIONS.items()), rng.randrange(0, 4))
    }
    if rng.random() < 0.7:
        ssl.setdefault("cafile", s("@ca@"))
    out: dict[str, Value] = {"ssl": assoc(ssl)}
    if rng.random() < 0.3:
        sock = {
            name: rng.choice(values)
            for name, values in rng.sample(sorted(SOCKET_OPTIONS.items()), rng.randrange(1, 3))
        }
        out["socket"] = assoc(sock)
    return assoc(out)


def context(rng: random.Random) -> Value:
    shape = rng.random()
    if shape < 0.7:
        return {"ctx": options(rng)}
    if shape < 0.8:
        return None
    return odd(rng)


def _trim(rng: random.Random, args: list[Value], required: int) -> list[Value]:
    """Usually all arguments; sometimes fewer (down to too few) or one too many."""
    r = rng.random()
    if r < 0.15:
        return args[: rng.randrange(max(required - 1, 0), len(args))]
    if r < 0.18:
        return [*args, i(1)]
    return args


def fsockopen(rng: random.Random) -> dict[str, Any]:
    host = address(rng).rsplit(":", 1)[0] if rng.random() < 0.5 else rng.choice(HOSTS)
    args = [
        s(host),
        maybe(rng, [s("@echo@"), s("@closed@"), s("@tls@"), i(0), i(-1), i(65536)]),
        {"ref": None},
        {"ref": s("preset")},
        maybe(rng, TIMEOUTS, 0.05),
    ]
    return {"fn": "fsockopen", "args": _trim(rng, args, 1)}


def pfsockopen(rng: random.Random) -> dict[str, Any]:
    """As fsockopen; the persistent registry carries over between inputs of a batch,
    the same way on both sides (each side runs the batch in order)."""
    item = fsockopen(rng)
    item["fn"] = "pfsockopen"
    return item


def context_set_option(rng: random.Random) -> dict[str, Any]:
    """stream_context_set_option in both forms, then the options are recorded."""
    base = {"ctx": options(rng)} if rng.random() < 0.8 else odd(rng)
    if rng.random() < 0.5:
        args = [
            base,
            rng.choice([s("ssl"), s("socket"), s(""), odd(rng)]),
            rng.choice([s("verify_peer"), s("peer_name"), s(""), odd(rng)]),
            odd(rng),
        ]
    else:
        args = [base, rng.choice([options(rng), arr(), odd(rng)])]
    if rng.random() < 0.1:
        args = args[: rng.randrange(1, len(args))]
    return {"fn": "@set_option", "args": args}


def stream_socket_client(rng: random.Random) -> dict[str, Any]:
    args = [
        s(address(rng)) if rng.random() < 0.95 else odd(rng),
        {"ref": None},
        {"ref": None},
        maybe(rng, TIMEOUTS, 0.05),
        maybe(rng, CLIENT_FLAGS, 0.05),
        context(rng),
    ]
    return {"fn": "stream_socket_client", "args": _trim(rng, args, 1)}


def tls_client(rng: random.Random) -> dict[str, Any]:
    """A client of the TLS peer with fuzzed ssl options (the handshake completes or
    fails at once: the peer always answers)."""
    target = rng.choice(["tls://127.0.0.1:@tls@", "ssl://localhost:@tls@", "tls://127.0.0.1:@tls@"])
    args = [s(target), {"ref": None}, {"ref": None}, i(5), i(4), {"ctx": options(rng)}]
    return {"fn": "stream_socket_client", "args": args}


def stream_socket_server(rng: random.Random) -> dict[str, Any]:
    args = [
        s(server_address(rng)),
        {"ref": None},
        {"ref": None},
        maybe(rng, SERVER_FLAGS, 0.05),
        context(rng) if rng.random() < 0.3 else None,
    ]
    return {"fn": "stream_socket_server", "args": _trim(rng, args, 1)}


def server_accept(rng: random.Random) -> dict[str, Any]:
    """Listen, connect one client, accept it (records the peer name)."""
    addr = rng.choice(["tcp://127.0.0.1:0", "unix://@tmp@/acc.sock", "tcp://[::1]:0"])
    timeout = rng.choice([i(5), s("5"), f("5.5"), None])
    return {"fn": "@accept", "args": [s(addr), timeout]}


def context_create(rng: random.Random) -> dict[str, Any]:
    """stream_context_create with odd shapes; the runners record the options (and
    params) the context then holds."""
    shape = rng.random()
    if shape < 0.5:
        opts = options(rng)
    elif shape < 0.7:
        opts = assoc({rng.choice(["ssl", "socket", "http", "0"]): odd(rng)})
    elif shape < 0.85:
        opts = arr(odd(rng))
    else:
        opts = odd(rng)
    args = [opts]
    if rng.random() < 0.3:
        args.append(rng.choice([assoc({"notification": odd(rng)}), assoc({"options": opts}),
                                assoc({"x": i(1)}), odd(rng)]))  # fmt: skip
    return {"fn": "@context", "args": args}


STREAM_CALLS: dict[str, Callable[[random.Random], list[Value]]] = {
    "fread": lambda r: [maybe_small(r, [i(1), i(8192), i(0), i(-1), s("10"), f("2.5")], 0.4)],
    "fgets": lambda r: [maybe_small(r, [i(1), i(2), i(100), i(0), None], 0.4)],
    "fwrite": lambda r: [maybe_small(r, [s("x"), s(""), {"h": "00ff"}], 0.3),
                         *([] if r.random() < 0.5 else [maybe_small(r, [i(0), i(1), i(-1), None], 0.4)])],
    "stream_set_timeout": lambda r: [maybe_small(r, [i(1), i(0), i(-1)], 0.4),
                                     *([] if r.random() < 0.5 else [maybe_small(r, [i(0), i(999999), i(-1)], 0.4)])],
    "stream_set_blocking": lambda r: [maybe_small(r, [i(0), False, s("0"), True], 0.3)],
    "stream_socket_recvfrom": lambda r: [maybe_small(r, [i(10), i(0), i(-5)], 0.3),
                                         maybe_small(r, [i(0), i(1), i(2)], 0.3)],
    "fseek": lambda r: [maybe_small(r, [i(0), i(1), i(-1)], 0.3), maybe_small(r, [i(0), i(1), i(2), i(7)], 0.2)],
    "ftell": lambda r: [],
    "stream_get_contents": lambda r: [maybe_small(r, [i(0), i(5), None, i(-1), i(-2)], 0.3),
                                      maybe_small(r, [i(-1), i(0), i(3)], 0.3)],
    "stream_set_chunk_size": lambda r: [maybe_small(r, [i(1), i(0), i(8192), i(2**31)], 0.3)],
    "stream_get_meta_data": lambda r: [],
    "stream_socket_get_name": lambda r: [maybe_small(r, [True, False], 0.3)],
    "stream_socket_sendto": lambda r: [maybe_small(r, [s("ping"), s("")], 0.3),
                                       *([] if r.random() < 0.4 else [maybe_small(r, [i(0), i(1), i(2)], 0.3)]),
                                       *([] if r.random() < 0.6 else [maybe_small(r, [s(""), s("127.0.0.1:@echo@"), s("[::1]:1"), s("x"), s("nonexistent.invalid:80")], 0.2)])],
    "stream_socket_shutdown": lambda r: [maybe_small(r, [i(0), i(1), i(2), i(3), i(-1)], 0.3)],
    "stream_set_read_buffer": lambda r: [maybe_small(r, [i(0), i(1), i(8192), i(-1)], 0.3)],
    "stream_set_write_buffer": lambda r: [maybe_small(r, [i(0), i(1), i(8192), i(-1)], 0.3)],
    "fputs": lambda r: [maybe_small(r, [s("x"), s("")], 0.3)],
    "feof": lambda r: [],
    "fgetc": lambda r: [],
    "fflush": lambda r: [],
    "stream_get_line": lambda r: [maybe_small(r, [i(0), i(1), i(10), i(-1)], 0.3),
                                  *([] if r.random() < 0.5 else [maybe_small(r, [s("\n"), s(""), s("ab")], 0.3)])],
    "stream_is_local": lambda r: [],
    "stream_context_get_options": lambda r: [],
    "fclose": lambda r: [],
    # Only disabling: a handshake against the echo peer races with the echo of the
    # ClientHello (whether the first non-blocking attempt sees it is timing).
    "stream_socket_enable_crypto": lambda r: [r.choice([False, i(0), s(""), None]),
                                              *([] if r.random() < 0.5 else [maybe_small(r, [i(9), i(0), None], 0.3)])],
}  # fmt: skip


def select_call(rng: random.Random) -> dict[str, Any]:
    """stream_select over idle echo clients; the write set always holds one, so the
    call returns at once whatever the timeout."""
    read = {
        "ref": rng.choice([arr({"res": "echo"}), arr(), None, arr({"res": "memory"}), odd(rng)])
    }
    write = {"ref": arr({"res": "echo"})}
    except_ = {"ref": rng.choice([None, arr(), arr({"res": "echo"})])}
    seconds = maybe_small(rng, [i(0), s("0"), None, i(-1), f("0.5"), s("abc"), i(1)], 0.2)
    args = [read, write, except_, seconds]
    if rng.random() < 0.5:
        args.append(maybe_small(rng, [i(0), i(10), i(-1), None, i(2000000)], 0.2))
    return {"fn": "stream_select", "args": args}


def stream_call(rng: random.Random) -> dict[str, Any]:
    """A stream function on a non-blocking, connected, idle echo client (nothing to
    read, so nothing can wait), with fuzzed arguments; sometimes on an odd "stream"."""
    fn = rng.choice(sorted(STREAM_CALLS))
    stream = {"res": "echo"} if rng.random() < 0.9 else odd(rng)
    args = _trim(rng, [stream, *STREAM_CALLS[fn](rng)], 1)
    if fn == "stream_socket_recvfrom" and len(args) == 4:
        args[3] = {"ref": args[3]}  # $address is by reference: PHP passes a variable
    return {"fn": fn, "args": args}


KINDS: list[tuple[Callable[[random.Random], dict[str, Any]], int]] = [
    (stream_socket_client, 30),
    (tls_client, 15),
    (fsockopen, 15),
    (stream_socket_server, 15),
    (stream_call, 20),
    (server_accept, 5),
    (context_create, 10),
    (select_call, 5),
    (pfsockopen, 5),
    (context_set_option, 5),
]


def generate(seed: int, count: int) -> list[dict[str, Any]]:
    """``count`` inputs from ``seed``: the same seed always gives the same inputs."""
    rng = random.Random(seed)
    makers = [maker for maker, weight in KINDS for _ in range(weight)]
    out = []
    for n in range(count):
        item = rng.choice(makers)(rng)
        item["id"] = n
        out.append(item)
    return out

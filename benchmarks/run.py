"""phpstreams against PHP 8.2 and Python's own socket/ssl, side by side, in one run.

    python benchmarks/run.py                 # every workload, 3 repetitions
    python benchmarks/run.py --quick         # tiny sizes: proves the harness works
    python benchmarks/run.py --only lines_tcp,bulk_tls13_64k --reps 5
    python benchmarks/run.py --json out.json --plot ratios.png

Every workload runs three clients in fresh processes, alternating their order between
repetitions: (1) phpstreams, (2) the same loop in PHP (``php -n``), (3) the idiomatic
stdlib loop (``socket``/``ssl``, ``makefile().readline`` for lines). Each client times
only its loop and prints the seconds. The table shows medians and min-max, and the
ratios phpstreams/PHP and phpstreams/stdlib as *speed* ratios (>1: phpstreams is
faster; for RSS, >1: phpstreams uses less memory).

The peer is a separate process on 127.0.0.1 (ports bound to 0). Its own rate -- a
raw client doing ``recv_into`` a fixed buffer -- is printed per bulk/lines workload,
so a ratio near 1 means the clients are equal, not that the peer capped them.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import shutil
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

# ---------------------------------------------------------------------------
# the peer (runs in its own process)


def _peer_handler(conn: socket.socket) -> None:
    """Commands: ``BULK <bytes>``, ``LINES <n> <len>``, ``SINK``, ``HOLD``, ``ECHO1``."""
    with contextlib.suppress(OSError, ssl.SSLError), conn:
        f = conn.makefile("rb", buffering=0)
        line = b""
        while not line.endswith(b"\n"):
            b = f.read(1)
            if not b:
                return
            line += b
        cmd, *args = line.decode().split()
        if cmd == "BULK":
            total = int(args[0])
            chunk = b"x" * 65536
            while total > 0:
                conn.sendall(chunk[: min(total, 65536)])
                total -= 65536
        elif cmd == "LINES":
            n, length = int(args[0]), int(args[1])
            block = (b"y" * (length - 1) + b"\n") * 1000
            for _ in range(n // 1000):
                conn.sendall(block)
            conn.sendall((b"y" * (length - 1) + b"\n") * (n % 1000))
        elif cmd == "SINK":
            total = 0
            buf = bytearray(65536)
            while True:
                n = conn.recv_into(buf)
                if not n:
                    break
                total += n
            conn.sendall(f"{total}\n".encode())
        elif cmd == "HOLD":
            while conn.recv(65536):
                pass
        elif cmd == "ECHO1":
            data = conn.recv(65536)
            while data:
                conn.sendall(data)
                data = conn.recv(65536)


def _wait_for_close(conn: socket.socket) -> None:
    """Handshake-only connections: hold the connection until the client closes it."""
    conn.recv(1)


def _close_at_once(conn: socket.socket) -> None:
    """Connect + close workload: nothing to serve."""


def _peer_main(certfile: str, ports_q: Any) -> None:
    """Serve the fixed listeners, plus a control port that opens a fresh listener per
    request (``LISTEN tls13_hs`` -> ``<port>``), all on phpstreams.testing's peers.

    Why fresh listeners: every connect+close leaves a TIME_WAIT entry keyed by the
    4-tuple, and for about a second (``tcp_tw_reuse``) the kernel cannot reuse that
    source port towards the same destination, so its port search gets slower the more
    connections the *previous* client made. Measured here: 5 000 connects cost 40 us
    each on a fresh destination port and 110-140 us right after another 5 000 to the
    same port. Each connect/handshake run therefore gets its own listener.

    As a load generator the peer differs from the test peers in three settings: a
    backlog as deep as the kernel allows, blocking connections (no per-call timeout),
    and the plain connect+close listener closing in its accept loop (no thread per
    connection), so that the rates measured are the clients'.
    """
    from phpstreams.testing.peers import Handler, Peers
    from phpstreams.testing.tls_peers import server_context, tls_handler

    handlers: dict[str, Handler] = {"tcp": _peer_handler, "tcp_hs": _close_at_once}
    for name, version in (("tls12", "1.2"), ("tls13", "1.3")):
        ctx = server_context(certfile, versions=version)
        handlers[name] = tls_handler(ctx, _peer_handler)
        handlers[f"{name}_hs"] = tls_handler(ctx, _wait_for_close)
    peers = Peers()
    opened = iter(range(1, 1 << 30))

    def listen(key: str) -> int:
        return peers.tcp(
            f"{key}#{next(opened)}",
            handlers[key],
            backlog=4096,  # capped by net.core.somaxconn
            inline=key == "tcp_hs",
            timeout=None,
        )

    def control(conn: socket.socket) -> None:
        with conn.makefile("rwb", buffering=0) as f:
            key = f.readline().decode().split()[1]
            f.write(b"%d\n" % listen(key))

    ports = {key: listen(key) for key in handlers}
    ports["control"] = peers.tcp("control", control, inline=True)
    ports_q.put(ports)
    threading.Event().wait()  # serve until the parent terminates this process


def fresh_port(env: dict[str, Any], key: str) -> int:
    """Ask the peer for a new listener of kind ``key`` (``tcp_hs``, ``tls13_hs`` ...)."""
    with socket.create_connection(("127.0.0.1", env["ports"]["control"]), timeout=30) as c:
        c.sendall(f"LISTEN {key}\n".encode())
        with c.makefile("rb") as f:
            return int(f.readline())


@contextlib.contextmanager
def peer() -> Iterator[dict[str, Any]]:
    from phpstreams.testing.certs import CertificateFactory

    tmp = tempfile.mkdtemp(prefix="phpstreams-bench-")
    ca = CertificateFactory(tmp).ca("ca")
    certfile = ca.issue("127.0.0.1", name="leaf").pem
    cafile = ca.cafile
    # A "system" trust store for the default-verify-paths workload: this machine's CA
    # bundle plus the test CA (clients point SSL_CERT_FILE at it, SSL_CERT_DIR at an
    # empty directory).
    system_bundle = os.path.join(tmp, "system-bundle.pem")
    empty_dir = os.path.join(tmp, "empty-certs-dir")
    os.mkdir(empty_dir)
    with open(system_bundle, "wb") as out:
        default = ssl.get_default_verify_paths().openssl_cafile
        if default and os.path.exists(default):
            with open(default, "rb") as f:
                out.write(f.read())
        with open(cafile, "rb") as f:
            out.write(f.read())
    q: Any = multiprocessing.Queue()
    proc = multiprocessing.Process(target=_peer_main, args=(certfile, q), daemon=True)
    proc.start()
    try:
        ports = q.get(timeout=30)
        yield {
            "ports": ports,
            "cafile": cafile,
            "system_bundle": system_bundle,
            "empty_dir": empty_dir,
        }
    finally:
        proc.terminate()
        shutil.rmtree(tmp, ignore_errors=True)


# ---------------------------------------------------------------------------
# clients: one loop, three implementations


@dataclass
class Workload:
    name: str
    kind: str  # bulk, lines, writes, handshakes, connects, rss, select
    transport: str  # tcp, tls12, tls13
    size: int  # bytes, lines, writes, connections
    chunk: int = 8192
    unit: str = "s"
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


_PHP_CTX = """function clock() { $r = getrusage(); return [hrtime(true), $r['ru_utime.tv_sec'] + $r['ru_utime.tv_usec'] / 1e6 + $r['ru_stime.tv_sec'] + $r['ru_stime.tv_usec'] / 1e6]; }
function done($t0) { $t = clock(); echo ($t[0] - $t0[0]) / 1e9, " ", $t[1] - $t0[1], "\n"; }
$ssl = ['peer_name' => '127.0.0.1']; if (getenv('B_CAFILE') !== '') $ssl['cafile'] = getenv('B_CAFILE');
$ctx = stream_context_create(['ssl' => $ssl]);
$url = getenv('B_TRANSPORT') === 'tcp' ? 'tcp' : 'tls';
$port = (int)getenv('B_PORT'); $size = (int)getenv('B_SIZE'); $chunk = (int)getenv('B_CHUNK');
function conn() { global $url, $port, $ctx; return stream_socket_client("$url://127.0.0.1:$port", $e, $s, 30, STREAM_CLIENT_CONNECT, $ctx); }
"""

_PY_CTX = """import os, time, socket, ssl, sys, json
def clock(): return (time.perf_counter(), time.process_time())
def done(t0):
    t = clock(); print(t[0] - t0[0], t[1] - t0[1])
size = int(os.environ['B_SIZE']); chunk = int(os.environ['B_CHUNK']); port = int(os.environ['B_PORT'])
tls = os.environ['B_TRANSPORT'] != 'tcp'
"""

_PS_CTX = (
    _PY_CTX
    + """from phpstreams import *
ssl_options = {'peer_name': '127.0.0.1'}
if os.environ['B_CAFILE']: ssl_options['cafile'] = os.environ['B_CAFILE']
ctx = stream_context_create({'ssl': ssl_options})
url = 'tls' if tls else 'tcp'
def conn():
    return stream_socket_client(f"{url}://127.0.0.1:{port}", None, None, 30, STREAM_CLIENT_CONNECT, ctx)
"""
)

_STD_CTX = (
    _PY_CTX
    + """sctx = ssl.create_default_context(cafile=os.environ['B_CAFILE'] or None)
def conn():
    s = socket.create_connection(('127.0.0.1', port), timeout=30)
    return sctx.wrap_socket(s, server_hostname='127.0.0.1') if tls else s
"""
)

# The RSS loop is the same for both Python clients (only conn() differs).
_PY_RSS = """def rss():
    return int([l for l in open('/proc/self/status') if l.startswith('VmRSS')][0].split()[1])
keep = [conn()]; before = rss()
keep += [conn() for _ in range(size)]
print((rss() - before) / size)"""

CLIENTS: dict[str, dict[str, str]] = {
    "bulk": {
        "phpstreams": _PS_CTX
        + """s = conn(); fwrite(s, f"BULK {size}\\n"); got = 0; t = clock()
while got < size:
    d = fread(s, chunk)
    if not d: break
    got += len(d)
done(t)""",
        "php": _PHP_CTX
        + """$s = conn(); fwrite($s, "BULK $size\\n"); $got = 0; $t = clock();
while ($got < $size) { $d = fread($s, $chunk); if ($d === false || $d === '') break; $got += strlen($d); }
done($t);""",
        "stdlib": _STD_CTX
        + """s = conn(); s.sendall(f"BULK {size}\\n".encode()); got = 0; t = clock()
while got < size:
    d = s.recv(chunk)
    if not d: break
    got += len(d)
done(t)""",
        "peer": _STD_CTX
        + """s = conn(); s.sendall(f"BULK {size}\\n".encode()); got = 0; buf = bytearray(1 << 20); t = clock()
while got < size:
    n = s.recv_into(buf)
    if not n: break
    got += n
done(t)""",
    },
    "lines": {
        "phpstreams": _PS_CTX
        + """s = conn(); fwrite(s, f"LINES {size} 60\\n"); n = 0; t = clock()
while fgets(s) is not False:
    n += 1
done(t)""",
        "php": _PHP_CTX
        + """$s = conn(); fwrite($s, "LINES $size 60\\n"); $n = 0; $t = clock();
while (fgets($s) !== false) $n++;
done($t);""",
        "stdlib": _STD_CTX
        + """s = conn(); s.sendall(f"LINES {size} 60\\n".encode()); f = s.makefile('rb'); n = 0; t = clock()
for line in iter(f.readline, b''):
    n += 1
done(t)""",
        "peer": _STD_CTX
        + """s = conn(); s.sendall(f"LINES {size} 60\\n".encode()); buf = bytearray(1 << 20); t = clock()
while s.recv_into(buf):
    pass
done(t)""",
    },
    "writes": {
        "phpstreams": _PS_CTX
        + """s = conn(); fwrite(s, "SINK\\n"); data = b"z" * 64; t = clock()
for _ in range(size):
    fwrite(s, data)
stream_socket_shutdown(s, STREAM_SHUT_WR); fgets(s)
done(t)""",
        "php": _PHP_CTX
        + """$s = conn(); fwrite($s, "SINK\\n"); $data = str_repeat("z", 64); $t = clock();
for ($i = 0; $i < $size; $i++) fwrite($s, $data);
stream_socket_shutdown($s, STREAM_SHUT_WR); fgets($s);
done($t);""",
        "stdlib": _STD_CTX
        + """s = conn(); s.sendall(b"SINK\\n"); data = b"z" * 64; t = clock()
for _ in range(size):
    s.sendall(data)
s.shutdown(socket.SHUT_WR); s.recv(64)
done(t)""",
    },
    "handshakes": {
        "phpstreams": _PS_CTX
        + """t = clock()
for _ in range(size):
    s = conn(); fclose(s)
done(t)""",
        "php": _PHP_CTX
        + """$t = clock();
for ($i = 0; $i < $size; $i++) { $s = conn(); fclose($s); }
done($t);""",
        "stdlib": _STD_CTX
        + """t = clock()
for _ in range(size):
    s = conn(); s.close()
done(t)""",
    },
    "rss": {
        "phpstreams": _PS_CTX + _PY_RSS,
        "php": _PHP_CTX
        + """function rss() { preg_match('/VmRSS:\\s+(\\d+)/', file_get_contents('/proc/self/status'), $m); return (int)$m[1]; }
$keep = [conn()]; $before = rss();
for ($i = 0; $i < $size; $i++) $keep[] = conn();
echo (rss() - $before) / $size, "\\n";""",
        "stdlib": _STD_CTX + _PY_RSS,
    },
    "select": {
        "phpstreams": _PS_CTX
        + """socks = [conn() for _ in range(size)]
for s in socks: fwrite(s, "ECHO1\\n")
fwrite(socks[-1], "x"); calls = 2000; t = clock()
for _ in range(calls):
    r = Ref(socks); stream_select(r, None, None, 1)
done(t)""",
        "php": _PHP_CTX
        + """$socks = []; for ($i = 0; $i < $size; $i++) { $socks[] = conn(); }
foreach ($socks as $s) fwrite($s, "ECHO1\\n");
fwrite($socks[$size - 1], "x"); $calls = 2000; $t = clock();
for ($i = 0; $i < $calls; $i++) { $r = $socks; $w = null; $e = null; stream_select($r, $w, $e, 1); }
done($t);""",
        "stdlib": _STD_CTX
        + """import select
socks = [conn() for _ in range(size)]
for s in socks: s.sendall(b"ECHO1\\n")
socks[-1].sendall(b"x"); calls = 2000; t = clock()
for _ in range(calls):
    select.select(socks, [], [], 1)
done(t)""",
    },
}


def workloads(quick: bool) -> list[Workload]:
    mib = 1024 * 1024
    if quick:
        return [
            Workload("bulk_tcp_8k", "bulk", "tcp", 2 * mib, 8192),
            Workload("bulk_tls13_64k", "bulk", "tls13", 2 * mib, 65536),
            Workload("lines_tcp", "lines", "tcp", 20_000),
            Workload("writes_tcp", "writes", "tcp", 2_000),
            Workload("handshakes_tls13", "handshakes", "tls13_hs", 10),
            Workload("connects_tcp", "handshakes", "tcp_hs", 50),
            Workload(
                "handshakes_tls13_sysca", "handshakes", "tls13_hs", 4, extra={"system_ca": True}
            ),
            Workload("rss_tls13", "rss", "tls13", 20, unit="KiB/conn"),
            Workload("select_tcp", "select", "tcp", 20),
        ]
    out: list[Workload] = []
    for size in (64 * mib, 256 * mib):
        label = "" if size == 256 * mib else "_64m"
        for transport in ("tcp", "tls12", "tls13"):
            for chunk in (8192, 65536):
                out.append(
                    Workload(
                        f"bulk_{transport}_{chunk // 1024}k{label}", "bulk", transport, size, chunk
                    )
                )
    for n, label in ((500_000, "_500k"), (2_000_000, "")):
        for transport in ("tcp", "tls13"):
            out.append(Workload(f"lines_{transport}{label}", "lines", transport, n))
    for n, label in ((250_000, "_250k"), (1_000_000, "")):
        out.append(Workload(f"writes_tcp{label}", "writes", "tcp", n))
    for n, label in ((125, "_125"), (500, "")):
        for transport in ("tls12", "tls13"):
            out.append(
                Workload(f"handshakes_{transport}{label}", "handshakes", f"{transport}_hs", n)
            )
    for n, label in ((1_250, "_1250"), (5_000, "")):
        out.append(Workload(f"connects_tcp{label}", "handshakes", "tcp_hs", n))
    for n, label in ((25, "_25"), (100, "")):
        out.append(
            Workload(
                f"handshakes_tls13_sysca{label}",
                "handshakes",
                "tls13_hs",
                n,
                notes="no cafile: default verify paths over this machine's CA bundle",
                extra={"system_ca": True},
            )
        )
    out.append(Workload("rss_tls13", "rss", "tls13", 1000, unit="KiB/conn"))
    out.append(Workload("select_tcp_500", "select", "tcp", 500))
    return out


# ---------------------------------------------------------------------------
# running


def _run_client(which: str, w: Workload, env: dict[str, Any]) -> tuple[float, float | None]:
    """One client run: (the timed loop's wall seconds -- or the RSS figure --, and its
    CPU seconds, user + system, when the workload reports them)."""
    code = CLIENTS[w.kind][which]
    transport = w.transport.replace("_hs", "")
    proc_env = dict(os.environ)
    proc_env.update(
        B_SIZE=str(w.size),
        B_CHUNK=str(w.chunk),
        # Connect/handshake runs get a listener of their own (see _peer_main).
        B_PORT=str(
            fresh_port(env, w.transport) if w.kind == "handshakes" else env["ports"][w.transport]
        ),
        B_TRANSPORT=transport,
        B_CAFILE="" if w.extra.get("system_ca") else env["cafile"],
        PYTHONPATH=os.pathsep.join(filter(None, [env["pythonpath"], os.environ.get("PYTHONPATH")])),
    )
    if w.extra.get("system_ca"):  # no cafile: every client uses the default verify paths
        proc_env.update(SSL_CERT_FILE=env["system_bundle"], SSL_CERT_DIR=env["empty_dir"])
    if which == "php":
        cmd = [env["php"], "-n", "-d", "memory_limit=-1", "-r", code]
    else:
        cmd = [sys.executable, "-c", code]
    # Run outside the checkout: "python -c" puts the working directory first on
    # sys.path, which must not shadow the phpstreams under test.
    out = subprocess.run(
        cmd,
        env=proc_env,
        cwd=tempfile.gettempdir(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    try:
        fields = [float(x) for x in out.stdout.strip().splitlines()[-1].split()]
        return fields[0], (fields[1] if len(fields) > 1 else None)
    except (ValueError, IndexError):
        raise RuntimeError(
            f"{which} client failed on {w.name}:\n{out.stdout}\n{out.stderr}"
        ) from None


def run(selected: list[Workload], reps: int, php: str | None) -> list[dict[str, Any]]:
    import phpstreams

    results = []
    env_extra = {"php": php, "pythonpath": str(Path(phpstreams.__file__).resolve().parent.parent)}
    with peer() as env:
        env.update(env_extra)
        for w in selected:
            clients = ["phpstreams", "stdlib"] + (["php"] if php else [])
            if "peer" in CLIENTS[w.kind]:
                clients.append("peer")
            times: dict[str, list[float]] = {c: [] for c in clients}
            cpus: dict[str, list[float]] = {c: [] for c in clients}
            for rep in range(reps):
                order = clients[rep % len(clients) :] + clients[: rep % len(clients)]
                for c in order:
                    wall, cpu = _run_client(c, w, env)
                    times[c].append(wall)
                    if cpu is not None:
                        cpus[c].append(cpu)
            row: dict[str, Any] = {
                "workload": w.name,
                "kind": w.kind,
                "size": w.size,
                "unit": w.unit,
            }
            for c, ts in times.items():
                row[c] = {
                    "median": statistics.median(ts),
                    "min": min(ts),
                    "max": max(ts),
                    "all": ts,
                }
                if cpus[c]:
                    row[c]["cpu_median"] = statistics.median(cpus[c])
                    row[c]["cpu_all"] = cpus[c]
            ps = row["phpstreams"]["median"]
            # Speed ratios: time(other) / time(phpstreams); for RSS, memory(other)/memory(ps).
            if php:
                row["ratio_vs_php"] = row["php"]["median"] / ps if ps else None
            row["ratio_vs_stdlib"] = row["stdlib"]["median"] / ps if ps else None
            # CPU ratio: the client's own CPU seconds (user + system) for the same work,
            # PHP's over phpstreams' -- it still tells the clients apart when the peer
            # sets the pace (TLS bulk), since a peer-bound client waits off the CPU.
            ps_cpu = row["phpstreams"].get("cpu_median")
            if php and ps_cpu and "cpu_median" in row["php"]:
                row["cpu_ratio_vs_php"] = row["php"]["cpu_median"] / ps_cpu
            results.append(row)
            _print_row(row)
    return results


def _rate(w: dict[str, Any], seconds: float) -> str:
    if w["kind"] == "bulk":
        return f"{w['size'] / seconds / 1024 / 1024:8.0f} MiB/s"
    if w["kind"] == "lines":
        return f"{w['size'] / seconds / 1e6:8.2f} Mline/s"
    if w["kind"] in ("writes", "handshakes"):
        return f"{w['size'] / seconds:8.0f} /s"
    if w["kind"] == "select":
        return f"{seconds / 2000 * 1e6:8.1f} us/call"
    return f"{seconds:8.1f} KiB/conn"


_HEADER = (
    f"{'workload':26} {'phpstreams':>16} {'php':>16} {'stdlib':>16} {'peer':>16} "
    f"{'ps/php':>7} {'ps/std':>7} {'cpu/php':>7}"
)


def _print_row(row: dict[str, Any]) -> None:
    def cell(key: str) -> str:
        return _rate(row, row[key]["median"]) if key in row else f"{'-':>16}"

    vs_php = f"{row['ratio_vs_php']:7.2f}" if row.get("ratio_vs_php") else f"{'-':>7}"
    vs_std = f"{row['ratio_vs_stdlib']:7.2f}" if row.get("ratio_vs_stdlib") else f"{'-':>7}"
    cpu = f"{row['cpu_ratio_vs_php']:7.2f}" if row.get("cpu_ratio_vs_php") else f"{'-':>7}"
    print(
        f"{row['workload']:26} {cell('phpstreams'):>16} {cell('php'):>16} {cell('stdlib'):>16} "
        f"{cell('peer'):>16} {vs_php} {vs_std} {cpu}",
        flush=True,
    )


def plot(results: list[dict[str, Any]], path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [r["workload"] for r in results]
    vs_php = [r.get("ratio_vs_php") or 0 for r in results]
    vs_std = [r.get("ratio_vs_stdlib") or 0 for r in results]
    cpu = [r.get("cpu_ratio_vs_php") or 0 for r in results]
    fig, ax = plt.subplots(figsize=(max(8, len(names) * 0.55), 5))
    xs = range(len(names))
    ax.bar([x - 0.27 for x in xs], vs_php, width=0.27, label="phpstreams / PHP 8.2")
    ax.bar([x for x in xs], vs_std, width=0.27, label="phpstreams / Python stdlib")
    ax.bar([x + 0.27 for x in xs], cpu, width=0.27, label="CPU: PHP 8.2 / phpstreams")
    ax.axhline(1.0, color="black", linewidth=0.8)
    ax.set_xticks(list(xs), names, rotation=60, ha="right", fontsize=8)
    ax.set_ylabel("speed ratio (>1: phpstreams faster)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="tiny sizes (harness check)")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--only", default="", help="comma-separated workload names")
    parser.add_argument("--json", default="", help="write the results to this file")
    parser.add_argument("--plot", default="", help="draw the ratios to this PNG")
    parser.add_argument("--no-php", action="store_true", help="skip the PHP client")
    args = parser.parse_args(argv)
    if args.plot:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            parser.error("--plot needs matplotlib: pip install '.[bench]'")
    php = None if args.no_php else shutil.which("php")
    selected = workloads(args.quick)
    if args.only:
        wanted = set(args.only.split(","))
        selected = [w for w in selected if w.name in wanted]
    print(f"python {sys.version.split()[0]}, php: {php or 'not used'}, reps={args.reps}")
    print(_HEADER)
    results = run(selected, args.reps, php)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    if args.plot:
        plot(results, args.plot)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

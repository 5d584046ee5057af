"""Differential fuzzer: generated PHP calls run in real PHP and in phpstreams, records
compared.

    python -m compat_tests.fuzz --seed 1 --count 10000          # the long run
    python -m compat_tests.fuzz --seed 11 --count 1200 --budget 100   # CI's bounded run

Inputs come from :mod:`compat_tests.fuzz.inputs` (seeded: a seed and a count always
give the same inputs). Per batch, one PHP process (``runner.php``) and one Python
process (``runner.py``) run the batch against the same loopback peers, one after the
other, both inside :mod:`phpstreams.testing.hermetic` (no DNS query leaves the machine).

Records are compared field by field after two exclusions for PHP's own
nondeterminism (:data:`EXCLUSIONS`) and the known, documented divergences
(:data:`KNOWN`). Every other difference is a mismatch, grouped by cause; the exit
status is 1 when there is any (or a batch crashed).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from compat_tests.fuzz.inputs import generate
from phpstreams.testing.hermetic import hermetic_argv, verify
from phpstreams.testing.peers import start_peers
from phpstreams.testing.tls_peers import start_tls_peers

HERE = Path(__file__).resolve().parent
BATCH_TIMEOUT = 300

Record = dict[str, Any]
Input = dict[str, Any]


# -- PHP's own nondeterminism: fields that are not compared, and why ------------------


#: Where each function takes ``$errno`` (its first by-reference argument).
_ERRNO_ARG = {"stream_socket_client": 1, "stream_socket_server": 1, "fsockopen": 2, "pfsockopen": 2}


def _unknown_transport(item: Input) -> bool:
    """An unknown scheme with ``$errno`` passed (then ``refs[0]``, see _drop_errno)."""
    pos = _ERRNO_ARG.get(item["fn"])
    args = item["args"]
    if pos is None or len(args) <= pos or not (isinstance(args[pos], dict) and "ref" in args[pos]):
        return False
    addr = args[0]
    if not (isinstance(addr, dict) and "s" in addr and "://" in addr["s"]):
        return False
    import phpstreams  # its transport list is PHP's (compat-tested)

    return addr["s"].split("://", 1)[0] not in phpstreams.stream_get_transports()


def _unix_accept(item: Input) -> bool:
    return item["fn"] == "@accept" and str(item["args"][0].get("s", "")).startswith("unix://")


def _drop_errno(rec: Record) -> None:
    if rec["refs"]:
        rec["refs"][0] = "<excluded>"


def _drop_peer(rec: Record) -> None:
    value = rec.get("value")
    if isinstance(value, dict) and "array" in value:
        value["array"] = [kv for kv in value["array"] if kv[0] != "peer"]


_PORT = re.compile(r":\d+$")


def _own_sockets(item: Input) -> bool:
    return item["fn"] in ("@accept", "stream_socket_get_name")


def _drop_ports(rec: Record) -> None:
    def strip(v: Any) -> Any:
        if isinstance(v, dict) and "s" in v:
            return {"s": _PORT.sub(":<port>", v["s"])}
        if isinstance(v, dict) and "array" in v:
            return {"array": [[k, strip(x)] for k, x in v["array"]]}
        return v

    rec["value"] = strip(rec.get("value"))


#: (name, applies to input, normalise a record, reason)
EXCLUSIONS: list[tuple[str, Callable[[Input], bool], Callable[[Record], None], str]] = [
    (
        "errno of an unknown transport",
        _unknown_transport,
        _drop_errno,
        "PHP never assigns the error code when no transport factory exists: $errno is "
        "whatever the uninitialised stack slot held (php_stream_xport_create)",
    ),
    (
        "unix accept peer name",
        _unix_accept,
        _drop_peer,
        "PHP turns the peer address of an unnamed unix client into a name without "
        "checking the returned length: the text depends on stale memory",
    ),
    (
        "ephemeral port numbers",
        _own_sockets,
        _drop_ports,
        "each side's own client and listening sockets get their own ports from the "
        "kernel (the host part and the form are still compared)",
    ),
]


# -- known divergences (documented in compat_tests/divergences.py) --------------------

_GARBAGE_MAX = re.compile(r"between 0 and \d+")


#: (name, applies to input, reason)
def _high_security_level(item: Input) -> bool:
    """A connect whose context sets ``security_level`` above 3: a number, a numeric
    string, or a resource (whose number, 4 or more, is the level)."""
    from phpstreams._phpvalues import strtol_prefix

    def levels(v: Any) -> Iterator[Any]:
        if isinstance(v, dict):
            for pair in v.get("a", []):
                if pair[0] == "security_level":
                    yield pair[1]
                yield from levels(pair[1])
            yield from levels(v.get("ctx"))

    def high(v: Any) -> bool:
        if not isinstance(v, dict):
            return False
        if "res" in v:
            return True
        text = v.get("i") or v.get("f") or v.get("s") or "0"
        return text not in ("NAN", "INF", "-INF") and strtol_prefix(text) > 3

    return item["fn"] == "stream_socket_client" and any(
        high(level) for arg in item["args"] for level in levels(arg)
    )


#: (name, PHP versions it applies to, applies to input, reason)
KNOWN: list[tuple[str, frozenset[str], Callable[[Input], bool], str]] = [
    (
        "OpenSSL 3.5 security levels",
        frozenset({"8.4"}),
        _high_security_level,
        "PHP 8.4's OpenSSL 3.5 fails levels 4 and up with 'no suitable key share'; the "
        "linked 3.0 cannot produce that failure (BY_PROFILE['8.4'] in divergences.py)",
    ),
]


def _normalise(rec: Record) -> None:
    """PHP 8.2 prints stack garbage as fsockopen's maximum timeout (see divergences.py)."""
    if rec.get("throw"):
        rec["throw"] = [rec["throw"][0], _GARBAGE_MAX.sub("between 0 and <max>", rec["throw"][1])]


# -- running ------------------------------------------------------------------------


def _run(argv: list[str], env: dict[str, str], timeout: float) -> tuple[list[Record], str]:
    # cwd: relative unix socket paths land in the private directory, not the checkout.
    try:
        proc = subprocess.run(
            hermetic_argv(argv),
            env=env,
            cwd=env["FUZZ_TMP"],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        stdout, returncode, stderr = proc.stdout, proc.returncode, proc.stderr
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout or b""
        stdout = out.decode("utf-8", "replace") if isinstance(out, bytes) else out
        returncode, stderr = -1, f"timed out after {timeout:.0f}s"
    records = []
    for line in stdout.splitlines():
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            return records, f"garbage on stdout: {line[:200]}"
    if returncode == -1:
        return records, f"{stderr}; the input after record {len(records)} did not return"
    problem = "" if returncode == 0 else f"exit {returncode}: {stderr[-2000:]}"
    return records, problem


def _cause(item: Input, php: Record, py: Record) -> str:
    """A short signature of a mismatch, so equal causes group together."""
    fields = [k for k in ("value", "throw", "warnings", "refs") if php.get(k) != py.get(k)]

    def gist(rec: Record) -> str:
        if rec.get("throw"):
            text = rec["throw"][1]
        elif rec.get("warnings") != (php if rec is py else py).get("warnings"):
            text = " | ".join(w[1] for w in rec.get("warnings", []))
        else:
            text = json.dumps(rec.get("value" if "value" in fields else "refs"))
        text = re.sub(r"\d+", "N", text)
        return re.sub(r"/tmp/\S+", "<tmp>", text)[:160]

    return f"{item['fn']} [{','.join(fields)}] php: {gist(php)} || py: {gist(py)}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m compat_tests.fuzz", description=__doc__)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--batch", type=int, default=500, help="inputs per process pair")
    ap.add_argument("--budget", type=float, default=0, help="stop after this many seconds")
    ap.add_argument("--php", default=shutil.which("php") or "php")
    ap.add_argument("--show", type=int, default=2, help="examples printed per cause")
    ap.add_argument(
        "--batch-timeout", type=float, default=BATCH_TIMEOUT, help="seconds per process"
    )
    args = ap.parse_args(argv)

    verify()  # fails loudly when lookups cannot be made hermetic
    inputs = generate(args.seed, args.count)
    started = time.monotonic()
    counts: Counter[str] = Counter()
    causes: dict[str, list[tuple[Input, Record, Record]]] = {}
    crashed: list[str] = []
    import phpstreams
    from phpstreams.testing.cases import php_version

    version = php_version(args.php)[0]
    root = str(Path(phpstreams.__file__).resolve().parent.parent)
    with start_peers() as peers, tempfile.TemporaryDirectory(prefix="phpstreams-fuzz-") as tmp:
        start_tls_peers(peers)
        os.chmod(tmp, 0o755)
        env = dict(os.environ)
        env["COMPAT_PEERS"] = json.dumps(peers.env())
        env["FUZZ_TMP"] = os.path.join(tmp, "socks")
        env["PHPSTREAMS_PROFILE"] = version  # runner.py takes that release's facade
        os.mkdir(env["FUZZ_TMP"])
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
        for start in range(0, len(inputs), args.batch):
            if args.budget and time.monotonic() - started > args.budget:
                counts["not run (budget)"] += len(inputs) - start
                break
            batch = inputs[start : start + args.batch]
            path = os.path.join(tmp, "batch.jsonl")
            with open(path, "w", encoding="utf-8") as f:
                f.writelines(json.dumps(item) + "\n" for item in batch)
            php, php_problem = _run(
                [args.php, "-n", str(HERE / "runner.php"), path], env, args.batch_timeout
            )
            py, py_problem = _run(
                [sys.executable, "-m", "compat_tests.fuzz.runner", path], env, args.batch_timeout
            )
            for problem, side in ((php_problem, "php"), (py_problem, "python")):
                if problem:
                    crashed.append(f"batch at {start} ({side}): {problem}")
            by_id = {r["id"]: r for r in py}
            for item, php_rec in zip(batch, php, strict=False):
                py_rec = by_id.get(item["id"])
                if py_rec is None:
                    counts["incomparable (python side missing)"] += 1
                    continue
                for name, applies, normalise, _ in EXCLUSIONS:
                    if applies(item):
                        normalise(php_rec)
                        normalise(py_rec)
                        counts[f"excluded field: {name}"] += 1
                _normalise(php_rec)
                _normalise(py_rec)
                fields = ("value", "throw", "warnings", "refs")
                if all(php_rec.get(k) == py_rec.get(k) for k in fields):
                    counts["identical"] += 1
                    continue
                known = next(
                    (n for n, vs, applies, _ in KNOWN if version in vs and applies(item)), None
                )
                if known is not None:
                    counts[f"known divergence: {known}"] += 1
                    continue
                counts["mismatch"] += 1
                causes.setdefault(_cause(item, php_rec, py_rec), []).append((item, php_rec, py_rec))
            missing = len(batch) - len(php)
            if missing > 0:
                counts["incomparable (php side missing)"] += missing

    elapsed = time.monotonic() - started
    print(f"PHP {version}, seed {args.seed}, {args.count} inputs, {elapsed:.0f}s")
    for key, n in sorted(counts.items()):
        print(f"  {key}: {n}")
    for name, _, _, reason in EXCLUSIONS:
        print(f"  (excluded {name}: {reason})")
    for name, versions, _, reason in KNOWN:
        if version in versions:
            print(f"  (known {name}: {reason})")
    for cause, cases in sorted(causes.items(), key=lambda kv: -len(kv[1])):
        print(f"\nMISMATCH x{len(cases)}: {cause}")
        for item, php_rec, py_rec in cases[: args.show]:
            print(f"  input:  {json.dumps(item)}")
            for key in ("value", "throw", "warnings", "refs"):
                if php_rec.get(key) != py_rec.get(key):
                    print(f"  {key}:\n    php:    {json.dumps(php_rec.get(key))}")
                    print(f"    python: {json.dumps(py_rec.get(key))}")
    for problem in crashed:
        print(f"\nCRASH {problem}")
    return 1 if causes or crashed or any(k.startswith("incomparable") for k in counts) else 0


if __name__ == "__main__":
    sys.exit(main())

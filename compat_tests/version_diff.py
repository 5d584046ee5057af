"""A measured map of how PHP 7.4 and 8.4 differ from PHP 8.2 on the compat cases.

Runs the PHP side of every case (``cases/**/*.case``) in PHP 8.2 and in the other
oracles against the same loopback peers, and compares each version's records with
8.2's field by field (throw, value, warnings). Per case it prints ``same`` or
``differs`` with the differing fields, abbreviated, and a heuristic cause tag; at the
end, per version, how many cases are identical and how many differing cases carry
each tag. A case whose differing fields also differ between two runs of 8.2 is
reported as ``unstable`` (noise, not a version difference)::

    python -m compat_tests.version_diff --php74 /usr/local/bin/php7.4-oracle \\
        --php84 /usr/local/bin/php8.4-oracle [--php82 php] [-k SUBSTRING]

PHP 8.2 (the host's ``php``) runs in a private mount namespace whose nsswitch.conf
says ``hosts: files``, like the oracles (see ``.ci/oracles``), so no case makes a DNS
query leave the machine; this needs root, as the oracles do.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compat_tests.divergences import NORMALISE
from compat_tests.harness import PHP_PRELUDE, TIMEOUT, Case, Side, all_cases
from phpstreams.testing.cases import _run
from phpstreams.testing.hermetic import hermetic_argv
from phpstreams.testing.peers import start_peers
from phpstreams.testing.tls_peers import start_tls_peers

_FIELDS = ("throw", "value", "warnings")
_WIDTH = 110
_FATAL_TO_STDERR = (
    "register_shutdown_function(function () { $e = error_get_last();"
    " if ($e && ($e['type'] & (E_ERROR | E_CORE_ERROR | E_COMPILE_ERROR)))"
    " fwrite(STDERR, 'PHP Fatal error: ' . strtok($e['message'], \"\\n\") . \"\\n\"); });"
)


@dataclass
class Php:
    version: str  # "7.4", "8.2", "8.4"
    command: list[str]


@dataclass
class FieldDiff:
    where: str  # "step 'label': warnings" or "records"
    base: Any
    other: Any
    tags: set[str] = field(default_factory=set)


def run_php_side(case: Case, php: Php, peers_env: dict[str, Any], workdir: Path) -> Side:
    """The PHP half of ``harness.run_case``: the same file, env and working directory."""
    env = dict(os.environ)
    env["COMPAT_PEERS"] = json.dumps(peers_env)
    # The oracles see the checkout through this bind if it is not already visible.
    env["PHPSTREAMS_ORACLE_BIND"] = str(PHP_PRELUDE.parent)
    php_file = workdir / "case.php"
    # The prelude hides PHP's own error output; a fatal error is named on stderr so the
    # map can say why a version's records stop early. Records are unchanged.
    php_file.write_text(
        f"<?php\n{_FATAL_TO_STDERR}\nrequire {json.dumps(str(PHP_PRELUDE))};\n{case.php}", "utf-8"
    )
    # The oracles and base commands are hermetic themselves (see hermetic_host_php).
    side = _run([*php.command, "-n", str(php_file)], env, workdir, TIMEOUT, hermetic=False)
    _normalise(case.id, side.records)
    return side


def _normalise(case_id: str, records: list[dict[str, Any]]) -> None:
    """The suite's NORMALISE rules (output PHP itself makes non-deterministic)."""
    for pattern, repl, _ in NORMALISE.get(case_id, []):
        for rec in records:
            for w in rec.get("warnings") or []:
                w[1] = re.sub(pattern, repl, w[1])
            if rec.get("throw"):
                rec["throw"][1] = re.sub(pattern, repl, rec["throw"][1])


def diff_records(base: Side, other: Side) -> list[FieldDiff]:
    """Field-by-field differences of ``other`` from ``base`` (the ``__php`` record skipped)."""
    a = [r for r in base.records if r.get("label") != "__php"]
    b = [r for r in other.records if r.get("label") != "__php"]
    out: list[FieldDiff] = []
    for i in range(max(len(a), len(b))):
        ra = a[i] if i < len(a) else None
        rb = b[i] if i < len(b) else None
        if ra is None or rb is None or ra.get("label") != rb.get("label"):
            out.append(
                FieldDiff(
                    f"records from #{i + 1}",
                    [r.get("label") for r in a[i:]],
                    [r.get("label") for r in b[i:]] + _stderr_note(other),
                )
            )
            break
        for key in _FIELDS:
            if ra.get(key) != rb.get(key):
                out.append(FieldDiff(f"step {ra['label']!r}: {key}", ra.get(key), rb.get(key)))
    for d in out:
        d.tags = classify(d)
    # A step that throws in one version and returns in the other is one cause, not two:
    # its value (and its Zend 7 warning) differ because of the throw.
    throwing = {d.where.rsplit(":", 1)[0] for d in out if d.where.endswith(": throw")}
    for d in out:
        step = d.where.rsplit(":", 1)[0]
        if step in throwing and not d.where.endswith(": throw"):
            d.tags -= {"return value", "more E_WARNINGs than 8.2"}
            d.tags = d.tags or {"(follows from the throw)"}
    return out


def _stderr_note(side: Side) -> list[str]:
    lines = [ln for ln in side.stderr.splitlines() if ln.strip()]
    return [f"stderr: {lines[-1].strip()}"] if lines else []


# --- heuristic cause tags -------------------------------------------------------------

_OPENSSL_LINE = re.compile(r"error:[0-9A-F]{8}:")
_LOWER_START = re.compile(r"(?:^|\(\): )([a-z])")


def _texts(x: Any) -> str:
    return json.dumps(x, ensure_ascii=False)


def _levels(x: Any) -> list[int]:
    return [w[0] for w in x] if isinstance(x, list) else []


def classify(d: FieldDiff) -> set[str]:
    base, other = _texts(d.base), _texts(d.other)
    both = base + other
    tags: set[str] = set()
    if d.where.startswith("records"):
        if "Parse error" in other or "syntax error" in other:
            tags.add("PHP 8 syntax (7.4 parse error)")
        elif "Call to undefined function" in other:
            tags.add("function missing in this version")
        elif "timed out after" in other:
            tags.add("run hit the 60 s harness timeout")
        elif "Fatal error" in other:
            tags.add("fatal error")
        else:
            tags.add("record sequence differs")
        return tags
    if d.where.endswith(": throw"):
        if d.base and not d.other:
            tags.add("8.2 throws, this version warns/returns")
        elif d.other and not d.base:
            tags.add("this version throws, 8.2 does not")
        elif "undefined function" in other:
            tags.add("function missing in this version")
    if d.where.endswith(": warnings"):
        lb, lo = Counter(_levels(d.base)), Counter(_levels(d.other))
        if lo[8192] > lb[8192]:
            tags.add("extra E_DEPRECATED")
        elif lb[8192] > lo[8192]:
            tags.add("8.2's E_DEPRECATED missing")
        if lo[2] > lb[2]:
            tags.add("more E_WARNINGs than 8.2")
        if lo[8] > lb[8]:
            tags.add("extra E_NOTICE")
        if (
            isinstance(d.base, list)
            and isinstance(d.other, list)
            and len(d.base) == len(d.other)
            and base != other
            and base.lower() == other.lower()
        ):
            tags.add("message capitalisation")
    if _OPENSSL_LINE.search(both) or "SSL routines" in both:
        tags.add("OpenSSL error line")
    if "getaddrinfo" in both:
        tags.add("getaddrinfo message")
    if "Failed to parse port" in both:
        tags.add("port parsed (8.4)")
    if '"uri"' in both:
        tags.add("meta data uri key")
    if "subjectAltName" in both or "expected CN" in both:
        tags.add("peer name matching")
    if "expects parameter" in other or "expects exactly" in other or "expects at" in other:
        tags.add("Zend 7 argument warning")
    if "OpenSSLCertificate" in both or '"resource": "OpenSSL X.509"' in both:
        tags.add("certificate resource vs object")
    tails = [re.findall(r"ccept failed: ([^\"]*)", t) for t in (base, other)]
    if tails[0] and tails[1] and tails[0] != tails[1]:
        tags.add("accept failure text")
    if d.base is False and d.other == {"s": ""}:
        tags.add('"" instead of false')
    if "ALPN" in both:
        tags.add("ALPN")
    if re.search(r"TLSv1(\.1)?\"", both) or "legacy" in both or "no protocols" in both:
        tags.add("legacy TLS")
    if not tags:
        if _LOWER_START.search(other) and base.lower() == other.lower():
            tags.add("message capitalisation")
        elif d.where.endswith(": value"):
            tags.add("return value")
        else:
            tags.add("other")
    return tags


def _short(x: Any, width: int = _WIDTH) -> str:
    text = _texts(x)
    return text if len(text) <= width else text[: width - 1] + "…"


def _short_pair(a: Any, b: Any, width: int = _WIDTH) -> tuple[str, str]:
    """Both texts abbreviated around the first place where they differ."""
    ta, tb = _texts(a), _texts(b)
    same = next((i for i, (x, y) in enumerate(zip(ta, tb, strict=False)) if x != y), None)
    if same is None:
        same = min(len(ta), len(tb))
    start = max(0, same - width // 3)
    out = []
    for t in (ta, tb):
        cut = ("…" if start else "") + t[start:]
        out.append(cut if len(cut) <= width else cut[: width - 1] + "…")
    return out[0], out[1]


# --- the run --------------------------------------------------------------------------


def hermetic_host_php(php: str, workdir: Path) -> list[str]:
    """``php`` in a private mount namespace whose name lookups are files-only."""
    return hermetic_argv([php])


def _check_version(side: Side, php: Php) -> str | None:
    first = side.records[0] if side.records else None
    if first is None or first.get("value") != {"s": php.version}:
        return f"PHP {php.version} did not run: {_short(first)} {_stderr_note(side)}"
    return None


def map_versions(
    cases: list[Case], base: Php, others: list[Php], peers_env: dict[str, Any], tmp: Path
) -> Iterator[tuple[Case, dict[str, tuple[str, list[FieldDiff]]]]]:
    for case in cases:
        workdir = Path(tempfile.mkdtemp(dir=tmp))
        base_side = run_php_side(case, base, peers_env, workdir)
        problem = _check_version(base_side, base)
        results: dict[str, tuple[str, list[FieldDiff]]] = {}
        recheck: Side | None = None
        for php in others:
            side = run_php_side(case, php, peers_env, workdir)
            problem_v = problem or _check_version(side, php)
            if problem_v:
                results[php.version] = ("error", [FieldDiff("run", problem_v, None, {"error"})])
                continue
            diffs = diff_records(base_side, side)
            status = "same" if not diffs else "differs"
            if diffs:
                if recheck is None:
                    recheck = run_php_side(case, base, peers_env, workdir)
                noisy = {d.where for d in diff_records(base_side, recheck)}
                if all(d.where in noisy for d in diffs):
                    status = "unstable"
            results[php.version] = (status, diffs)
        yield case, results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--php82", default="php", help="PHP 8.2 binary (default: php)")
    ap.add_argument("--php74", help="PHP 7.4 oracle, e.g. /usr/local/bin/php7.4-oracle")
    ap.add_argument("--php84", help="PHP 8.4 oracle, e.g. /usr/local/bin/php8.4-oracle")
    ap.add_argument("-k", dest="select", default="", help="only case ids containing this")
    ap.add_argument("--no-hermetic-82", action="store_true", help="run --php82 as is")
    args = ap.parse_args(argv)
    others = [Php(v, [p]) for v, p in (("7.4", args.php74), ("8.4", args.php84)) if p]
    if not others:
        ap.error("give --php74 and/or --php84")
    cases = [c for c in all_cases() if args.select in c.id]
    with (
        tempfile.TemporaryDirectory(prefix="phpstreams-vdiff-") as tmp_name,
        start_peers() as peers,
    ):
        tmp = Path(tmp_name)
        start_tls_peers(peers)
        base_cmd = [args.php82] if args.no_hermetic_82 else hermetic_host_php(args.php82, tmp)
        base = Php("8.2", base_cmd)
        counts = {p.version: Counter[str]() for p in others}
        tags = {p.version: Counter[str]() for p in others}
        for case, results in map_versions(cases, base, others, peers.env(), tmp):
            head = "  ".join(f"{v}: {results[v][0]}" for v in results)
            print(f"{case.id:<58} {head}", flush=True)
            for v, (status, diffs) in results.items():
                counts[v][status] += 1
                case_tags = set().union(*(d.tags for d in diffs)) if diffs else set()
                if status == "differs":
                    tags[v].update(case_tags - {"(follows from the throw)"})
                for d in diffs:
                    base_text, other_text = _short_pair(d.base, d.other)
                    print(f"    [{v}] {d.where}  ({', '.join(sorted(d.tags))})")
                    print(f"        8.2: {base_text}")
                    print(f"        {v}: {other_text}")
        print(f"\n== summary: {len(cases)} cases")
        for v in counts:
            c = counts[v]
            print(
                f"PHP {v}: same {c['same']}, differs {c['differs']}, "
                f"unstable {c['unstable']}, error {c['error']}"
            )
            for tag, n in tags[v].most_common():
                print(f"    {n:4d}  {tag}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

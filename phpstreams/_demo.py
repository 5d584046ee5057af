"""``phpstreams demo``: the seed scenarios against embedded loopback peers, each shown
next to what ``php -n`` prints for the same PHP code when PHP is installed.

``--php-version 7.4`` runs the ports on ``phpstreams.php74`` and compares them with a
PHP 7.4 (``--php PATH``, else ``php7.4`` or ``php7.4-oracle`` on PATH); the default is
8.2 against ``php``.

Layering rule: an application of the public API (a versioned facade); it
starts the shared peers of :mod:`phpstreams.testing` on 127.0.0.1 (ports bound to 0)
and stops them on exit. It needs neither pytest nor ``cryptography``.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from types import ModuleType
from typing import Any

import phpstreams
from phpstreams.testing.peers import Peers, greet_wait
from phpstreams.testing.tls_peers import server_context, smtp_starttls

__all__ = ["main"]

_CERT = "demo_localhost.pem"


# ---------------------------------------------------------------------------
# embedded peers (the shared ones of phpstreams.testing)


@contextlib.contextmanager
def peers() -> Iterator[dict[str, Any]]:
    """Start the demo peers; yields their ports and the CA file path.

    ``smtp`` greets in plaintext and answers every line; ``submission`` is SMTP with
    STARTTLS (the shipped localhost certificate); ``closed`` refuses connects."""
    with resources.as_file(resources.files("phpstreams") / _CERT) as cert, Peers() as p:
        p.tcp("smtp", greet_wait)
        p.tcp("submission", smtp_starttls(server_context(str(cert))))
        p.closed_port("closed")
        yield {**p.env(), "cafile": str(cert)}


# ---------------------------------------------------------------------------
# scenarios: PHP code and its line-by-line Python port, each reporting a summary


@dataclass
class Scenario:
    title: str
    php: str
    py: Callable[[ModuleType, dict[str, Any], Callable[[str], None]], None]


Out = Callable[[str], None]


def _refused(ps: ModuleType, p: dict[str, Any], out: Out) -> None:
    errno, errstr = ps.Ref(), ps.Ref()
    fp = ps.stream_socket_client(f"tcp://127.0.0.1:{p['closed']}", errno, errstr, 2)
    out(f"result={_show(fp)} errno={errno.value} errstr={errstr.value}")


def _parse(ps: ModuleType, p: dict[str, Any], out: Out) -> None:
    for spec in ("tcp://[fe80::1", f"127.0.0.1:{p['closed']}", "c://x:1"):
        errno, errstr = ps.Ref(), ps.Ref()
        fp = ps.stream_socket_client(spec, errno, errstr, 1)
        out(f"{spec} -> result={_show(fp)} errno={errno.value} errstr={errstr.value}")


def _wrong_version(ps: ModuleType, p: dict[str, Any], out: Out) -> None:
    errno, errstr = ps.Ref(), ps.Ref("untouched")
    fp = ps.fsockopen("tls://127.0.0.1", p["smtp"], errno, errstr, 2)
    out(f"result={_show(fp)} errno={errno.value} errstr={errstr.value}")


def _starttls(ps: ModuleType, p: dict[str, Any], out: Out) -> None:
    ctx = ps.stream_context_create({"ssl": {"cafile": p["cafile"]}})
    s = ps.stream_socket_client(
        f"tcp://127.0.0.1:{p['submission']}", None, None, 2, ps.STREAM_CLIENT_CONNECT, ctx
    )
    out(f"greeting={_show(ps.fgets(s))}")
    ps.fwrite(s, "EHLO demo\r\n")
    ps.fgets(s)
    out(f"ehlo={_show(ps.fgets(s))}")
    ps.fwrite(s, "STARTTLS\r\n")
    out(f"starttls={_show(ps.fgets(s))}")
    ok = ps.stream_socket_enable_crypto(s, True, ps.STREAM_CRYPTO_METHOD_SSLv23_CLIENT)
    out(f"enable_crypto={_show(ok)}")
    out(f"protocol={ps.stream_get_meta_data(s)['crypto']['protocol']}")
    ps.fwrite(s, "QUIT\r\n")
    out(f"quit={_show(ps.fgets(s))}")


SCENARIOS = [
    Scenario(
        "refused connect: false, errno 111, one warning",
        """$fp = stream_socket_client("tcp://127.0.0.1:{$P['closed']}", $errno, $errstr, 2);
out("result=" . show($fp) . " errno=$errno errstr=$errstr");""",
        _refused,
    ),
    Scenario(
        "address parsing: bad IPv6 bracket, default transport, one-letter scheme",
        """foreach (["tcp://[fe80::1", "127.0.0.1:{$P['closed']}", "c://x:1"] as $spec) {
    $fp = stream_socket_client($spec, $errno, $errstr, 1);
    out("$spec -> result=" . show($fp) . " errno=$errno errstr=$errstr");
}""",
        _parse,
    ),
    Scenario(
        'fsockopen("tls://...") on a port that speaks plaintext first',
        """$errstr = "untouched";
$fp = fsockopen("tls://127.0.0.1", $P['smtp'], $errno, $errstr, 2);
out("result=" . show($fp) . " errno=$errno errstr=$errstr");""",
        _wrong_version,
    ),
    Scenario(
        "the STARTTLS dance with STREAM_CRYPTO_METHOD_SSLv23_CLIENT",
        """$ctx = stream_context_create(['ssl' => ['cafile' => $P['cafile']]]);
$s = stream_socket_client("tcp://127.0.0.1:{$P['submission']}", $e, $es, 2, STREAM_CLIENT_CONNECT, $ctx);
out("greeting=" . show(fgets($s)));
fwrite($s, "EHLO demo\\r\\n"); fgets($s);
out("ehlo=" . show(fgets($s)));
fwrite($s, "STARTTLS\\r\\n");
out("starttls=" . show(fgets($s)));
out("enable_crypto=" . show(stream_socket_enable_crypto($s, true, STREAM_CRYPTO_METHOD_SSLv23_CLIENT)));
out("protocol=" . stream_get_meta_data($s)['crypto']['protocol']);
fwrite($s, "QUIT\\r\\n");
out("quit=" . show(fgets($s)));""",
        _starttls,
    ),
]


def _show(value: Any) -> str:
    if value is False:
        return "false"
    if value is True:
        return "true"
    if isinstance(value, bytes):
        return json.dumps(value.decode("utf-8", "replace"))
    if isinstance(getattr(value, "resource_type", None), str):
        return f"resource({value.resource_type})"
    return json.dumps(value)


_PHP_PRELUDE = r"""<?php
ini_set('display_errors', '0');
set_error_handler(function ($no, $str) { echo "warning: $str\n"; return true; });
$P = json_decode(getenv('DEMO_PEERS'), true);
function out($s) { echo $s, "\n"; }
function show($v) {
    if ($v === false) return 'false';
    if ($v === true) return 'true';
    if (is_resource($v)) return 'resource(' . get_resource_type($v) . ')';
    return json_encode($v);
}
"""


def _run_php(php: str, code: str, info: dict[str, Any]) -> list[str]:
    with tempfile.NamedTemporaryFile("w", suffix=".php", delete=False) as f:
        f.write(_PHP_PRELUDE + code + "\n")
    try:
        proc = subprocess.run(
            [php, "-n", f.name],
            capture_output=True,
            text=True,
            timeout=30,
            env={**os.environ, "DEMO_PEERS": json.dumps(info)},
            check=False,
        )
    finally:
        os.unlink(f.name)
    return proc.stdout.splitlines()


def _run_py(
    fn: Callable[[ModuleType, dict[str, Any], Out], None], api: ModuleType, info: dict[str, Any]
) -> list[str]:
    """Run a port; PHP diagnostics land in the transcript where they happen."""
    lines: list[str] = []

    def show(message: Any, category: Any, *args: Any, **kwargs: Any) -> None:
        lines.append(f"warning: {message}")

    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.showwarning = show
        fn(api, info, lines.append)
    # One entry per printed line, as PHP's transcript has them.
    return "\n".join(lines).split("\n")


def _find_php(version: str) -> str | None:
    """The PHP to compare with: ``php`` for 8.2, else ``phpX.Y`` or the CI oracle
    wrapper ``phpX.Y-oracle`` on PATH."""
    names = ["php"] if version == "8.2" else [f"php{version}", f"php{version}-oracle"]
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return None


USAGE = "usage: phpstreams demo [--php-version X.Y] [--php PATH]"


def main(argv: list[str] | None = None) -> int:
    args = list(argv or [])
    version, php = "8.2", None
    while args:
        opt = args.pop(0)
        if opt in ("--php-version", "--php") and args:
            value = args.pop(0)
            if opt == "--php":
                php = value
            else:
                version = value
        else:
            print(USAGE, file=sys.stderr)
            return 2
    try:
        api = importlib.import_module("phpstreams.php" + version.replace(".", ""))
    except ImportError:
        print(f"no phpstreams profile for PHP {version!r}", file=sys.stderr)
        return 2
    php = php or _find_php(version)
    print(f"phpstreams {phpstreams.__version__} demo (PHP {version}) -- embedded loopback peers")
    print(f"PHP for comparison: {php or 'not installed (showing phpstreams only)'}\n")
    mismatches = 0
    with peers() as info:
        for n, sc in enumerate(SCENARIOS, 1):
            print(f"[{n}] {sc.title}")
            for line in sc.php.splitlines():
                print(f"      php> {line}")
            got = _run_py(sc.py, api, info)
            for line in got:
                print(f"   phpstreams  {line}")
            if php:
                expected = _run_php(php, sc.php, info)
                same = expected == got
                mismatches += not same
                print(f"   php -n      {'identical' if same else 'DIFFERENT:'}")
                if not same:
                    for line in expected:
                        print(f"               {line}")
            print()
    if php:
        print("all scenarios identical to PHP" if not mismatches else f"{mismatches} differ")
    return 1 if mismatches else 0

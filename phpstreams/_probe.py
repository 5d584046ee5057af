"""``phpstreams probe URL``: what PHP's calls give connecting to an endpoint -- return,
errno, errstr, warnings, meta data, the crypto block, the peer certificate -- and, with
``--php``, the same calls in the local PHP side by side, differences marked.

The probe is one small program written twice, in PHP and as its line-by-line port,
run through the behaviour-diff case runner (:mod:`phpstreams.testing.cases`): each side
prints one record per call, and the records are compared field by field.

Layering rule: an application of the public API and of :mod:`phpstreams.testing.cases`;
it never imports pytest. Exit status: 0 connected (and, with ``--starttls``, crypto
enabled), 1 not, 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["main", "probe"]

STARTTLS = ("smtp", "imap", "pop3", "ftp")

# Both programs read PROBE_URL, PROBE_CONTEXT (JSON), PROBE_STARTTLS, PROBE_TIMEOUT.
# STARTTLS dialogues: send a line, read lines until one matches the end pattern (50 at
# most; each read bounded by the timeout); each exchanged line is recorded with "C: "/"S: ".
PHP_PROBE = r"""
$url = getenv('PROBE_URL');
$options = json_decode(getenv('PROBE_CONTEXT'), true);
$starttls = getenv('PROBE_STARTTLS');
$timeout = (float) getenv('PROBE_TIMEOUT');
if (!isset($options['ssl']['capture_peer_cert'])) $options['ssl']['capture_peer_cert'] = true;
$ctx = stream_context_create($options);
$fp = stream_socket_client($url, $errno, $errstr, $timeout, STREAM_CLIENT_CONNECT, $ctx);
rec('stream_socket_client', $fp);
rec('errno', $errno);
rec('errstr', $errstr);
function probe_read($fp, string $end, array &$log): void {
    for ($i = 0; $i < 50; $i++) {
        $line = fgets($fp, 8192);
        if ($line === false) {
            $log[] = stream_get_meta_data($fp)['timed_out'] ? 'S: <timed out>' : 'S: <eof>';
            return;
        }
        $log[] = 'S: ' . rtrim($line, "\r\n");
        if (preg_match($end, $line)) return;
    }
}
function probe_send($fp, string $line, array &$log): void {
    fwrite($fp, "$line\r\n");
    $log[] = "C: $line";
}
$connected = $fp !== false;
if ($fp !== false && $starttls !== '') {
    stream_set_timeout($fp, (int) $timeout, (int) (fmod($timeout, 1) * 1e6));
    $log = [];
    $dialogues = [
        'smtp' => ['/^\d{3} /', ['EHLO phpstreams.probe', 'STARTTLS']],
        'imap' => ['/^(\* |P1 )/', ['P1 STARTTLS']],
        'pop3' => ['/^[+-]/', ['STLS']],
        'ftp' => ['/^\d{3} /', ['AUTH TLS']],
    ];
    [$end, $commands] = $dialogues[$starttls];
    probe_read($fp, $end, $log);
    foreach ($commands as $command) {
        probe_send($fp, $command, $log);
        probe_read($fp, $end, $log);
    }
    rec('starttls', $log);
    $method = isset($options['ssl']['crypto_method']) ? null : STREAM_CRYPTO_METHOD_TLS_CLIENT;
    $connected = stream_socket_enable_crypto($fp, true, $method) === true;
    rec('stream_socket_enable_crypto', $connected);
}
if ($fp !== false) {
    rec('stream_get_meta_data', stream_get_meta_data($fp));
    $cert = stream_context_get_options($fp)['ssl']['peer_certificate'] ?? null;
    if ($cert !== null) {
        $x = openssl_x509_parse($cert);
        rec('peer_certificate', [
            'subject' => $x['name'],
            'issuer' => implode(', ', array_map(fn($k, $v) => "$k=" . (is_array($v) ? implode('+', $v) : $v), array_keys($x['issuer']), $x['issuer'])),
            'serial' => $x['serialNumberHex'],
            'valid_from' => gmdate('Y-m-d H:i:s', $x['validFrom_time_t']) . ' UTC',
            'valid_to' => gmdate('Y-m-d H:i:s', $x['validTo_time_t']) . ' UTC',
            'subjectAltName' => $x['extensions']['subjectAltName'] ?? null,
            'sha256' => openssl_x509_fingerprint($cert, 'sha256'),
        ]);
    }
    fclose($fp);
}
rec('connected', $connected);
"""

PY_PROBE = r"""
import json, math, os, re, time
url = os.environ['PROBE_URL']
options = json.loads(os.environ['PROBE_CONTEXT'])
starttls = os.environ['PROBE_STARTTLS']
timeout = float(os.environ['PROBE_TIMEOUT'])
if not isinstance(options, dict):
    options = {}
ssl_options = options.setdefault('ssl', {})
if isinstance(ssl_options, dict) and 'capture_peer_cert' not in ssl_options:
    ssl_options['capture_peer_cert'] = True
ctx = stream_context_create(options)
errno, errstr = Ref(), Ref()
fp = stream_socket_client(url, errno, errstr, timeout, STREAM_CLIENT_CONNECT, ctx)
rec('stream_socket_client', fp)
rec('errno', errno.value)
rec('errstr', errstr.value)
def probe_read(fp, end, log):
    for _ in range(50):
        line = fgets(fp, 8192)
        if line is False:
            log.append('S: <timed out>' if stream_get_meta_data(fp)['timed_out'] else 'S: <eof>')
            return
        log.append('S: ' + line.rstrip(b'\r\n').decode('utf-8', 'surrogateescape'))
        if re.match(end, line):
            return
def probe_send(fp, line, log):
    fwrite(fp, f'{line}\r\n')
    log.append(f'C: {line}')
connected = fp is not False
if fp is not False and starttls != '':
    stream_set_timeout(fp, int(timeout), int(math.fmod(timeout, 1) * 1e6))
    log = []
    dialogues = {
        'smtp': (rb'\d{3} ', ['EHLO phpstreams.probe', 'STARTTLS']),
        'imap': (rb'(\* |P1 )', ['P1 STARTTLS']),
        'pop3': (rb'[+-]', ['STLS']),
        'ftp': (rb'\d{3} ', ['AUTH TLS']),
    }
    end, commands = dialogues[starttls]
    probe_read(fp, end, log)
    for command in commands:
        probe_send(fp, command, log)
        probe_read(fp, end, log)
    rec('starttls', log)
    method = None if isinstance(ssl_options, dict) and 'crypto_method' in ssl_options else STREAM_CRYPTO_METHOD_TLS_CLIENT
    connected = stream_socket_enable_crypto(fp, True, method) is True
    rec('stream_socket_enable_crypto', connected)
if fp is not False:
    rec('stream_get_meta_data', stream_get_meta_data(fp))
    cert = stream_context_get_options(fp).get('ssl', {}).get('peer_certificate')
    if cert is not None:
        x = openssl_x509_parse(cert)
        rec('peer_certificate', {
            'subject': x['name'],
            'issuer': ', '.join(f"{k}=" + ('+'.join(v) if isinstance(v, list) else v) for k, v in x['issuer'].items()),
            'serial': x['serialNumberHex'],
            'valid_from': time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(x['validFrom_time_t'])) + ' UTC',
            'valid_to': time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(x['validTo_time_t'])) + ' UTC',
            'subjectAltName': x['extensions'].get('subjectAltName'),
            'sha256': openssl_x509_fingerprint(cert, 'sha256'),
        })
    fclose(fp)
rec('connected', connected)
"""


# ---------------------------------------------------------------------------
# rendering records as "path  value" rows


def _flatten(prefix: str, value: Any) -> Iterator[tuple[str, str]]:
    """Encoded record values (see prelude.php) as display rows."""
    if isinstance(value, dict) and "array" in value:
        items = value["array"]
        if not items:
            yield prefix, "[]"
        for key, item in items:
            yield from _flatten(f"{prefix}.{key}", item)
        return
    yield prefix, _scalar(value)


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dict):
        if "s" in value:
            return json.dumps(value["s"], ensure_ascii=False)
        if "hex" in value:
            return f"hex:{value['hex']}"
        if "resource" in value:
            return f"resource({value['resource']})"
        if "float" in value:
            return str(value["float"])
        if "object" in value:
            return f"object({value['object']})"
    return json.dumps(value)


def rows(records: list[dict[str, Any]]) -> dict[str, str]:
    """``{"errno": "0", "stream_get_meta_data.crypto.protocol": '"TLSv1.3"', ...}``;
    warnings and exceptions of a call get their own rows under its name."""
    out: dict[str, str] = {}
    for rec in records:
        label = rec["label"]
        if label in ("__php", "__end"):
            continue
        for i, (level, text) in enumerate(rec.get("warnings") or []):
            name = {2: "Warning", 8: "Notice", 8192: "Deprecated"}.get(level, f"E{level}")
            out[f"{label} !{name} {i + 1}"] = json.dumps(text, ensure_ascii=False)
        if rec.get("throw"):
            out[f"{label} !throws"] = json.dumps(f"{rec['throw'][0]}: {rec['throw'][1]}")
        out.update(_flatten(label, rec.get("value")))
    return out


def _render(ours: dict[str, str], theirs: dict[str, str] | None, php_label: str) -> list[str]:
    keys = list(ours)
    if theirs is not None:
        keys += [k for k in theirs if k not in ours]
    width = max([len(k) for k in keys] + [10])
    if theirs is None:
        return [f"  {k:<{width}}  {ours[k]}" for k in keys]
    col = max([len(v) for v in ours.values()] + [10])
    col = min(col, 60)
    lines = [f"  {'':<{width}}  {'phpstreams':<{col}}  {php_label}"]
    for k in keys:
        a, b = ours.get(k, "-"), theirs.get(k, "-")
        mark = " " if a == b else "!"
        lines.append(f"{mark} {k:<{width}}  {a:<{col}}  {b if a != b else '(same)'}")
    return lines


# ---------------------------------------------------------------------------
# running


def probe(
    url: str,
    *,
    context: dict[str, Any] | None = None,
    starttls: str | None = None,
    timeout: float = 10.0,
    php: str | None = None,
    profile: str | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]] | None, str]:
    """Run the probe in phpstreams -- the facade of PHP ``profile``, 8.2 by default --
    (and in ``php`` when given). Returns the records of both sides (PHP's ``None``
    without ``php``) and the Python side's stderr."""
    from phpstreams.testing.cases import case_env, run_php, run_python

    env_extra = {
        "PROBE_URL": url,
        "PROBE_CONTEXT": json.dumps(context or {}),
        "PROBE_STARTTLS": starttls or "",
        "PROBE_TIMEOUT": repr(float(timeout)),
    }
    budget = timeout * 8 + 30  # connect, at most 6 dialogue reads, the handshake
    with tempfile.TemporaryDirectory(prefix="phpstreams-probe-") as tmp:
        env = {**case_env({}, profile), **env_extra}
        # Real endpoints: the system's name lookups (hermetic=False).
        py_side = run_python(PY_PROBE, {}, Path(tmp), timeout=budget, env=env, hermetic=False)
        php_records = None
        if php is not None:
            php_side = run_php(
                PHP_PROBE, {}, Path(tmp), php, timeout=budget, env=env, hermetic=False
            )
            php_records = php_side.records
    return py_side.records, php_records, py_side.stderr


def _php_label(php: str) -> str:
    from phpstreams.testing.cases import php_version

    return f"php -n {php_version(php)[1].split()[0]}"


def _connected(records: list[dict[str, Any]]) -> bool:
    return any(r["label"] == "connected" and r.get("value") is True for r in records)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="phpstreams probe",
        description="What PHP's stream_socket_client() gives for URL (phpstreams' answer; "
        "with --php, next to the local PHP's).",
    )
    p.add_argument(
        "url", nargs="?", help="tcp://host:port, ssl://..., tls://..., tlsv1.2://..., unix://..."
    )
    p.add_argument("--starttls", choices=STARTTLS, help="plaintext dialogue, then enable crypto")
    p.add_argument(
        "--context",
        default="{}",
        metavar="JSON",
        help='stream context options, e.g. \'{"ssl": {"verify_peer": false}}\'',
    )
    p.add_argument("--timeout", type=float, default=10.0, help="connect timeout (seconds)")
    p.add_argument(
        "--php",
        nargs="?",
        const="php",
        metavar="PATH",
        help="also run the same calls in this PHP (php -n; default: php on PATH)",
    )
    p.add_argument(
        "--php-version",
        metavar="X.Y",
        help="the PHP version phpstreams emulates (7.4, 8.2, 8.4; default: the --php "
        "binary's version, else 8.2)",
    )
    p.add_argument("--json", action="store_true", help="print the raw records as JSON")
    return p


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.url is None and args.php is not None and "://" in args.php:
        args.url, args.php = args.php, "php"  # "probe --php URL": the flag took the URL
    if args.url is None:
        parser.error("the URL is required")
    try:
        context = json.loads(args.context)
    except json.JSONDecodeError as exc:
        parser.error(f"--context is not JSON: {exc}")
    if not isinstance(context, dict):
        parser.error("--context must be a JSON object of option groups")
    php = None
    if args.php is not None:
        php = shutil.which(args.php)
        if php is None:
            parser.error(f"--php: {args.php} not found")
    from ._profiles import PROFILES

    profile = args.php_version
    if profile is None and php is not None:
        from phpstreams.testing.cases import php_version

        profile = php_version(php)[0]
        if profile not in PROFILES:
            parser.error(f"--php: no phpstreams profile for PHP {profile}; pass --php-version")
    if profile is not None and profile not in PROFILES:
        parser.error(f"--php-version: no profile {profile!r} (known: {', '.join(PROFILES)})")
    ours, theirs, stderr = probe(
        args.url,
        context=context,
        starttls=args.starttls,
        timeout=args.timeout,
        php=php,
        profile=profile,
    )
    if not ours:
        print(f"phpstreams probe failed to run:\n{stderr}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps({"phpstreams": ours, "php": theirs}, indent=1))
        return 0 if _connected(ours) else 1
    print(f"probe {args.url}" + (f" (STARTTLS {args.starttls})" if args.starttls else ""))
    if context:
        print(f"context {json.dumps(context)}")
    php_label = _php_label(php) if php is not None else ""
    ours_rows = rows(ours)
    theirs_rows = rows(theirs) if theirs is not None else None
    for line in _render(ours_rows, theirs_rows, php_label):
        print(line)
    if theirs_rows is not None:
        differing = sum(ours_rows.get(k) != theirs_rows.get(k) for k in {*ours_rows, *theirs_rows})
        print("identical to PHP" if not differing else f"{differing} rows differ from PHP (!)")
    return 0 if _connected(ours) else 1

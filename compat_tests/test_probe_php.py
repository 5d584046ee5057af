"""``phpstreams probe --php``: the same calls in php -n and in phpstreams, side by side,
against loopback peers (a TLS server and an SMTP server with STARTTLS)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from phpstreams._probe import main


def probe(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = main(list(args))
    return status, capsys.readouterr().out


def ssl_context(peers: dict[str, Any]) -> str:
    return json.dumps({"ssl": {"cafile": peers["certs"]["ca"], "peer_name": "localhost"}})


def test_tls_peer_side_by_side(
    capsys: pytest.CaptureFixture[str], php_binary: str, compat_peers: dict[str, Any]
) -> None:
    url = f"tls://127.0.0.1:{compat_peers['tls']}"
    status, out = probe(capsys, url, "--context", ssl_context(compat_peers), "--php", php_binary)
    assert status == 0, out
    assert "php -n 8.2." in out.splitlines()[2]
    assert "stream_get_meta_data.crypto.protocol" in out
    assert "peer_certificate.sha256" in out
    assert out.rstrip().endswith("identical to PHP"), out


def test_starttls_smtp_side_by_side(
    capsys: pytest.CaptureFixture[str], php_binary: str, compat_peers: dict[str, Any]
) -> None:
    url = f"tcp://127.0.0.1:{compat_peers['smtp_tls']}"
    args = [url, "--starttls", "smtp", "--context", ssl_context(compat_peers)]
    status, out = probe(capsys, *args, "--php", php_binary)
    assert status == 0, out
    assert '"S: 220 Ready to start TLS"' in out
    assert out.rstrip().endswith("identical to PHP"), out


def test_failed_handshake_side_by_side(
    capsys: pytest.CaptureFixture[str], php_binary: str, compat_peers: dict[str, Any]
) -> None:
    url = f"tls://127.0.0.1:{compat_peers['tls_expired']}"
    status, out = probe(capsys, url, "--context", ssl_context(compat_peers), "--php", php_binary)
    assert status == 1, out
    assert "certificate verify failed" in out
    assert out.rstrip().endswith("identical to PHP"), out


@pytest.mark.parametrize("version", ["7.4", "8.4"])
def test_other_versions_side_by_side(
    capsys: pytest.CaptureFixture[str], compat_peers: dict[str, Any], version: str
) -> None:
    """``--php`` with a PHP 7.4 / 8.4 oracle: phpstreams runs that version's profile."""
    import os

    php = os.environ.get(f"PHPSTREAMS_PHP{version.replace('.', '')}") or (
        f"/usr/local/bin/php{version}-oracle"
    )
    url = f"tls://127.0.0.1:{compat_peers['tls']}"
    status, out = probe(capsys, url, "--context", ssl_context(compat_peers), "--php", php)
    assert status == 0, out
    assert f"php -n {version}." in out.splitlines()[2]
    assert out.rstrip().endswith("identical to PHP"), out


def test_php_version_without_php(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["tcp://127.0.0.1:1", "--php-version", "7.3"])
    assert "no profile '7.3'" in capsys.readouterr().err

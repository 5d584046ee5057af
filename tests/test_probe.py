"""``phpstreams probe`` against loopback peers from the plugin's fixtures (phpstreams
side only; the side-by-side run with ``--php`` is in compat_tests/test_probe_php.py)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from phpstreams._probe import _render, main, rows
from phpstreams.testing.certs import CertificateFactory
from phpstreams.testing.plugin import Endpoint


def probe(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = main(list(args))
    return status, capsys.readouterr().out


def context(endpoint: Endpoint) -> str:
    return json.dumps({"ssl": {"cafile": endpoint.cafile, "peer_name": "localhost"}})


def lines_of(out: str) -> dict[str, str]:
    """ "path  value" rows of the single-column output."""
    table = {}
    for line in out.splitlines()[1:]:
        key, _, value = line.strip().partition("  ")
        table[key] = value.strip()
    return table


def test_tls_peer(capsys: pytest.CaptureFixture[str], tls_server: Callable[..., Endpoint]) -> None:
    server = tls_server(versions="1.2")
    status, out = probe(capsys, server.url("tls"), "--context", context(server))
    assert status == 0, out
    table = lines_of(out)
    assert table["stream_socket_client"] == "resource(stream)"
    assert table["errno"] == "0"
    assert table["stream_get_meta_data.crypto.protocol"] == '"TLSv1.2"'
    assert table["stream_get_meta_data.stream_type"] == '"tcp_socket/ssl"'
    assert "DNS:localhost" in table["peer_certificate.subjectAltName"]
    assert table["connected"] == "true"


def test_starttls_smtp_peer(
    capsys: pytest.CaptureFixture[str], smtp_starttls_server: Endpoint
) -> None:
    server = smtp_starttls_server
    status, out = probe(
        capsys, server.url("tcp"), "--starttls", "smtp", "--context", context(server)
    )
    assert status == 0, out
    table = lines_of(out)
    assert table["starttls.0"] == '"S: 220 phpstreams ESMTP"'
    assert table["starttls.4"] == '"C: STARTTLS"'
    assert table["starttls.5"] == '"S: 220 Ready to start TLS"'
    assert table["stream_socket_enable_crypto"] == "true"
    assert table["stream_get_meta_data.crypto.protocol"] == '"TLSv1.3"'


def test_failed_verification_exits_1(
    capsys: pytest.CaptureFixture[str],
    certificate_factory: CertificateFactory,
    tls_server: Callable[..., Endpoint],
) -> None:
    server = tls_server(cert=certificate_factory.self_signed("localhost").pem)
    status, out = probe(capsys, server.url("ssl"), "--context", context(server))
    assert status == 1, out
    table = lines_of(out)
    assert table["stream_socket_client"] == "false"
    assert "certificate verify failed" in table["stream_socket_client !Warning 1"]
    assert table["connected"] == "false"


def test_refused_exits_1_with_errno(
    capsys: pytest.CaptureFixture[str], misbehaving_server: Callable[..., Endpoint]
) -> None:
    server = misbehaving_server("refused")
    status, out = probe(capsys, server.url("tcp"), "--json")
    assert status == 1
    records = json.loads(out)
    assert records["php"] is None
    errno = next(r for r in records["phpstreams"] if r["label"] == "errno")
    assert errno["value"] == 111


def test_bad_context_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["tcp://127.0.0.1:1", "--context", "{nope"])
    assert exc.value.code == 2
    assert "--context is not JSON" in capsys.readouterr().err


def test_side_by_side_marks_differences() -> None:
    ours = rows([{"label": "errno", "value": 0}, {"label": "x", "value": {"s": "a"}}])
    theirs = rows([{"label": "errno", "value": 0}, {"label": "x", "value": {"s": "b"}}])
    lines = _render(ours, theirs, "php -n 8.2.0")
    assert lines[1].startswith("  errno") and lines[1].endswith("(same)")
    assert lines[2].startswith("! x") and lines[2].split()[-2:] == ['"a"', '"b"']


@pytest.mark.parametrize(
    ("protocol", "command", "reply"),
    [
        ("imap", "C: P1 STARTTLS", "S: P1 OK Begin TLS negotiation now"),
        ("pop3", "C: STLS", "S: +OK Begin TLS negotiation"),
        ("ftp", "C: AUTH TLS", "S: 234 AUTH TLS successful"),
    ],
)
def test_starttls_other_protocols(
    capsys: pytest.CaptureFixture[str],
    starttls_server: Callable[[str], Endpoint],
    protocol: str,
    command: str,
    reply: str,
) -> None:
    server = starttls_server(protocol)
    status, out = probe(
        capsys, server.url("tcp"), "--starttls", protocol, "--context", context(server)
    )
    assert status == 0, out
    table = lines_of(out)
    assert table["starttls.1"] == json.dumps(command)
    assert table["starttls.2"] == json.dumps(reply)
    assert table["stream_socket_enable_crypto"] == "true"


def test_starttls_refused_by_a_plain_peer_exits_1(
    capsys: pytest.CaptureFixture[str], misbehaving_server: Callable[..., Endpoint]
) -> None:
    """A peer that waits for the client, answers in plaintext and closes: the greeting
    read times out (the dialogue is bounded by --timeout) and enable_crypto fails."""
    server = misbehaving_server("plaintext")
    status, out = probe(
        capsys,
        server.url("tcp"),
        "--starttls",
        "pop3",
        "--context",
        context(server),
        "--timeout",
        "0.5",
    )
    assert status == 1, out
    table = lines_of(out)
    assert table["starttls.0"] == '"S: <timed out>"'
    assert table["stream_socket_enable_crypto"] == "false"
    assert table["connected"] == "false"


def test_php_flag_before_the_url_does_not_swallow_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``probe --php URL``: the optional PATH of --php is not the URL."""
    seen: dict[str, object] = {}

    def fake_probe(url: str, **kwargs: object) -> tuple[list[dict[str, object]], None, str]:
        seen.update(url=url, php=kwargs["php"])
        return [{"label": "connected", "value": False}], None, ""

    monkeypatch.setattr("phpstreams._probe.probe", fake_probe)
    monkeypatch.setattr("phpstreams._probe.shutil.which", lambda name: f"/bin/{name}")
    monkeypatch.setattr("phpstreams._probe._php_label", lambda php: "php -n 8.2.0")
    assert main(["--php", "tcp://127.0.0.1:1"]) == 1
    assert seen == {"url": "tcp://127.0.0.1:1", "php": "/bin/php"}

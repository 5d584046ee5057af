"""The pytest plugin: ``*.case`` files as tests, and fixtures for loopback peers.

Loaded only on request -- ``pytest -p phpstreams.testing``, ``addopts = "-p
phpstreams.testing"`` or ``pytest_plugins = ["phpstreams.testing"]`` in a top-level
conftest -- never through an entry point, so it stays out of unrelated test runs.

Options (command line, or the ini key in brackets):

    --php=PATH                   [phpstreams_php]       PHP for the PHP side (default: php)
    --phpstreams-profile=X.Y     [phpstreams_profile]   phpstreams profile for the Python
                                                        side (default: the PHP's X.Y)
    --phpstreams-registry=FILE   [phpstreams_registry]  the divergence registry
    --phpstreams-lookups=MODE    [phpstreams_lookups]   hermetic (default: /etc/hosts
                                                        only) or system name lookups
                                 [phpstreams_case_root] case ids are paths below it
                                                        (default: the rootdir)

A case runs in ``php -n`` and in a fresh Python against the same session-wide peer set
(:func:`phpstreams.testing.peers.start_peers` plus the TLS peers; add your own with the
``pytest_phpstreams_peers(peers)`` hook). A mismatch fails with every differing field
and both records; a registry entry makes the case a strict xfail.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from . import _hookspecs
from .cases import (
    Case,
    Registry,
    Side,
    compare,
    load_case,
    load_registry,
    normalise,
    php_version,
    run_case,
    run_php,
    run_python,
    show_records,
)
from .peers import Handler, Peers

if TYPE_CHECKING:  # certs needs cryptography: imported where a certificate is made
    from .certs import Authority, CertificateFactory, Credential

__all__ = [
    "CaseFile",
    "CaseItem",
    "Endpoint",
    "PHPRunner",
    "pytest_addhooks",
    "pytest_addoption",
    "pytest_collect_file",
    "pytest_configure",
    "pytest_report_header",
    "pytest_unconfigure",
    "certificate_factory",
    "compat_peers",
    "echo_server",
    "loopback_peers",
    "misbehaving_server",
    "php_binary",
    "php_runner",
    "smtp_starttls_server",
    "starttls_server",
    "loopback_ca",
    "loopback_certs",
    "tls_server",
]


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    pluginmanager.add_hookspecs(_hookspecs)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("phpstreams", "phpstreams behaviour-diff cases")
    group.addoption(
        "--php",
        dest="phpstreams_php",
        metavar="PATH",
        help="PHP binary for the PHP side of *.case files and php_runner (default: php)",
    )
    group.addoption(
        "--phpstreams-profile",
        dest="phpstreams_profile",
        metavar="X.Y",
        help="phpstreams profile for the Python side (default: the PHP binary's version)",
    )
    group.addoption(
        "--phpstreams-registry",
        dest="phpstreams_registry",
        metavar="FILE",
        help="divergence registry (a .py file defining XFAIL and NORMALISE)",
    )
    group.addoption(
        "--phpstreams-lookups",
        dest="phpstreams_lookups",
        choices=("hermetic", "system"),
        help="name lookups of both sides: hermetic (/etc/hosts only, the default) or system",
    )
    group.addoption(
        "--phpstreams-resource-ids",
        dest="phpstreams_resource_ids",
        action="store_true",
        default=None,
        help="compare resource numbers ((int)$fp) in records too; off by default because "
        "PHP numbers resources your port does not create (every require'd file is one)",
    )
    parser.addini("phpstreams_php", "PHP binary for the PHP side of *.case files", default="")
    parser.addini("phpstreams_profile", "phpstreams profile for the Python side", default="")
    parser.addini("phpstreams_registry", "divergence registry file (XFAIL, NORMALISE)", default="")
    parser.addini("phpstreams_case_root", "case ids are paths below this directory", default="")
    parser.addini("phpstreams_lookups", "hermetic (default) or system name lookups", default="")
    parser.addini(
        "phpstreams_resource_ids", "compare resource numbers in records", type="bool", default=False
    )


# ---------------------------------------------------------------------------
# session state


@dataclass
class _State:
    config: pytest.Config
    registry: Registry
    case_root: Path
    php: str | None
    php_name: str = "php"
    _peers: Peers | None = None
    _stack: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)
    _version: tuple[str, str] | None = None

    def require_php(self) -> str:
        if self.php is None:
            pytest.fail(
                f"{self.php_name} was not found: the PHP side of a behaviour-diff case needs "
                "PHP (--php=PATH or the phpstreams_php ini setting). Cases fail, never skip.",
                pytrace=False,
            )
        return self.php

    def version(self) -> tuple[str, str]:
        if self._version is None:
            self._version = php_version(self.require_php())
        return self._version

    def registry_here(self) -> Registry:
        """The registry entries for the profile in use (the common ones when there is
        no usable PHP: every case fails then anyway)."""
        try:
            return self.registry.for_profile(self.profile())
        except (pytest.fail.Exception, OSError, subprocess.SubprocessError, ValueError):
            return self.registry

    def profile(self) -> str:
        """The phpstreams profile matching the PHP side; fails the test when there is none."""
        from phpstreams._profiles import PROFILES

        option = self.config.getoption("phpstreams_profile")
        profile = str(option or self.config.getini("phpstreams_profile") or self.version()[0])
        if profile not in PROFILES:
            pytest.fail(
                f"phpstreams has no profile {profile!r} for {self.php} "
                f"(PHP {self.version()[1]}); known: {', '.join(PROFILES)}. "
                "Pass --phpstreams-profile=X.Y to compare against another profile.",
                pytrace=False,
            )
        return profile

    def hermetic(self) -> bool:
        """Hermetic lookups unless asked otherwise; fails the test when they cannot be had."""
        from .hermetic import HermeticError, verify

        mode = self.config.getoption("phpstreams_lookups") or self.config.getini(
            "phpstreams_lookups"
        )
        if mode == "system":
            return False
        if mode not in ("", "hermetic"):
            raise pytest.UsageError(f"phpstreams_lookups: {mode!r} (hermetic or system)")
        try:
            verify()  # once per process: lookups inside really are files-only
        except HermeticError as exc:
            pytest.fail(
                f"hermetic name lookups are not available here ({exc}); "
                "pass --phpstreams-lookups=system to use the system's resolver",
                pytrace=False,
            )
        return True

    def peers(self) -> Peers:
        """The session's standard peer set, started on first use."""
        if self._peers is None:
            from .peers import start_peers
            from .tls_peers import start_tls_peers

            peers = self._stack.enter_context(start_peers())
            start_tls_peers(peers)
            self.config.hook.pytest_phpstreams_peers(peers=peers)
            self._peers = peers
        return self._peers

    def close(self) -> None:
        self._stack.close()


_STATE = pytest.StashKey[_State]()


def _ini_path(config: pytest.Config, value: str) -> Path:
    base = config.inipath.parent if config.inipath else config.rootpath
    return (base / value).resolve()


def pytest_configure(config: pytest.Config) -> None:
    registry_opt = config.getoption("phpstreams_registry")
    registry_ini = config.getini("phpstreams_registry")
    registry_path = (
        Path(registry_opt).resolve()
        if registry_opt
        else (_ini_path(config, registry_ini) if registry_ini else None)
    )
    root_ini = config.getini("phpstreams_case_root")
    case_root = _ini_path(config, root_ini) if root_ini else config.rootpath
    php_name = config.getoption("phpstreams_php") or config.getini("phpstreams_php") or "php"
    php = shutil.which(php_name)
    if registry_path is not None and not registry_path.is_file():
        raise pytest.UsageError(f"phpstreams registry {registry_path} does not exist")
    registry = load_registry(registry_path)
    config.stash[_STATE] = _State(config, registry, case_root, php, php_name)


def pytest_unconfigure(config: pytest.Config) -> None:
    state = config.stash.get(_STATE, None)
    if state is not None:
        state.close()


def pytest_report_header(config: pytest.Config) -> list[str]:
    state = config.stash[_STATE]
    if state.php is None:
        return [f"phpstreams.testing: {state.php_name} NOT FOUND (behaviour-diff cases will fail)"]
    short, full = state.version()
    profile = config.getoption("phpstreams_profile") or config.getini("phpstreams_profile")
    registry = state.registry.path or "none"
    return [
        f"phpstreams.testing: php {state.php} -> {full}; profile {profile or short}; "
        f"registry {registry}"
    ]


# ---------------------------------------------------------------------------
# *.case files


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> CaseFile | None:
    if file_path.suffix == ".case":
        return CaseFile.from_parent(parent, path=file_path)
    return None


class CaseFile(pytest.File):
    def collect(self) -> Iterator[CaseItem]:
        state = self.config.stash[_STATE]
        case = load_case(self.path, state.case_root)
        item = CaseItem.from_parent(self, name=case.id, case=case)
        reason = state.registry_here().xfail.get(case.id)
        if reason is not None:
            # Only differing records are the expected failure: a missing PHP, a profile
            # error or a crash of the harness still fails the case.
            item.add_marker(pytest.mark.xfail(reason=reason, strict=True, raises=CaseMismatch))
        yield item


class CaseMismatch(Exception):
    """The records differ: the report text."""


class CaseItem(pytest.Item):
    def __init__(self, *, case: Case, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        state = self.config.stash[_STATE]
        php = state.require_php()
        profile = state.profile()
        peers_env = state.peers().env()
        rules = state.registry_here().normalise.get(self.case.id, [])
        hermetic = state.hermetic()
        ids = self.config.getoption("phpstreams_resource_ids")
        if ids is None:
            ids = self.config.getini("phpstreams_resource_ids")
        with tempfile.TemporaryDirectory(prefix="phpstreams-case-") as tmp:
            result = run_case(
                self.case,
                peers_env,
                Path(tmp),
                php,
                profile=profile,
                hermetic=hermetic,
                resource_ids=bool(ids),
            )
        normalise(rules, result.php.records)
        normalise(rules, result.py.records)
        mismatches = compare(result.php.records, result.py.records)
        if not result.php.records:
            mismatches.insert(0, "the PHP side produced no records")
        if mismatches:
            raise CaseMismatch(self._report(mismatches, result.php, result.py))

    def _report(self, mismatches: list[str], php: Side, py: Side) -> str:
        lines = [f"{self.case.id}: {self.case.title}", *mismatches]
        lines += ["", "php records:", show_records(php.records)]
        lines += ["python records:", show_records(py.records)]
        if py.stderr.strip():
            lines += ["--- python stderr ---", py.stderr[-3000:]]
        if php.stderr.strip():
            lines += ["--- php stderr ---", php.stderr[-2000:]]
        return "\n".join(lines)

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
    ) -> str | Any:
        if isinstance(excinfo.value, CaseMismatch):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"case {self.case.id}"


# ---------------------------------------------------------------------------
# fixtures


@pytest.fixture(scope="session")
def php_binary(pytestconfig: pytest.Config) -> str:
    """The PHP binary (``--php``); the test fails, never skips, when there is none."""
    return pytestconfig.stash[_STATE].require_php()


@pytest.fixture(scope="session")
def compat_peers(pytestconfig: pytest.Config) -> dict[str, Any]:
    """The standard peer set the cases get as ``PEER`` (ports, paths, ``certs``)."""
    return pytestconfig.stash[_STATE].peers().env()


class PHPRunner:
    """Runs inline PHP snippets (and Python ports) with the case preludes."""

    def __init__(
        self,
        php: str,
        peers_env: Mapping[str, Any],
        workdir: Path,
        profile: str,
        hermetic: bool = True,
    ) -> None:
        self.php = php
        self.peers_env = peers_env
        self.workdir = workdir
        self.profile = profile
        self.hermetic = hermetic

    def run(self, code: str) -> Side:
        """``code`` (no ``<?php``) in ``php -n``: ``rec()``, ``step()``, ``$PEER`` work."""
        return run_php(code, self.peers_env, self.workdir, self.php, hermetic=self.hermetic)

    def records(self, code: str) -> list[dict[str, Any]]:
        """The records of ``code`` without the ``__php``/``__end`` bookends."""
        side = self.run(code)
        return [r for r in side.records if r["label"] not in ("__php", "__end")]

    def compare(self, php_code: str, py_code: str) -> list[str]:
        """Both snippets against the same peers; the differences (empty: identical)."""
        php_side = self.run(php_code)
        py_side = run_python(
            py_code, self.peers_env, self.workdir, profile=self.profile, hermetic=self.hermetic
        )
        return compare(php_side.records, py_side.records)


@pytest.fixture
def php_runner(pytestconfig: pytest.Config, tmp_path: Path) -> PHPRunner:
    """Run inline PHP snippets (``runner.records("rec('x', 1);")``) against the peers."""
    state = pytestconfig.stash[_STATE]
    php, profile, hermetic = state.require_php(), state.profile(), state.hermetic()
    return PHPRunner(php, state.peers().env(), tmp_path, profile, hermetic)


@pytest.fixture
def loopback_peers() -> Iterator[Peers]:
    """An empty :class:`Peers` for this test: ``port = loopback_peers.tcp("name", handler)``."""
    with Peers() as peers:
        yield peers


@pytest.fixture(scope="session")
def certificate_factory(tmp_path_factory: pytest.TempPathFactory) -> CertificateFactory:
    """A :class:`phpstreams.testing.certs.CertificateFactory` writing to a session
    temp directory (needs ``cryptography``: ``pip install phpstreams[testing]``)."""
    from .certs import CertificateFactory

    return CertificateFactory(tmp_path_factory.mktemp("certs"))


@pytest.fixture(scope="session")
def loopback_ca(certificate_factory: CertificateFactory) -> Authority:
    """A root CA: ``loopback_ca.cafile``, ``loopback_ca.issue("localhost", ...)``."""
    return certificate_factory.ca("loopback_ca")


@dataclass(frozen=True)
class LoopbackCerts:
    """The default server and client credentials from :func:`loopback_ca`."""

    cafile: str
    server: Credential  # localhost, 127.0.0.1, ::1
    client: Credential  # client@phpstreams.test


@pytest.fixture(scope="session")
def loopback_certs(loopback_ca: Authority) -> LoopbackCerts:
    server = loopback_ca.issue("localhost", "127.0.0.1", "::1", name="server")
    client = loopback_ca.issue("client@phpstreams.test", name="client")
    return LoopbackCerts(loopback_ca.cafile, server, client)


@dataclass(frozen=True)
class Endpoint:
    """A listening loopback peer: ``url("tls")`` -> ``"tls://127.0.0.1:PORT"``."""

    host: str
    port: int
    cafile: str | None = None

    @property
    def address(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    @property
    def uri(self) -> str:
        """``tcp://host:port``."""
        return self.url("tcp")

    def url(self, scheme: str = "tcp") -> str:
        return f"{scheme}://{self.address}"


@pytest.fixture
def echo_server(loopback_peers: Peers) -> Endpoint:
    """A TCP echo server on 127.0.0.1 (closes its side at the client's EOF)."""
    from .peers import echo

    return Endpoint("127.0.0.1", loopback_peers.tcp(f"echo{len(loopback_peers.info)}", echo))


@pytest.fixture
def tls_server(loopback_peers: Peers, loopback_certs: LoopbackCerts) -> Callable[..., Endpoint]:
    """Start TLS servers: ``tls_server(versions="1.2", alpn=["h2"], sni={"a.test": pem},
    client_ca=cafile, cert=pem, handler=tls_handler, host="127.0.0.1")``. The default
    certificate is ``loopback_certs.server``; the default handler the control protocol."""
    from .tls_peers import server_context, tls_control

    def start(
        *,
        cert: str | None = None,
        versions: Any = None,
        alpn: list[str] | None = None,
        sni: dict[str, str] | None = None,
        client_ca: str | None = None,
        handler: Callable[[Any], Handler] | None = None,
        host: str = "127.0.0.1",
    ) -> Endpoint:
        ctx = server_context(
            cert or loopback_certs.server.pem,
            versions=versions,
            alpn=alpn,
            sni=sni,
            client_ca=client_ca,
        )
        port = loopback_peers.tcp(
            f"tls{len(loopback_peers.info)}", (handler or tls_control)(ctx), host
        )
        return Endpoint(host, port, loopback_certs.cafile)

    return start


@pytest.fixture
def smtp_starttls_server(loopback_peers: Peers, loopback_certs: LoopbackCerts) -> Endpoint:
    """An SMTP server offering STARTTLS (certificate ``loopback_certs.server``)."""
    from .tls_peers import server_context, smtp_starttls

    port = loopback_peers.tcp("smtp_tls", smtp_starttls(server_context(loopback_certs.server.pem)))
    return Endpoint("127.0.0.1", port, loopback_certs.cafile)


@pytest.fixture
def starttls_server(
    loopback_peers: Peers, loopback_certs: LoopbackCerts
) -> Callable[[str], Endpoint]:
    """Start a STARTTLS server: ``starttls_server("imap")`` (or ``smtp``, ``pop3``,
    ``ftp``); certificate ``loopback_certs.server``."""
    from .tls_peers import server_context, starttls

    def start(protocol: str) -> Endpoint:
        ctx = server_context(loopback_certs.server.pem)
        port = loopback_peers.tcp(
            f"{protocol}_tls{len(loopback_peers.info)}", starttls(protocol, ctx)
        )
        return Endpoint("127.0.0.1", port, loopback_certs.cafile)

    return start


#: The kinds :func:`misbehaving_server` starts.
MISBEHAVIOURS = (
    "refused",
    "blackhole",
    "reset_on_accept",
    "reset_after_client_hello",
    "reset_after_server_hello",
    "reset_after_handshake",
    "silent",
    "plaintext",
    "half_record",
    "slow_body",
    "tls_slow_body",
)


@pytest.fixture
def misbehaving_server(
    loopback_peers: Peers, loopback_certs: LoopbackCerts
) -> Callable[..., Endpoint]:
    """Start a peer that misbehaves: ``misbehaving_server("reset_after_server_hello")``.

    Kinds: ``refused`` (bound, not listening), ``blackhole`` (accept queue full:
    connects time out), ``reset_on_accept``,
    ``reset_after_client_hello``, ``reset_after_server_hello``, ``reset_after_handshake``,
    ``silent`` (accepts, never answers), ``plaintext`` (answers a ClientHello in
    plaintext), ``half_record`` (half a TLS record, then nothing), ``slow_body`` and
    ``tls_slow_body`` (``body`` one byte per ``interval`` seconds, plain or over TLS)."""
    from . import peers as plain
    from . import tls_peers as tls

    def start(kind: str, *, body: bytes = b"x" * 32, interval: float = 0.01) -> Endpoint:
        ctx = tls.server_context(loopback_certs.server.pem)
        name = f"{kind}{len(loopback_peers.info)}"
        handlers: dict[str, Callable[[], Handler]] = {
            "reset_on_accept": lambda: plain.reset_now,
            "reset_after_client_hello": lambda: tls.reset_after_client_hello,
            "reset_after_server_hello": lambda: tls.reset_after_server_hello(ctx),
            "reset_after_handshake": lambda: tls.reset_after_handshake(ctx),
            "silent": lambda: plain.silent,
            "plaintext": lambda: tls.plaintext_reply,
            "half_record": lambda: tls.half_record,
            "slow_body": lambda: plain.slow_body(body, interval=interval),
            "tls_slow_body": lambda: tls.tls_handler(ctx, plain.slow_body(body, interval=interval)),
        }
        if kind == "refused":
            loopback_peers.closed_port(name)
            port = int(loopback_peers.info[name])
        elif kind == "blackhole":
            loopback_peers.blackhole(name)
            port = int(loopback_peers.info[name])
        elif kind in handlers:
            port = loopback_peers.tcp(name, handlers[kind]())
        else:
            raise ValueError(f"unknown misbehaviour {kind!r}; known: {', '.join(MISBEHAVIOURS)}")
        return Endpoint("127.0.0.1", port, loopback_certs.cafile)

    return start

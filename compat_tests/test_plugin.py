"""``pytest -p phpstreams.testing`` in a user's own project, against real PHP: two
``.case`` files and a divergence registry give one pass and one strict xfail; a case
that starts matching PHP while registered fails the run (strict)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import phpstreams

PASSING = """--TEST--
A refused connect: false, errno 111, one warning
--PHP--
$fp = stream_socket_client("tcp://127.0.0.1:{$PEER['closed']}", $errno, $errstr, 2);
rec('connect', $fp);
rec('errno', $errno);
rec('errstr', $errstr);
--PY--
errno, errstr = Ref(), Ref()
fp = stream_socket_client(f"tcp://127.0.0.1:{PEER['closed']}", errno, errstr, 2)
rec('connect', fp)
rec('errno', errno.value)
rec('errstr', errstr.value)
"""

DIVERGING = """--TEST--
The port words its greeting differently (an accepted divergence)
--PHP--
$fp = stream_socket_client("tcp://127.0.0.1:{$PEER['echo']}", $errno, $errstr, 2);
fwrite($fp, "hello from php\\n");
rec('echo', fgets($fp));
--PY--
fp = stream_socket_client(f"tcp://127.0.0.1:{PEER['echo']}", None, None, 2)
fwrite(fp, "hello from python\\n")
rec('echo', fgets(fp))
"""

REGISTRY = """XFAIL = {
    "net/greeting": "the port says hello its own way",
}
"""


def make_project(root: Path, registry: str = REGISTRY) -> None:
    (root / "cases" / "net").mkdir(parents=True)
    (root / "cases" / "net" / "refused.case").write_text(PASSING)
    (root / "cases" / "net" / "greeting.case").write_text(DIVERGING)
    (root / "divergences.py").write_text(registry)
    (root / "pytest.ini").write_text(
        "[pytest]\nphpstreams_case_root = cases\nphpstreams_registry = divergences.py\n"
    )


def run_pytest(root: Path, php_binary: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(Path(phpstreams.__file__).resolve().parent.parent)
    env.pop("PYTEST_ADDOPTS", None)
    env.pop("PYTEST_XDIST_WORKER", None)
    cmd = [sys.executable, "-m", "pytest", "-p", "phpstreams.testing", "-p", "no:cacheprovider"]
    cmd += ["-rxXf", f"--php={php_binary}", *args]
    return subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=300)


def test_user_project_one_pass_one_strict_xfail(tmp_path: Path, php_binary: str) -> None:
    make_project(tmp_path)
    proc = run_pytest(tmp_path, php_binary, "-v")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "cases/net/refused.case::net/refused PASSED" in out
    assert "cases/net/greeting.case::net/greeting XFAIL" in out
    assert "the port says hello its own way" in out
    assert "1 passed, 1 xfailed" in out
    assert f"phpstreams.testing: php {php_binary} -> 8.2." in out


def test_unregistered_divergence_shows_both_records(tmp_path: Path, php_binary: str) -> None:
    make_project(tmp_path, registry="XFAIL = {}\n")
    proc = run_pytest(tmp_path, php_binary)
    out = proc.stdout
    assert proc.returncode == 1, out
    assert "1 failed, 1 passed" in out
    assert "step 'echo': value differs" in out
    assert '    php:    {"s": "hello from php\\n"}' in out
    assert '    python: {"s": "hello from python\\n"}' in out
    assert "php records:" in out and "python records:" in out


def test_registered_case_that_matches_fails_strictly(tmp_path: Path, php_binary: str) -> None:
    make_project(tmp_path, registry='XFAIL = {"net/refused": "believed to differ"}\n')
    proc = run_pytest(tmp_path, php_binary, "-k", "refused")
    assert proc.returncode == 1, proc.stdout
    assert "[XPASS(strict)] believed to differ" in proc.stdout


def test_php_runner_fixture(tmp_path: Path, php_binary: str) -> None:
    (tmp_path / "test_snippets.py").write_text(
        "def test_snippet(php_runner):\n"
        "    records = php_runner.records(\"rec('sum', 1 + 2); rec('v', PHP_MAJOR_VERSION);\")\n"
        "    assert [(r['label'], r['value']) for r in records] == [('sum', 3), ('v', 8)]\n"
        "    assert php_runner.compare(\"rec('x', strtoupper('a'));\", \"rec('x', 'A')\") == []\n"
        "    assert php_runner.compare(\"rec('x', 1);\", \"rec('x', 2)\") != []\n"
        "\n"
        "def test_lookups_are_hermetic(php_runner):\n"
        "    php = \"rec('nss', file_get_contents('/etc/nsswitch.conf'));\"\n"
        "    py = \"import pathlib; rec('nss', pathlib.Path('/etc/nsswitch.conf').read_text())\"\n"
        "    records = php_runner.records(php)\n"
        "    assert 'hosts: files\\n' in records[0]['value']['s']\n"
        "    assert php_runner.compare(php, py) == []\n"
        "\n"
        "def test_unknown_names_fail_locally(php_runner):\n"
        "    php = ('$fp = fsockopen(\"phpstreams-hermetic.invalid\", 80, $e, $s, 1);'\n"
        "           \"rec('fp', $fp); rec('s', $s);\")\n"
        "    py = ('e, s = Ref(), Ref()\\n'\n"
        "          'fp = fsockopen(\"phpstreams-hermetic.invalid\", 80, e, s, 1)\\n'\n"
        "          \"rec('fp', fp); rec('s', s.value)\")\n"
        "    records = php_runner.records(php)\n"
        "    assert records[1]['value']['s'].endswith('failed: Name or service not known')\n"
        "    assert php_runner.compare(php, py) == []\n"
    )
    proc = run_pytest(tmp_path, php_binary)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "3 passed" in proc.stdout


def test_conftest_adds_peers_through_the_hook(tmp_path: Path, php_binary: str) -> None:
    """``pytest_phpstreams_peers`` adds a peer every case sees in ``PEER``."""
    (tmp_path / "conftest.py").write_text(
        "def _banner(conn):\n"
        "    conn.sendall(b'hello from my peer\\n')\n"
        "\n"
        "def pytest_phpstreams_peers(peers):\n"
        "    peers.tcp('banner', _banner)\n"
    )
    (tmp_path / "banner.case").write_text(
        "--TEST--\nA peer of the user's own\n--PHP--\n"
        "$fp = fsockopen('127.0.0.1', $PEER['banner']);\nrec('line', fgets($fp));\n"
        "--PY--\nfp = fsockopen('127.0.0.1', PEER['banner'])\nrec('line', fgets(fp))\n"
    )
    proc = run_pytest(tmp_path, php_binary, "-v")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "banner.case::banner PASSED" in proc.stdout


def test_a_php_without_a_profile_fails_clearly(tmp_path: Path, php_binary: str) -> None:
    make_project(tmp_path)
    proc = run_pytest(tmp_path, php_binary, "--phpstreams-profile=7.3", "-k", "refused")
    assert proc.returncode == 1, proc.stdout
    assert "phpstreams has no profile '7.3'" in proc.stdout
    assert "known: 7.4, 8.2, 8.4" in proc.stdout


def _oracles() -> list[tuple[str, str]]:
    """(version, PHP) pairs for the demo: 8.2 always, 7.4/8.4 where CI installed them."""
    pairs = [("8.2", "php")]
    for version, var in (("7.4", "PHPSTREAMS_PHP74"), ("8.4", "PHPSTREAMS_PHP84")):
        pairs.append((version, os.environ.get(var) or f"/usr/local/bin/php{version}-oracle"))
    return pairs


@pytest.mark.parametrize(("version", "php"), _oracles(), ids=[v for v, _ in _oracles()])
def test_demo_matches_php(version: str, php: str, php_binary: str) -> None:
    """``phpstreams demo --php-version X.Y`` runs its scenarios on the shared peers,
    identical to that PHP line for line (OpenSSL lines included). Hermetic lookups: a
    scenario resolves a name that must fail."""
    from phpstreams.testing.hermetic import hermetic_argv, verify

    if version == "8.2":
        php = php_binary
    assert shutil.which(php), f"PHP {version} oracle {php} is missing (see .ci/oracles)"
    verify()
    env = dict(os.environ)
    env["PYTHONPATH"] = str(Path(phpstreams.__file__).resolve().parent.parent)
    argv = [sys.executable, "-m", "phpstreams", "demo", "--php-version", version, "--php", php]
    proc = subprocess.run(
        hermetic_argv(argv),
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "all scenarios identical to PHP" in proc.stdout


def test_missing_php_fails_even_a_registered_case(tmp_path: Path) -> None:
    """A registry entry excuses differing records only: without PHP both cases fail."""
    make_project(tmp_path)
    proc = run_pytest(tmp_path, str(tmp_path / "no-such-php"))
    assert proc.returncode == 1, proc.stdout
    assert "2 failed" in proc.stdout
    assert "no-such-php was not found" in proc.stdout

"""Hermetic name lookups: run a command whose host-name lookups never leave the machine.

The command runs in a private mount namespace in which ``/etc/nsswitch.conf`` is
bind-mounted over by a copy whose ``hosts`` line says ``files``. glibc then answers
every lookup from ``/etc/hosts`` and fails any other name locally with EAI_NONAME
("Name or service not known"), the text a failed DNS query gives -- so PHP and Python
see the same failures they would see for a name nobody can resolve, and no query is
sent. As root this is ``unshare -m``; otherwise ``unshare -rm`` (an unprivileged user
namespace, where the system allows them).

It never degrades silently: :func:`hermetic_argv` raises :class:`HermeticError` when
the namespace cannot be made, and :func:`verify` proves it works (lookups of a
made-up name fail locally, ``localhost`` still resolves) before anything runs in it.

Standard library only; the case runners of :mod:`phpstreams.testing.cases` wrap both
sides with :func:`hermetic_argv`, and the plugin calls :func:`verify` before the first.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

__all__ = ["HermeticError", "NSSWITCH", "hermetic_argv", "verify"]

NSSWITCH = Path("/etc/nsswitch.conf")

# Mount our copy over the system file, then become the command. "$0" is the copy.
_SCRIPT = 'mount --bind "$0" /etc/nsswitch.conf && exec "$@"'

_PROBE = """
import socket, sys
print(open("/etc/nsswitch.conf").read().count("hosts: files\\n"))
try:
    socket.getaddrinfo("phpstreams-hermetic-probe.invalid", 80)
except socket.gaierror as exc:
    print(exc.errno == socket.EAI_NONAME, exc.strerror)
else:
    print(False, "resolved")
print(bool(socket.getaddrinfo("localhost", 80)))
"""


class HermeticError(RuntimeError):
    """The private namespace for hermetic lookups cannot be made (or does not work)."""


def _files_only(text: str) -> str:
    """The nsswitch.conf text with its ``hosts`` database reduced to ``files``."""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("hosts:")]
    return "\n".join([*lines, "hosts: files", ""])


@functools.cache
def _config_file() -> str:
    """Our nsswitch.conf, written once per process (kept until the process exits)."""
    try:
        original = NSSWITCH.read_text(encoding="utf-8", errors="surrogateescape")
    except OSError as exc:
        raise HermeticError(f"cannot read {NSSWITCH}: {exc}") from exc
    directory = tempfile.mkdtemp(prefix="phpstreams-hermetic-")
    path = os.path.join(directory, "nsswitch.conf")
    with open(path, "w", encoding="utf-8", errors="surrogateescape") as f:
        f.write(_files_only(original))
    os.chmod(directory, 0o755)
    os.chmod(path, 0o644)
    return path


def _unshare() -> list[str]:
    unshare = shutil.which("unshare")
    if unshare is None:
        raise HermeticError("unshare (util-linux) is not installed: hermetic lookups need it")
    # -m: own mount namespace (private propagation by default); -r: map the caller to
    # root in a new user namespace, which is what lets a non-root user mount there.
    return [unshare, "-m"] if os.geteuid() == 0 else [unshare, "-r", "-m"]


def hermetic_argv(argv: Sequence[str]) -> list[str]:
    """``argv`` wrapped so that it runs with files-only host lookups."""
    if not NSSWITCH.exists():
        raise HermeticError(f"{NSSWITCH} does not exist: nothing to bind-mount over")
    return [*_unshare(), "sh", "-c", _SCRIPT, _config_file(), *argv]


@functools.cache
def verify() -> None:
    """Prove the namespace works here (once per process); :class:`HermeticError` if not."""
    argv = hermetic_argv([sys.executable, "-c", _PROBE])
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise HermeticError(f"cannot run {argv[0]}: {exc}") from exc
    lines = proc.stdout.splitlines()
    if proc.returncode != 0 or lines[:1] != ["1"]:
        raise HermeticError(
            "cannot make a private mount namespace with a files-only nsswitch.conf "
            f"({' '.join(argv[:2])} exited {proc.returncode}): {proc.stderr.strip()}"
        )
    if len(lines) < 3 or not lines[1].startswith("True ") or lines[2] != "True":
        raise HermeticError(f"host lookups inside the namespace are not files-only: {lines}")

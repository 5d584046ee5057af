"""Hermetic name lookups for the case runners.

Both sides of a case run in a private mount namespace in which ``/etc/nsswitch.conf``
says ``hosts: files``: ``localhost`` and the names in ``/etc/hosts`` resolve, every
other name fails the way it does on a machine without DNS, and no query leaves the
machine -- for PHP and for Python alike, so their messages stay comparable.

The namespace comes from ``unshare --mount`` (root) or ``unshare --user
--map-root-user --mount`` (unprivileged, where user namespaces are enabled); the bind
mount of the private nsswitch.conf is visible to that process tree only.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import re
import shutil
import subprocess
import tempfile

__all__ = ["HermeticUnavailable", "wrap", "nsswitch_conf"]

_SYSTEM_NSSWITCH = "/etc/nsswitch.conf"
# $0 is the private nsswitch.conf, "$@" the command.
_SCRIPT = 'mount --bind "$0" /etc/nsswitch.conf && exec "$@"'


class HermeticUnavailable(RuntimeError):
    """No private mount namespace can be made here."""


def nsswitch_conf(system: str = _SYSTEM_NSSWITCH) -> str:
    """The system's nsswitch.conf with its ``hosts:`` line replaced by ``hosts: files``."""
    try:
        with open(system, encoding="utf-8") as f:
            text = f.read()
    except OSError:
        text = ""
    text, count = re.subn(r"(?m)^hosts:.*$", "hosts: files", text)
    return text if count else text + "hosts: files\n"


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


@functools.cache
def _prefix() -> tuple[str, ...]:
    """The ``unshare ... sh -c`` prefix that works on this machine (probed once)."""
    unshare, sh = shutil.which("unshare"), shutil.which("sh")
    if unshare is None or sh is None or not os.path.exists(_SYSTEM_NSSWITCH):
        raise HermeticUnavailable(f"needs unshare(1), sh and {_SYSTEM_NSSWITCH}")
    fd, conf = tempfile.mkstemp(prefix="phpstreams-nsswitch-", suffix=".conf")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(nsswitch_conf())
    os.chmod(conf, 0o644)
    atexit.register(_remove, conf)
    errors = []
    for flags in (("--mount",), ("--user", "--map-root-user", "--mount")):
        prefix = (unshare, *flags, "--", sh, "-c", _SCRIPT, conf)
        probe = subprocess.run(
            [*prefix, "grep", "-qx", "hosts: files", _SYSTEM_NSSWITCH],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        if probe.returncode == 0:
            return prefix
        errors.append(f"unshare {' '.join(flags)}: {probe.stderr.strip() or probe.returncode}")
    os.unlink(conf)
    raise HermeticUnavailable("; ".join(errors))


def wrap(cmd: list[str]) -> list[str]:
    """``cmd`` run with hermetic name lookups (``HermeticUnavailable`` if impossible)."""
    return [*_prefix(), *cmd]

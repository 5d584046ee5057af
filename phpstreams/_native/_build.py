"""Build-time only: the cffi ffibuilder that compiles ``phpstreams._native._openssl``.

setup.py names this file (``cffi_modules=["phpstreams/_native/_build.py:ffibuilder"]``); cffi
executes it by path from setup.py's working directory, so it imports nothing from phpstreams
and loads its cdef modules (``_cdefs/``) and the version (``_version.py``) by file path.
Never imported at run time.  Layering rule: only the TLS engine and ``phpstreams._native``
touch the compiled ``lib``.

``python phpstreams/_native/_build.py`` compiles the module in place (for development).
Set ``PHPSTREAMS_OPENSSL_DIR`` to build against an OpenSSL installed under that prefix.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import subprocess
import sysconfig
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple, NoReturn, Protocol

from cffi import FFI

MODULE_NAME = "phpstreams._native._openssl"
OPENSSL_DIR_ENV = "PHPSTREAMS_OPENSSL_DIR"

_HERE = Path(__file__).resolve().parent
_CDEFS_DIR = _HERE / "_cdefs"
_VERSION_FILE = _HERE.parent / "_version.py"

_INSTALL_HINT = """\
Install a C compiler and the development files of OpenSSL 1.1.1 or newer, e.g.
    Debian/Ubuntu:  apt-get install gcc libssl-dev python3-dev
    Fedora/RHEL:    dnf install gcc openssl-devel python3-devel
    Alpine:         apk add build-base openssl-dev python3-dev
    macOS:          brew install openssl@3
                    export PHPSTREAMS_OPENSSL_DIR="$(brew --prefix openssl@3)"
or set PHPSTREAMS_OPENSSL_DIR to an OpenSSL installation prefix (with include/ and lib/)."""


class CdefModule(Protocol):
    """What a ``_cdefs`` module provides."""

    @property
    def INCLUDES(self) -> str: ...
    @property
    def TYPES(self) -> str: ...
    @property
    def FUNCTIONS(self) -> str: ...
    @property
    def CUSTOMIZATIONS(self) -> str: ...


# NamedTuple, not dataclass: cffi executes this file under a module name that is not in
# sys.modules, which dataclasses cannot cope with.
class SourceModule(NamedTuple):
    """A cdef module built in code (used for the version stamp, and by tests)."""

    INCLUDES: str = ""
    TYPES: str = ""
    FUNCTIONS: str = ""
    CUSTOMIZATIONS: str = ""


class JoinedSource(NamedTuple):
    """The two texts cffi needs: the cdef and the C source given to set_source()."""

    cdef: str
    source: str


class BuildPrerequisiteError(SystemExit):
    """The compiler, the OpenSSL headers/libraries or Python.h are missing.

    A SystemExit subclass so setup.py / pip print just the message, without a traceback.
    """


def join_modules(modules: Iterable[CdefModule]) -> JoinedSource:
    """Join cdef modules: cdef = all TYPES then all FUNCTIONS; C source = all INCLUDES then all
    CUSTOMIZATIONS, each group in module order."""
    mods = list(modules)
    cdef = "\n".join([m.TYPES for m in mods] + [m.FUNCTIONS for m in mods])
    source = "\n".join([m.INCLUDES for m in mods] + [m.CUSTOMIZATIONS for m in mods])
    return JoinedSource(cdef=cdef, source=source)


def build_ffi(
    modules: Iterable[CdefModule],
    module_name: str = MODULE_NAME,
    **set_source_kwargs: Any,
) -> Any:
    """Return an FFI builder with the joined cdef and set_source() applied."""
    joined = join_modules(modules)
    ffi = FFI()
    ffi.cdef(joined.cdef)
    ffi.set_source(module_name, joined.source, **set_source_kwargs)
    return ffi


def load_cdef_modules(cdefs_dir: Path = _CDEFS_DIR) -> list[ModuleType]:
    """Load ``_cdefs/<name>.py`` for every name in ``_cdefs.MODULES``, by file path."""
    package = _load_file("_phpstreams_cdefs", cdefs_dir / "__init__.py")
    names: Sequence[str] = package.MODULES
    return [_load_file(f"_phpstreams_cdefs_{name}", cdefs_dir / f"{name}.py") for name in names]


def _load_file(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_version(version_file: Path = _VERSION_FILE) -> str:
    """``__version__`` from phpstreams/_version.py, parsed (not imported)."""
    text = version_file.read_text(encoding="utf-8")
    match = re.search(r"""^__version__\s*=\s*["']([^"']+)["']""", text, re.MULTILINE)
    if match is None:
        raise RuntimeError(f"no __version__ = '...' line in {version_file}")
    version = match.group(1)
    if not re.fullmatch(r"[0-9A-Za-z.+!_-]+", version):
        raise RuntimeError(f"unexpected characters in __version__ {version!r} in {version_file}")
    return version


def version_stamp(version: str) -> SourceModule:
    """The module that stamps the phpstreams version into the compiled library."""
    return SourceModule(
        TYPES="static const char PHPSTREAMS_BUILD_VERSION[];\n",
        CUSTOMIZATIONS=f'static const char PHPSTREAMS_BUILD_VERSION[] = "{version}";\n',
    )


def openssl_dirs(environ: Mapping[str, str] = os.environ) -> dict[str, list[str]]:
    """include_dirs / library_dirs / runtime_library_dirs for PHPSTREAMS_OPENSSL_DIR."""
    prefix = environ.get(OPENSSL_DIR_ENV)
    if not prefix:
        return {"include_dirs": [], "library_dirs": [], "runtime_library_dirs": []}
    root = Path(prefix)
    libs = [str(d) for d in (root / "lib", root / "lib64") if d.is_dir()] or [str(root / "lib")]
    return {
        "include_dirs": [str(root / "include")],
        "library_dirs": libs,
        "runtime_library_dirs": libs,
    }


def _compiler() -> list[str]:
    cc = os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc"
    return shlex.split(cc)


def _env_flags(*names: str) -> list[str]:
    flags: list[str] = []
    for name in names:
        flags += shlex.split(os.environ.get(name, ""))
    return flags


_PROBE_OPENSSL = """\
#include <openssl/ssl.h>
int main(void) { return TLS_method() == 0 && OpenSSL_version_num() == 0; }
"""

_PROBE_OPENSSL_VERSION = """\
#include <openssl/opensslv.h>
#if OPENSSL_VERSION_NUMBER < 0x10101000L
#error "OpenSSL older than 1.1.1"
#endif
int phpstreams_probe;
"""


def check_build_prerequisites(dirs: dict[str, list[str]]) -> None:
    """Compile a few tiny programs so a missing compiler, OpenSSL or Python.h gives one clear
    BuildPrerequisiteError instead of a page of compiler output."""
    cc = _compiler()
    cflags = _env_flags("CPPFLAGS", "CFLAGS") + [f"-I{d}" for d in dirs["include_dirs"]]
    ldflags = _env_flags("LDFLAGS") + [f"-L{d}" for d in dirs["library_dirs"]]
    py_include = sysconfig.get_paths()["include"]

    with tempfile.TemporaryDirectory(prefix="phpstreams-build-") as tmp:
        src = Path(tmp, "probe.c")

        def run(code: str, args: list[str]) -> subprocess.CompletedProcess[str]:
            src.write_text(code, encoding="ascii")
            try:
                return subprocess.run(
                    [*cc, *args], capture_output=True, text=True, check=False, timeout=120
                )
            except FileNotFoundError:
                _fail(f"no C compiler found (tried {shlex.join(cc)!r}; set CC to override)")
            except (OSError, subprocess.TimeoutExpired) as exc:
                _fail(f"cannot run the C compiler {shlex.join(cc)!r}: {exc}")

        obj = str(Path(tmp, "probe.o"))
        result = run("int main(void) { return 0; }\n", [*cflags, "-c", str(src), "-o", obj])
        if result.returncode != 0:
            _fail(f"the C compiler {shlex.join(cc)!r} does not work:\n{_first_error(result)}")

        exe = str(Path(tmp, "probe"))
        result = run(_PROBE_OPENSSL, [*cflags, "-c", str(src), "-o", obj])
        if result.returncode != 0:
            _fail(f"the OpenSSL headers (openssl/ssl.h) were not found:\n{_first_error(result)}")
        result = run(_PROBE_OPENSSL, [obj, *ldflags, "-lssl", "-lcrypto", "-o", exe])
        if result.returncode != 0:
            _fail(f"cannot link against libssl and libcrypto:\n{_first_error(result)}")
        result = run(_PROBE_OPENSSL_VERSION, [*cflags, "-c", str(src), "-o", obj])
        if result.returncode != 0:
            _fail("the OpenSSL headers found are older than 1.1.1")

        result = run(
            "#include <Python.h>\n", [*cflags, f"-I{py_include}", "-c", str(src), "-o", obj]
        )
        if result.returncode != 0:
            _fail(f"the Python headers (Python.h) were not found:\n{_first_error(result)}")


def _first_error(result: subprocess.CompletedProcess[str]) -> str:
    lines = [
        ln
        for ln in (result.stderr + result.stdout).splitlines()
        if ln.strip() and not ln.startswith(("collect2", "compilation terminated"))
    ]
    markers = ("error", "cannot find", "undefined reference", "unrecognized", "not found")
    errors = [ln for ln in lines if any(m in ln.lower() for m in markers)] or lines
    return "    " + (errors[0] if errors else f"exit status {result.returncode}")


def _fail(problem: str) -> NoReturn:
    raise BuildPrerequisiteError(
        f"phpstreams: cannot build the OpenSSL binding: {problem}\n{_INSTALL_HINT}"
    )


def make_ffibuilder() -> Any:
    """Check the build prerequisites and return the configured FFI builder."""
    dirs = openssl_dirs()
    check_build_prerequisites(dirs)
    modules: list[CdefModule] = [*load_cdef_modules(), version_stamp(read_version())]
    return build_ffi(
        modules,
        MODULE_NAME,
        libraries=["ssl", "crypto"],  # libssl before libcrypto: the linker resolves in order
        include_dirs=dirs["include_dirs"],
        library_dirs=dirs["library_dirs"],
        runtime_library_dirs=dirs["runtime_library_dirs"],
    )


ffibuilder = make_ffibuilder()

if __name__ == "__main__":
    ffibuilder.compile(tmpdir=str(_HERE.parent.parent), verbose=True)

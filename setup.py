# cffi_modules can only be passed to setup() as a keyword (python-cffi/cffi#55);
# everything else lives in setup.cfg. The C stream core is a plain CPython extension.
from setuptools import Extension, setup

setup(
    cffi_modules=["phpstreams/_native/_build.py:ffibuilder"],
    ext_modules=[Extension("phpstreams._speedups", ["phpstreams/_speedups.c"])],
)

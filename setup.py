# cffi_modules can only be passed to setup() as a keyword (python-cffi/cffi#55);
# everything else lives in setup.cfg.
from setuptools import setup

setup(cffi_modules=["phpstreams/_native/_build.py:ffibuilder"])

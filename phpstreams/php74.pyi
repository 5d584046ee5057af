# The names of phpstreams, bound to PHP 7.4 (see php74.py and _names.pyi).
from phpstreams._names import *  # noqa: F403

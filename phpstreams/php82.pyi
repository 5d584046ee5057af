# The names of phpstreams, bound to PHP 8.2 (see php82.py and _names.pyi).
from phpstreams._names import *  # noqa: F403

"""PHP 8.2's socket stream layer: ``from phpstreams.php82 import *``.

The same names as ``phpstreams``, bound to PHP 8.2: constants with that release's
values, functions running on its own emulated process (ini settings, error handlers,
last error, persistent streams) with its messages and rules. Usable beside the other
versions in one Python process; see ``phpstreams._facade``.
"""

from ._facade import export

__all__ = export("8.2", globals())

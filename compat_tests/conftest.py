"""The behaviour-diff suite runs through the installed plugin, ``phpstreams.testing``
(``-p phpstreams.testing`` in pyproject.toml's addopts): it collects ``cases/**/*.case``
(ids below ``phpstreams_case_root``), runs each in ``php -n`` and in Python against the
shared loopback peers, and applies the registry in ``divergences.py``. The fixtures
``php_binary`` (required, never skipped) and ``compat_peers`` come from the plugin."""

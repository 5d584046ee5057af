"""The behaviour-diff suite runs through the installed plugin (``phpstreams.testing``):
it collects ``cases/**/*.case`` (ids below ``phpstreams_case_root``), runs each in
``php -n`` and in Python against the shared loopback peers, and applies the registry in
``divergences.py`` (both set in pyproject.toml). Fixtures ``php_binary`` (required,
never skipped) and ``compat_peers`` come from the plugin."""

from __future__ import annotations

pytest_plugins = ["phpstreams.testing"]

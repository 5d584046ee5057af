"""docs/ini.md is the profiles' ini tables, rendered: the documented list cannot drift."""

from __future__ import annotations

from pathlib import Path

from phpstreams._profiles import PROFILES
from phpstreams._profiles.ini_table import ACTING, render

DOC = Path(__file__).resolve().parent.parent / "docs" / "ini.md"


def test_document_is_the_rendered_profiles() -> None:
    assert DOC.read_text("utf-8") == render(), (
        "docs/ini.md is stale: python -m phpstreams._profiles.ini_table > docs/ini.md"
    )


def test_every_entry_of_every_release_is_listed() -> None:
    text = DOC.read_text("utf-8")
    for profile in PROFILES.values():
        for name in profile.ini_defaults:
            assert f"| `{name}` |" in text
    assert all(name in PROFILES["8.2"].ini_defaults for name in ACTING)

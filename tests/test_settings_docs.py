"""docs/settings.md kept honest: every setting the project defines or reads is documented, ours under one prefix."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
import scrapy.settings.default_settings as scrapy_defaults

import crawler.settings

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
PREFIX = "PORTAL_"
# Where settings are read or set: settings.get*("NAME"), settings["NAME"], `-s NAME=...`.
READS = (re.compile(r"""settings\s*(?:\.get\w*\(|\[)\s*["']([A-Z][A-Z0-9_]*)["']"""),
         re.compile(r"""["']-s["']\s*,\s*f?["']([A-Z][A-Z0-9_]*)="""))
CODE = ("crawler", "pipelines", "archive", "cli")


def defined() -> dict[str, object]:
    """The upper-case names crawler/settings.py assigns, with their values."""
    tree = ast.parse((ROOT / "crawler" / "settings.py").read_text(encoding="utf-8"))
    names = {target.id for node in tree.body if isinstance(node, ast.Assign) for target in node.targets
             if isinstance(target, ast.Name) and target.id.isupper()}
    return {name: getattr(crawler.settings, name) for name in names}


def read_in_code() -> dict[str, set[str]]:
    """Every setting name the code reads or sets, with the files that do."""
    found: dict[str, set[str]] = {}
    for package in CODE:
        for path in (ROOT / package).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            for pattern in READS:
                for name in pattern.findall(text):
                    found.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return found


def documented(name: str) -> bool:
    """Named in backticks in docs/settings.md, alone or under a `PREFIX_*` of its family."""
    if f"`{name}`" in DOC:
        return True
    return any(name.startswith(prefix) for prefix in re.findall(r"`([A-Z][A-Z0-9_]*_)\*`", DOC))


def our_table() -> dict[str, str]:
    """The rows of "Our settings": name → default column."""
    section = DOC.split("## Our settings", 1)[1].split("\n## ", 1)[0]
    return {m.group(1): m.group(2) for m in re.finditer(r"^\| `([A-Z][A-Z0-9_]*)` \| (.*?) \|", section, re.M)}


def test_every_setting_of_crawler_settings_is_documented():
    missing = sorted(name for name in defined() if not documented(name))
    assert not missing, f"in crawler/settings.py, not in docs/settings.md: {missing}"


def test_every_setting_of_ours_the_code_reads_is_defined_and_documented():
    ours = {name: files for name, files in read_in_code().items() if name.startswith(PREFIX)}
    assert ours  # the patterns still find something
    undefined = {name: sorted(files) for name, files in ours.items() if name not in defined()}
    assert not undefined, f"read but without a default in crawler/settings.py: {undefined}"
    missing = {name: sorted(files) for name, files in ours.items() if not documented(name)}
    assert not missing, f"read but not in docs/settings.md: {missing}"


def test_every_setting_the_code_reads_is_ours_or_scrapys():
    unknown = {name: sorted(files) for name, files in read_in_code().items()
               if not name.startswith(PREFIX) and not hasattr(scrapy_defaults, name)}
    assert not unknown, f"neither PORTAL_… nor a Scrapy setting (renamed?): {unknown}"


def test_our_settings_share_one_prefix():
    stray = sorted(name for name in defined() if not hasattr(scrapy_defaults, name) and not name.startswith(PREFIX))
    assert not stray, f"settings of our own without the {PREFIX} prefix: {stray}"


def test_the_table_of_our_settings_lists_only_settings_that_exist():
    table = our_table()
    assert set(table) == {name for name in defined() if name.startswith(PREFIX)}


@pytest.mark.parametrize("name", sorted(our_table()))
def test_the_documented_default_is_the_default(name):
    shown = re.match(r"`([^`]*)`", our_table()[name]).group(1)
    if shown.startswith("$"):  # from the environment (crawler/settings.py reads it)
        assert shown == f"${name}"
        return
    value = defined()[name]
    if isinstance(value, bool) or shown in ("True", "False"):
        assert str(value) == shown
    elif isinstance(value, (int, float, list)):
        assert json.loads(shown) == value
    else:
        assert str(value) == shown

"""The layers of docs/architecture.md, kept honest: which package may import which, and no module past 400 lines."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("archive", "browse", "cli", "crawler", "pipelines", "replica")
OURS = {*PACKAGES, "scrapy", "click"}
BASICS = {"archive", "archive.text", "archive.site", "archive.urls"}
ARCHIVE_LAYERS = {"archive.warc", "archive.page", "archive.db", "archive.replay", "archive.export",
                  "archive.schedule", "archive.operations"}
# What each unit may import of the project (and of scrapy and click), from docs/architecture.md.
ALLOWED = {
    "archive": set(),
    "archive.text": set(),
    "archive.site": set(),
    "archive.urls": {"archive.text", "archive.site"},
    "archive.warc": BASICS,
    "archive.page": BASICS,
    "archive.db": BASICS | {"archive.warc", "archive.page"},
    "archive.replay": BASICS | {"archive.warc", "archive.page", "archive.db"},
    "archive.export": BASICS | {"archive.warc", "archive.db"},
    "archive.schedule": BASICS | {"archive.db", "archive.operations"},  # it runs operations (crawls) on time
    "archive.operations": BASICS | (ARCHIVE_LAYERS - {"archive.schedule"}),
    "browse": BASICS | ARCHIVE_LAYERS,
    "crawler": BASICS | ARCHIVE_LAYERS | {"scrapy"},
    "pipelines": BASICS | ARCHIVE_LAYERS | {"crawler", "scrapy"},
    "cli": OURS | BASICS | ARCHIVE_LAYERS,
    "replica": {"click"},  # stands apart: imported by tests, benchmarks and the command line only
}
MAX_LINES = 400


def unit_of(path: Path) -> str:
    """The layer a module belongs to: `archive.<subpackage>`, `archive.text`, or a top-level package."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[0] == "archive" and len(parts) > 1 and parts[1] != "__init__":
        return f"archive.{parts[1]}"
    return parts[0]


def imported_units(module: str) -> set[str]:
    parts = module.split(".")
    if parts[0] not in OURS:
        return set()
    if parts[0] == "archive" and len(parts) > 1:
        return {f"archive.{parts[1]}"}
    return {parts[0]}


def imports_of(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found |= imported_units(alias.name)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "archive":  # `from archive import urls` names a module of the package root
                for alias in node.names:
                    found |= imported_units(f"archive.{alias.name}")
            else:
                found |= imported_units(node.module)
    return found


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", PACKAGES)
def test_every_import_points_down(package):
    wrong = []
    for path in modules(package):
        unit = unit_of(path)
        allowed = ALLOWED[unit] | {unit}
        wrong += [f"{path.relative_to(ROOT)} ({unit}) imports {other}"
                  for other in sorted(imports_of(path) - allowed)]
    assert not wrong, "\n".join(wrong)


def test_archive_modules_stay_small():
    big = [f"{path.relative_to(ROOT)}: {n} lines" for path in modules("archive")
           if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES]
    assert not big, "\n".join(big)


def test_every_archive_subpackage_is_a_known_layer():
    found = {f"archive.{p.name}" for p in (ROOT / "archive").iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert found == ARCHIVE_LAYERS
    loose = {p.name for p in (ROOT / "archive").glob("*.py")} - {"__init__.py", "site.py", "text.py", "urls.py"}
    assert not loose, f"modules outside the layers: {sorted(loose)}"


def test_the_checker_sees_a_wrong_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import scrapy\nfrom archive import store\nfrom browse.app import serve\n", encoding="utf-8")
    assert imports_of(bad) == {"scrapy", "archive.store", "browse"}

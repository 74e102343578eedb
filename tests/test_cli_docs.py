"""docs/cli.md kept honest: every command of the click group has a section, with each of its options named in it."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from cli import main

DOCS = Path(__file__).parent.parent / "docs" / "cli.md"
HEADING = re.compile(r"^#+ `(portal-archive[^`]*)`$", re.M)


def commands(group: click.Group, prefix: tuple[str, ...] = ()):
    yield prefix, group
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from commands(command, prefix + (name,))
        else:
            yield prefix + (name,), command


def section(heading: str) -> str | None:
    found = re.search(rf"^#+ `{re.escape(heading)}`\n(.*?)(?=^#|\Z)", DOCS.read_text(encoding="utf-8"), re.M | re.S)
    return found.group(1) if found else None


@pytest.mark.parametrize("path,command", list(commands(main)),
                         ids=lambda v: " ".join(v) if isinstance(v, tuple) else "")
def test_every_command_has_help_and_a_section_naming_each_option(path, command):
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0 and "Usage: " in result.output
    heading = " ".join(("portal-archive",) + path)
    text = section(heading)
    assert text is not None, f"docs/cli.md has no section for {heading}"
    for param in command.params:
        for opt in param.opts + param.secondary_opts:
            if opt.startswith("--"):
                assert f"`{opt}" in text, f"{heading} {opt} is not documented in docs/cli.md"


def test_every_documented_command_exists():
    real = {" ".join(("portal-archive",) + path) for path, _ in commands(main)}
    documented = set(HEADING.findall(DOCS.read_text(encoding="utf-8")))
    assert documented <= real, f"docs/cli.md documents commands that do not exist: {sorted(documented - real)}"

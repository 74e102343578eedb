"""The `portal-archive` command: help on every subcommand, every option documented, the replica commands work."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from cli import main

DOCS = Path(__file__).parent.parent / "docs" / "cli.md"


def commands(group: click.Group, prefix: tuple[str, ...] = ()):
    yield prefix, group
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from commands(command, prefix + (name,))
        else:
            yield prefix + (name,), command


@pytest.mark.parametrize("path,command", list(commands(main)), ids=lambda v: " ".join(v) if isinstance(v, tuple) else "")
def test_every_command_has_help_and_is_documented(path, command):
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0 and "Usage: " in result.output
    docs = DOCS.read_text(encoding="utf-8")
    heading = " ".join(("portal-archive",) + path)
    found = re.search(rf"^#+ `{re.escape(heading)}`\n(.*?)(?=^#|\Z)", docs, re.M | re.S)
    assert found, f"docs/cli.md has no section for {heading}"
    section = found.group(1)
    for param in command.params:
        for opt in param.opts:
            if opt.startswith("--"):
                assert f"`{opt}" in section, f"{heading} {opt} is not documented in docs/cli.md"


def test_truth_command_writes_json(tmp_path):
    out = tmp_path / "truth.json"
    result = CliRunner().invoke(main, ["replica", "truth", "--articles", "30", "--epoch", "2", "-o", str(out)])
    assert result.exit_code == 0, result.output
    truth = json.loads(out.read_text(encoding="utf-8"))
    assert truth["epoch"] == 2 and truth["removed"] and len(truth["pages"]) > 30


def test_serve_and_control_a_running_replica(tmp_path):
    ca = tmp_path / "ca.pem"
    proc = subprocess.Popen([sys.executable, "-m", "cli", "replica", "serve", "--port", "0", "--articles", "30",
                             "--ca-file", str(ca)], stdout=subprocess.PIPE, text=True)
    try:
        lines = [proc.stdout.readline() for _ in range(3)]
        url = re.search(r"http://127\.0\.0\.1:\d+", lines[1]).group(0)
        assert "articles" in lines[0] and "/web/trang-chu" in lines[1] and "https_proxy" in lines[2]
        assert ca.read_text().startswith("-----BEGIN CERTIFICATE-----")
        with urllib.request.urlopen(f"{url}/web/trang-chu", timeout=30) as response:
            assert "Thọ Xuân" in response.read().decode()
        result = CliRunner().invoke(main, ["replica", "control", "--url", url, "--epoch", "2", "--faults", "xss"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["epoch"] == 2 and json.loads(result.output)["faults"] == ["xss"]
        result = CliRunner().invoke(main, ["replica", "control", "--url", url, "--faults", "nope"])
        assert result.exit_code == 1 and "unknown fault(s) nope" in result.output
    finally:
        proc.terminate()
        proc.wait(10)
    started = time.monotonic()
    result = CliRunner().invoke(main, ["replica", "control", "--url", url])
    assert result.exit_code == 1 and "no replica at" in result.output and time.monotonic() - started < 10

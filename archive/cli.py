"""The `portal-archive` command."""

from __future__ import annotations

import click

from replica.cli import replica


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="portal-archive")
def main() -> None:
    """Archive the Thọ Xuân district portal into WARC files and a searchable SQLite database."""


main.add_command(replica)

"""The `portal-archive` command: click over archive/, one module per concern (docs/cli.md documents every option).

The commands parse options, make one call into the library and print what it returns; click's docstrings are the
help. Errors at this boundary are one line on stderr with an exit status, never a traceback.
"""

from __future__ import annotations

import sqlite3

import click

from cli.browse import browse, demo
from cli.crawl import crawl, rebuild, reextract
from cli.export import export
from cli.options import Failure
from cli.read import diff, search, status, verify
from cli.schedule import run, schedule_command
from replica.cli import replica


class _Commands(click.Group):
    """The group, with the boundary that turns a damaged database or a refused file operation into one line."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except sqlite3.DatabaseError as exc:
            raise Failure(f"the archive database cannot be read ({exc}): if it is damaged, `portal-archive "
                          "rebuild` makes a new archive from its WARC files") from None
        except OSError as exc:
            where = f" {exc.filename}" if exc.filename else ""
            raise Failure(f"cannot use{where}: {exc.strerror or exc}") from None


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="portal-archive")
def main() -> None:
    """Archive the Thọ Xuân district portal into WARC files and a searchable SQLite database."""


for command in (crawl, search, diff, verify, rebuild, reextract, export, schedule_command, run, status, browse, demo, replica):
    main.add_command(command)

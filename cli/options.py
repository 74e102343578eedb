"""What the commands share: the --archive and --schedule options, and errors told in one line with an exit status."""

from __future__ import annotations

from pathlib import Path

import click

from archive.operations.child import FAILED

ENV_DIR = "PORTAL_ARCHIVE_DIR"
DEFAULT_DIR = "archive-data"
archive_option = click.option(
    "--archive", "archive_dir", type=click.Path(file_okay=False, path_type=Path), envvar=ENV_DIR,
    default=DEFAULT_DIR, show_default=True, help=f"The archive directory (or ${ENV_DIR}).")
schedule_option = click.option("--schedule", "schedule_path", type=click.Path(dir_okay=False, path_type=Path),
                               default="schedule.yaml", show_default=True, help="The schedule file.")


class Failure(click.ClickException):
    """`Error: MESSAGE` on stderr, and the command exits with `exit_code`."""

    def __init__(self, message: str, exit_code: int = FAILED):
        super().__init__(message)
        self.exit_code = exit_code


def reading(archive_dir: Path):
    """The database of the existing archive in `archive_dir`, opened read-only (a reader never creates one)."""
    from archive.db.reader import NoArchive, open_read_only

    try:
        return open_read_only(archive_dir)
    except NoArchive as exc:
        raise Failure(str(exc)) from None


def load_schedule(path: Path):
    from archive.schedule.config import ScheduleError, load_schedule as load

    try:
        return load(path)
    except ScheduleError as exc:
        raise Failure(str(exc)) from None

"""The `portal-archive` command."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import click

from replica.cli import replica

ENV_DIR = "PORTAL_ARCHIVE_DIR"
DEFAULT_DIR = "archive-data"
archive_option = click.option(
    "--archive", "archive_dir", type=click.Path(file_okay=False, path_type=Path), envvar=ENV_DIR,
    default=DEFAULT_DIR, show_default=True, help=f"The archive directory (or ${ENV_DIR}).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="portal-archive")
def main() -> None:
    """Archive the Thọ Xuân district portal into WARC files and a searchable SQLite database."""


main.add_command(replica)


@main.command()
@archive_option
@click.option("--profile", type=click.Choice(["polite", "fast"]), default="polite", show_default=True,
              help="polite for the live portal; fast for the local replica and benchmarks.")
@click.option("--resume", is_flag=True, help="Go on with the crawl that was stopped or killed, where it stopped.")
@click.option("--start-url", "start_urls", multiple=True,
              help="Start here instead of both hosts' home pages (repeatable).")
@click.option("--contact", help="Contact URL or e-mail put in the User-Agent (or $PORTAL_ARCHIVE_CONTACT).")
@click.option("--job", default="crawl", show_default=True, help="Name of the run, and of its resumable state.")
@click.option("-s", "--set", "overrides", multiple=True, metavar="KEY=VALUE", help="A Scrapy setting (repeatable).")
def crawl(archive_dir: Path, profile: str, resume: bool, start_urls: tuple[str, ...], contact: str | None,
          job: str, overrides: tuple[str, ...]) -> None:
    """Crawl the portal into the archive: every page, image and attachment; exits non-zero if the crawl failed."""
    from archive.store import Archive
    from archive.summary import last_run, print_summary

    state = (archive_dir / "state" / job).absolute()
    jobdir, cache = state / "jobdir", state / "httpcache"
    if resume and not state.exists():
        raise click.ClickException(f"nothing to resume: no crawl state in {state}")
    if not resume and state.exists():
        shutil.rmtree(state)  # a new crawl starts afresh; what it archived stays
    if resume and not (jobdir / "requests.queue" / "active.json").exists():
        # Killed, not stopped: Scrapy saved no queue. Discover again from the start, answered by the cache.
        click.echo("The crawl was killed: discovering its pages again from the resume cache.", err=True)
        shutil.rmtree(jobdir, ignore_errors=True)
    archive_dir.mkdir(parents=True, exist_ok=True)
    settings = {"ARCHIVE_DIR": str(archive_dir), "PORTAL_PROFILE": profile, "PORTAL_JOB": job,
                "JOBDIR": str(jobdir), "HTTPCACHE_ENABLED": "True", "HTTPCACHE_DIR": str(cache)}
    if contact:
        settings["ARCHIVE_CONTACT"] = contact
    for item in overrides:
        key, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="--set")
        settings[key] = value
    command = [sys.executable, "-m", "scrapy", "crawl", "portal"]
    for key, value in settings.items():
        command += ["-s", f"{key}={value}"]
    if start_urls:
        command += ["-a", "start_urls=" + ",".join(start_urls)]
    env = dict(os.environ, SCRAPY_SETTINGS_MODULE="crawler.settings")
    try:
        returncode = subprocess.run(command, env=env).returncode
    except KeyboardInterrupt:
        returncode = 130
    archive = Archive(archive_dir)
    try:
        run = last_run(archive.db, job)
        print_summary(archive.db, run)
    finally:
        archive.close()
    if not returncode and run is not None and run["status"] == "completed":
        shutil.rmtree(state, ignore_errors=True)  # nothing left to resume
    if returncode or run is None or run["status"] != "completed":
        status = run["status"] if run else "never started"
        click.echo(f"The crawl did not complete ({status}). `portal-archive crawl --resume` goes on where it stopped.",
                   err=True)
        sys.exit(returncode or 1)

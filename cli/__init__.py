"""The `portal-archive` command."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import asdict
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
    from archive.db.store import Archive
    from archive.operations.summary import last_run, print_summary

    state = (archive_dir / "state" / job).absolute()
    jobdir, cache = state / "jobdir", state / "httpcache"
    if resume and not state.exists():
        raise click.ClickException(f"nothing to resume: no crawl state in {state}")
    if not resume and state.exists():
        shutil.rmtree(state)  # a new crawl starts afresh; what it archived stays
    before, stopped = _last_run(archive_dir, job)
    if resume and not (stopped == "shutdown" and (jobdir / "requests.queue" / "active.json").exists()):
        # Only a clean stop (Ctrl-C, SIGTERM) leaves a queue to go on from: it lets the requests under way finish.
        # A killed crawl saves none, and those under way when the disk filled up failed: the queue does not hold
        # them. Discover again from the start pages, answered by the resume cache.
        why = {None: "was killed", "finished": "had completed, and was killed before it cleared its state",
               "disk_full": "was stopped by a full disk", "shutdown": "was stopped before it saved its queue",
               }.get(stopped, f"stopped ({stopped})")
        click.echo(f"The crawl {why}: discovering its pages again from the resume cache.", err=True)
        shutil.rmtree(jobdir, ignore_errors=True)
    archive_dir.mkdir(parents=True, exist_ok=True)
    settings = {"ARCHIVE_DIR": str(archive_dir), "PORTAL_PROFILE": profile, "PORTAL_JOB": job,
                "JOBDIR": str(jobdir), "HTTPCACHE_ENABLED": "True", "HTTPCACHE_DIR": str(cache)}
    if resume:
        settings["PORTAL_RESUME"] = "True"
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
    returncode = run_crawler(command, dict(os.environ, SCRAPY_SETTINGS_MODULE="crawler.settings"))
    warcs = sorted((archive_dir / "warcs").glob("*.warc.gz"))
    if warcs:  # the CDXJ index of every closed file, for pywb and other replay tools
        from archive.warc.cdxj import cdxj_index

        try:
            (archive_dir / "indexes").mkdir(exist_ok=True)
            cdxj_index(warcs, archive_dir / "indexes" / "index.cdxj")
        except OSError as exc:  # a full disk: the index is made again by the next crawl
            click.echo(f"The CDXJ index {archive_dir / 'indexes' / 'index.cdxj'} was not updated: {exc}", err=True)
    archive = Archive(archive_dir)
    try:
        run = last_run(archive.db, job)
        if run is not None and run["id"] <= before:
            run = None  # the crawler died before it recorded a run: the last one is an earlier crawl's
        print_summary(archive.db, run)
    finally:
        archive.close()
    if not returncode and run is not None and run["status"] == "completed":
        shutil.rmtree(state, ignore_errors=True)  # nothing left to resume
    if returncode or run is None or run["status"] != "completed":
        stats = json.loads(run["stats"] or "{}") if run else {}
        if returncode < 0:
            status = f"the crawler was killed by {_signal_name(-returncode)}"
        else:
            status = run["status"] if run else "never started"
        if stats.get("finish_reason") == "disk_full":
            free = shutil.disk_usage(archive_dir).free / 1e6
            click.echo(f"The crawl did not complete: the disk holding {archive_dir.absolute()} is full "
                       f"({stats.get('portal/disk_full', 'no space left')}; {free:.1f} MB free now). Free some space, "
                       "then `portal-archive crawl --resume` goes on where it stopped.", err=True)
        else:
            click.echo(f"The crawl did not complete ({status}). `portal-archive crawl --resume` goes on where it "
                       "stopped.", err=True)
        sys.exit(128 - returncode if returncode < 0 else returncode or 1)  # killed by signal N: 128 + N, as shells say


def _last_run(archive_dir: Path, job: str) -> tuple[int, str | None]:
    """The id of the job's latest run (0 if none) and why it ended (Scrapy's finish reason; None if unrecorded).

    Read without creating or migrating anything."""
    import sqlite3

    path = archive_dir / "archive.db"
    if not path.exists():
        return 0, None
    try:
        db = sqlite3.connect(path, timeout=30)
        try:
            row = db.execute("select id, stats from crawl_runs where job = ? order by id desc limit 1",
                             [job]).fetchone()
        finally:
            db.close()
    except sqlite3.Error:
        return 0, None  # no crawl_runs table yet
    if row is None:
        return 0, None
    try:
        return row[0], json.loads(row[1] or "{}").get("finish_reason")
    except ValueError:
        return row[0], None


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


@main.command()
@archive_option
@click.argument("article")
@click.option("--from", "from_version", type=int, help="Compare from this version (1 = the first); default: the one before --to.")
@click.option("--to", "to_version", type=int, help="Compare to this version; default: the latest.")
def diff(archive_dir: Path, article: str, from_version: int | None, to_version: int | None) -> None:
    """Show what changed between two versions of ARTICLE (its id or any URL it was seen at), paragraph by paragraph."""
    from archive.db.diff import changes, find_article, versions, word_diff
    from archive.db.store import Archive

    with Archive(archive_dir) as archive:
        article_id = find_article(archive.db, article)
        if article_id is None:
            raise click.ClickException(f"no archived article at {article}")
        found = versions(archive.db, article_id)
        to_n = to_version or len(found)
        from_n = from_version or to_n - 1
        if len(found) < 2 or not (1 <= from_n < to_n <= len(found)):
            raise click.ClickException(f"article {article_id} has {len(found)} version(s): nothing to compare"
                                       if len(found) < 2 else f"versions go from 1 to {len(found)}")
        old, new = found[from_n - 1], found[to_n - 1]
        click.echo(f"Article {article_id}: version {from_n} (first seen {old['first_seen']}) → version {to_n} "
                   f"(first seen {new['first_seen']})")
        for change in changes(archive.db, old, new):
            if len(change.removed) == len(change.added) == 1:
                click.echo(f"~ {change.kind}: {word_diff(change.removed[0], change.added[0])}")
                continue
            for text in change.removed:
                click.echo(f"- {change.kind}: {text}")
            for text in change.added:
                click.echo(f"+ {change.kind}: {text}")


@main.command()
@archive_option
def verify(archive_dir: Path) -> None:
    """Check the archive's fixity: every WARC file unaltered, every database link to a WARC record resolvable.

    Exits non-zero with a report of each problem found.
    """
    from archive.db.store import Archive
    from archive.operations.verify import verify as run_verify

    if not (archive_dir / "archive.db").exists():
        raise click.ClickException(f"no archive in {archive_dir}")
    with Archive(archive_dir) as archive:
        report = run_verify(archive.db, archive_dir / "warcs")
    click.echo(f"{report.files} WARC files, {report.records} indexed records, {report.links} database links checked")
    for problem in report.problems:
        click.echo(f"  PROBLEM {problem}", err=True)
    if not report.ok:
        raise click.ClickException(f"{len(report.problems)} problem(s) found in {archive_dir}")
    click.echo("All files are as they were closed, and every link resolves.")


@main.command()
@archive_option
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
def rebuild(archive_dir: Path, dest: Path) -> None:
    """Rebuild the archive from its WARC files alone into DEST: a new database, media and the same WARC files.

    The WARC files are the archive of record; this is how to prove it, or to recover a lost database.
    """
    from archive.operations.rebuild import rebuild as run_rebuild

    source = archive_dir / "warcs"
    if not any(source.glob("*.warc.gz")):
        raise click.ClickException(f"no WARC files in {source}")
    if (dest / "archive.db").exists():
        raise click.ClickException(f"{dest} already holds an archive: rebuild into a new directory")
    (dest / "warcs").mkdir(parents=True, exist_ok=True)
    for path in sorted(source.glob("*.warc.gz")):
        target = dest / "warcs" / path.name
        if not target.exists():
            try:
                os.link(path, target)  # the same bytes, not a copy
            except OSError:
                shutil.copy2(path, target)
    report = run_rebuild(dest / "warcs", dest)
    click.echo(f"Rebuilt {dest} from {report.files} WARC files: {report.records} records, {report.pages} article "
               f"captures, {report.media} images and files ({report.skipped} responses not stored: errors, "
               f"redirects, robots.txt).")


@main.group()
def export() -> None:
    """Export the archive for other tools."""


@export.command("pywb")
@archive_option
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@click.option("--collection", default="portal", show_default=True, help="Name of the pywb collection.")
def export_pywb_command(archive_dir: Path, dest: Path, collection: str) -> None:
    """Set up (or refresh) a pywb collection in DEST that replays the archive's WARC files.

    Then `cd DEST && wayback` serves it on http://localhost:8080/COLLECTION/.
    """
    from archive.warc.cdxj import export_pywb

    folder = export_pywb(archive_dir / "warcs", dest, collection)
    click.echo(f"pywb collection ready in {folder}; run `wayback` in {dest} and open "
               f"http://localhost:8080/{collection}/https://thoxuan.thanhhoa.gov.vn/web/trang-chu")


@export.command("wacz")
@archive_option
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--title", help="Title of the collection, shown by ReplayWeb.page (default: the portal's name).")
def export_wacz_command(archive_dir: Path, file: Path, title: str | None) -> None:
    """Write FILE (….wacz), a WACZ of the archive's closed WARC files with an index and a page list of the articles.

    Open it in ReplayWeb.page (https://replayweb.page); `wacz validate -f FILE` checks it. FILE is replaced, in one
    step, when the export succeeds.
    """
    from archive.export.wacz import WaczError, export_wacz

    try:
        summary = export_wacz(archive_dir, file, title)
    except WaczError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Wrote {summary.path}: {summary.warcs} WARC files, {summary.index_lines} index lines, "
               f"{summary.pages} pages ({summary.uncaptured} articles never captured with a 200 left out), "
               f"{summary.bytes} bytes.")


def run_crawler(command: list[str], env: dict[str, str]) -> int:
    """Run Scrapy in a child process and wait for it.

    The child has a process group of its own, so that a Ctrl-C or SIGTERM reaches it exactly once, forwarded from
    here: Scrapy stops cleanly on the first (saving its queue) and at once on the second. If this process is
    killed, the child ends too (crawler/extensions/lifeline.py).
    """
    child = subprocess.Popen([*command, "-s", f"PORTAL_PARENT_PID={os.getpid()}"], env=env, start_new_session=True)

    def forward(signum, frame) -> None:
        if child.poll() is None:
            child.send_signal(signum)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        return child.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@main.command()
@archive_option
@click.argument("query")
@click.option("--limit", default=10, show_default=True, help="How many results.")
@click.option("--offset", default=0, show_default=True, help="Skip this many results (paging).")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
def search(archive_dir: Path, query: str, limit: int, offset: int, as_json: bool) -> None:
    """Search the archive in Vietnamese, with or without diacritics; ranked, with date, category, URL and snippet.

    Every word must match; "quoted words" match as a phrase.
    """
    from archive.db.search import search as run_search
    from archive.db.store import Archive

    if not (archive_dir / "archive.db").exists():
        raise click.ClickException(f"no archive in {archive_dir} (crawl first, or give --archive)")
    with Archive(archive_dir) as archive:
        results = run_search(archive, query, limit=limit, offset=offset)
    if as_json:
        click.echo(json.dumps([asdict(r) for r in results], ensure_ascii=False, indent=1))
        return
    if not results:
        click.echo(f"Nothing found for {query!r}.")
    for n, result in enumerate(results, offset + 1):
        day = ".".join(reversed((result.published or "")[:10].split("-"))).replace(".", "/")
        click.echo(f"{n}. {result.title} ({day or 'no date'}) · {result.category_path}")
        click.echo(f"   {result.canonical_url}")
        click.echo(f"   {result.snippet}")


@main.command()
@click.option("--archive", "archive_dir", type=click.Path(file_okay=False, path_type=Path), default="demo-archive",
              show_default=True, help="Where the demo archive goes (crawled afresh each time).")
@click.option("--articles", default=300, show_default=True, help="Size of the replica to crawl.")
@click.option("--serve/--no-serve", default=True, show_default=True,
              help="Then serve the browse UI on the archive (until Ctrl-C).")
@click.option("--port", default=8001, show_default=True, help="Port of the browse UI.")
def demo(archive_dir: Path, articles: int, serve: bool, port: int) -> None:
    """The main job on the bundled replica: serve it, crawl it through its proxy, show what the archive holds,
    then browse it in the web UI."""
    from replica.server import ReplicaServer, Settings

    with ReplicaServer(Settings(articles=articles)) as server:
        click.echo(f"Replica of the portal ({articles} articles) serving as a proxy on {server.url}")
        env = dict(os.environ, http_proxy=server.url, https_proxy=server.url)
        command = [sys.executable, "-m", "cli", "crawl", "--archive", str(archive_dir), "--profile", "fast",
                   "-s", "LOG_LEVEL=WARNING"]
        returncode = subprocess.run(command, env=env).returncode
    if returncode:
        sys.exit(returncode)
    for query in ("dang bo", "Lễ hội Lê Hoàn", "nong thon moi nang cao"):
        click.echo(f"\n$ portal-archive search --archive {archive_dir} {query!r} --limit 3")
        search.main([query, "--archive", str(archive_dir), "--limit", "3"], standalone_mode=False)
    click.echo(f"\nThe archive is in {archive_dir}/ (archive.db: open it with sqlite3 or datasette; media/: images "
               f"and files by content digest). Search it: portal-archive search --archive {archive_dir} 'Thọ Xuân'")
    if serve:
        browse.main(["--archive", str(archive_dir), "--port", str(port)], standalone_mode=False)


@main.command()
@archive_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 to let other machines in; the UI has no login).")
@click.option("--port", default=8001, show_default=True, help="Port to listen on.")
def browse(archive_dir: Path, host: str, port: int) -> None:
    """Serve the web UI on the archive: search, articles with their versions and diffs, pages as captured, and
    datasette's tables, SQL and JSON. Read-only: it can run while a crawl writes."""
    from browse.app import serve

    if not (archive_dir / "archive.db").exists():
        raise click.ClickException(f"no archive in {archive_dir} (crawl first, or give --archive)")
    click.echo(f"Browse the archive on http://{host}:{port}/ (Ctrl-C stops)")
    serve(archive_dir, host=host, port=port)


schedule_option = click.option("--schedule", "schedule_path", type=click.Path(dir_okay=False, path_type=Path),
                               default="schedule.yaml", show_default=True, help="The schedule file.")


def _load_schedule(path: Path):
    from archive.schedule.config import ScheduleError, load_schedule

    try:
        return load_schedule(path)
    except ScheduleError as exc:
        raise click.ClickException(str(exc)) from None


def _log_to_stderr() -> None:
    import logging

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


@main.command("schedule")
@schedule_option
def schedule_command(schedule_path: Path) -> None:
    """Run the schedule's jobs at their times, one at a time, until Ctrl-C or SIGTERM (see docs/schedule.md)."""
    from archive.schedule.config import ScheduleError
    from archive.schedule.runner import Scheduler

    schedule = _load_schedule(schedule_path)
    _log_to_stderr()
    try:
        Scheduler(schedule).start()
    except ScheduleError as exc:  # every job disabled
        raise click.ClickException(str(exc)) from None


@main.command()
@schedule_option
@click.argument("job")
def run(schedule_path: Path, job: str) -> None:
    """Run one JOB of the schedule now, once (for cron or a systemd timer); exits with the crawl's status."""
    from archive.schedule.runner import Scheduler

    schedule = _load_schedule(schedule_path)
    if job not in schedule.jobs:
        raise click.BadParameter(f"no job {job!r} in {schedule_path} (jobs: {', '.join(schedule.jobs)})",
                                 param_hint="JOB")
    _log_to_stderr()
    returncode = Scheduler(schedule).run_job(schedule.jobs[job])
    sys.exit(returncode if returncode >= 0 else 128 - returncode)  # killed by signal N: 128 + N, as shells say


@main.command()
@schedule_option
def status(schedule_path: Path) -> None:
    """Show each job of the schedule: its trigger, what it covers, its next run and its last run."""
    from archive.schedule.config import next_runs
    from archive.db.store import Archive
    from archive.operations.summary import last_run

    schedule = _load_schedule(schedule_path)
    upcoming = next_runs(schedule)
    archive = Archive(schedule.archive) if (schedule.archive / "archive.db").exists() else None
    try:
        for name, job in schedule.jobs.items():
            following, last = upcoming[name], (last_run(archive.db, name) if archive else None)
            click.echo(f"{name}: {job.describe()}, covers {job.covers}; "
                       + (f"next {following.isoformat(timespec='minutes')}" if following else "disabled") + "; "
                       + (f"last run {last['id']} {last['status']} at {last['started_at']}" if last else "never run"))
    finally:
        if archive:
            archive.close()

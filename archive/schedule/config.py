"""schedule.yaml: when each crawl runs and what it covers, read and validated whole before anything runs.

The scheduler that runs it is `archive.schedule.runner`; the format is documented in docs/schedule.md.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from archive.operations.state import job_name_problem
from archive.site import SITE

DEFAULT_TIMEZONE = SITE.timezone  # the portal's, unless schedule.yaml says otherwise
COVERS = ("discover", "recheck", "full")
TOP_KEYS = ("timezone", "archive", "recheck", "jobs")
JOB_KEYS = ("trigger", "covers", "settings", "enabled")
TRIGGER_KEYS = ("cron", "every")
RECHECK_KEYS = ("age", "every")
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
DURATION = re.compile(r"([0-9]+)([smhd])")
# Longer than any schedule needs, and short enough that a time this far ahead is still a date (year 9999 at most).
MAX_DURATION = 36500 * 86400
CRON_FIELDS = ("minute", "hour", "day", "month", "weekday")
# crontab numbers weekdays from Sunday (0, and 7); APScheduler 3 numbers them from Monday. Names mean the same to both.
WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
SETTING_NAME = re.compile(r"[A-Z][A-Z0-9_]*")
# Settings every run gets from the schedule itself; a job setting must not contradict them.
RESERVED = {"PORTAL_ARCHIVE_DIR": "the top-level `archive`", "PORTAL_JOB": "the job's name",
            "PORTAL_COVERS": "the job's `covers`", "PORTAL_RECHECK": "the top-level `recheck`"}


class ScheduleError(Exception):
    """schedule.yaml is missing, unreadable or invalid; the message names the file, the line and the problem."""


@dataclass(frozen=True)
class Job:
    name: str
    trigger: str  # the cron expression or the interval as written, e.g. "15 7,12,17 * * *" or "6h"
    covers: str
    settings: dict[str, str] = field(default_factory=dict, hash=False)
    enabled: bool = True

    @property
    def kind(self) -> str:
        """"every" for an interval trigger, "cron" for a cron expression."""
        return "every" if DURATION.fullmatch(self.trigger) else "cron"

    def describe(self) -> str:
        """For display: "every 6h" or "cron 0 2 * * *"."""
        return f"every {self.trigger}" if self.kind == "every" else f"cron {self.trigger}"


@dataclass(frozen=True)
class Schedule:
    path: Path
    timezone: str
    archive: Path
    recheck: list[tuple[int | None, int]] = field(hash=False)  # (age in seconds or None for any, every seconds)
    jobs: dict[str, Job] = field(hash=False)


def load_schedule(path: str | Path) -> Schedule:
    """Read and validate a schedule file; raises ScheduleError naming the file and line of the first problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScheduleError(f"{path}: cannot read the schedule: {exc}") from None
    return _Reader(path, text).schedule()


def crawl_command(schedule: Schedule, job: Job) -> list[str]:
    """The `portal-archive crawl` command line that runs one job."""
    command = [sys.executable, "-m", "cli", "crawl", "--archive", str(schedule.archive), "--job", job.name,
               "-s", f"PORTAL_COVERS={job.covers}",
               "-s", f"PORTAL_RECHECK={json.dumps(schedule.recheck, separators=(',', ':'))}"]
    for key, value in job.settings.items():
        command += ["-s", f"{key}={value}"]
    return command


def next_runs(schedule: Schedule, now: datetime | None = None) -> dict[str, datetime | None]:
    """When each job would next run under a scheduler started at `now`; None for a disabled job.

    An interval job's first run is one interval after the scheduler starts, so its answer depends on `now`.
    """
    zone = ZoneInfo(schedule.timezone)
    if now is None:
        now = datetime.now(zone)
    now = now.astimezone(zone) if now.tzinfo else now.replace(tzinfo=zone)
    return {name: job_trigger(job, zone, now).get_next_fire_time(None, now) if job.enabled else None
            for name, job in schedule.jobs.items()}


def job_trigger(job: Job, zone: ZoneInfo, now: datetime) -> BaseTrigger:
    """The APScheduler trigger of a job (validated by load_schedule); an interval counts from `now`."""
    if job.kind == "every":
        seconds = duration(job.trigger)
        return IntervalTrigger(seconds=seconds, start_date=now + timedelta(seconds=seconds), timezone=zone)
    return cron_trigger(job.trigger, zone)


def duration(text: str) -> int:
    """Seconds in "30s", "10m", "6h" or "1d"; ValueError otherwise."""
    found = DURATION.fullmatch(text)
    if not found:
        raise ValueError("a whole number and s, m, h or d: 30s, 10m, 6h, 1d")
    seconds = int(found.group(1)) * UNITS[found.group(2)]
    if not seconds:
        raise ValueError("it must be longer than nothing")
    if seconds > MAX_DURATION:
        raise ValueError(f"it must be at most {MAX_DURATION // 86400}d, a hundred years")
    return seconds


def cron_trigger(text: str, zone: ZoneInfo) -> CronTrigger:
    """A crontab expression (minute hour day month weekday, Sunday 0 or 7) as a trigger; ValueError with the reason."""
    fields = text.split()
    if len(fields) != 5:
        raise ValueError("5 fields expected")
    fields[4] = crontab_weekdays(fields[4])
    if not fields[2].startswith("*") and not fields[4].startswith("*"):
        # cron runs on either a matching day or a matching weekday; APScheduler only on days matching both.
        raise ValueError("day and weekday are both restricted, which cron and APScheduler read differently: "
                         "restrict one, leave the other *")
    try:
        return CronTrigger.from_crontab(" ".join(fields), timezone=zone)
    except ValueError:
        pass
    for name, value in zip(CRON_FIELDS, fields):  # the same error again, now with the field's name
        try:
            CronTrigger(**{"day_of_week" if name == "weekday" else name: value}, timezone=zone)
        except ValueError as exc:
            reason = re.sub(r"^Error validating expression '[^']*': ", "", str(exc))
            raise ValueError(f"{name} {value}: {reason}") from None
    raise ValueError("APScheduler does not accept it")


def crontab_weekdays(text: str) -> str:
    """A crontab weekday field (0-7, sun-sat, ranges, lists, steps) as APScheduler 3 reads it: a list of names."""
    if text == "*":
        return text
    days: set[int] = set()
    for item in text.lower().split(","):
        span, slash, step = item.partition("/")
        if slash and not (step.isdigit() and int(step)):
            raise ValueError(f'weekday {text}: "{step}" is not a step')
        if span == "*":
            first, last = 0, 6
        else:
            start, dash, end = span.partition("-")
            first = _weekday(start, text)
            last = _weekday(end, text) if dash else 6 if slash else first
            if end == "sun" and first:
                last = 7  # "fri-sun": Sunday as the end of the week
            if last < first:
                raise ValueError(f"weekday {text}: the range {span} goes backwards (Sunday is 0 or 7)")
        days.update(day % 7 for day in range(first, last + 1, int(step or 1)))
    return ",".join(WEEKDAYS[day] for day in sorted(days))


def _weekday(text: str, field_text: str) -> int:
    if text.isdigit() and int(text) <= 7:
        return int(text)
    if text in WEEKDAYS:
        return WEEKDAYS.index(text)
    raise ValueError(f'weekday {field_text}: "{text}" is not a weekday (0-7, Sunday being 0 or 7, or sun-sat)')


class _Reader:
    """Walks the YAML node tree of one file, so that every error can name the line it is about."""

    def __init__(self, path: Path, text: str):
        self.path = path
        self.loader = yaml.SafeLoader(text)

    def error(self, node: Node, where: str, problem: str) -> ScheduleError:
        line = node.start_mark.line + 1
        return ScheduleError(f"{self.path}:{line}: {where}: {problem}" if where else f"{self.path}:{line}: {problem}")

    def schedule(self) -> Schedule:
        try:
            root = self.loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else 1
            problem = exc.problem or ""
            if exc.context and exc.context_mark and exc.context_mark.line + 1 != line:
                problem = f"{exc.context} from line {exc.context_mark.line + 1}: {problem}"
            elif exc.context:
                problem = f"{exc.context}: {problem}"
            raise ScheduleError(f"{self.path}:{line}: not valid YAML: {problem}") from None
        except yaml.YAMLError as exc:
            raise ScheduleError(f"{self.path}:1: not valid YAML: {exc}") from None
        finally:
            self.loader.dispose()
        if root is None:
            raise ScheduleError(f"{self.path}:1: the file is empty: it needs at least `archive` and `jobs`")
        top = self.fields(root, "", TOP_KEYS, required=("archive", "jobs"))
        zone_name = self.timezone(top["timezone"]) if "timezone" in top else DEFAULT_TIMEZONE
        zone = ZoneInfo(zone_name)
        archive = Path(self.text_of(top["archive"], "archive")).expanduser()
        recheck = self.recheck(top["recheck"]) if "recheck" in top else []
        jobs = self.jobs(top["jobs"], zone, has_recheck=bool(recheck))
        return Schedule(path=self.path, timezone=zone_name, archive=(self.path.absolute().parent / archive).resolve(),
                        recheck=recheck, jobs=jobs)

    # Shapes

    def items(self, node: Node, where: str, expected: str) -> list[tuple[str, Node, Node]]:
        """The (key, key node, value node) of a mapping, keys as written; duplicates rejected."""
        if not isinstance(node, MappingNode):
            raise self.error(node, where, f"expected {expected}, found {self.found(node)}")
        seen: set[str] = set()
        out = []
        for key, value in node.value:
            if not isinstance(key, ScalarNode):
                raise self.error(key, where, "a key must be a plain name")
            if key.value in seen:
                raise self.error(key, where, f'duplicate key "{key.value}"')
            seen.add(key.value)
            out.append((key.value, key, value))
        return out

    def fields(self, node: Node, where: str, allowed: tuple[str, ...],
               required: tuple[str, ...] = ()) -> dict[str, Node]:
        expected = "a mapping of " + ", ".join(allowed)
        found = {}
        for name, key, value in self.items(node, where, expected):
            if name not in allowed:
                raise self.error(key, where, f'unknown key "{name}" (expected {", ".join(allowed)})')
            found[name] = value
        for name in required:
            if name not in found:
                raise self.error(node, where, f'missing key "{name}"')
        return found

    def found(self, node: Node) -> str:
        if isinstance(node, MappingNode):
            return "a mapping"
        if isinstance(node, SequenceNode):
            return "a list"
        return "nothing" if node.tag.endswith(":null") else f'"{node.value}"'

    def text_of(self, node: Node, where: str) -> str:
        """A scalar as written (so `every: 30` reads "30", not 30); empty and null rejected."""
        if not isinstance(node, ScalarNode) or node.tag.endswith(":null") or not node.value.strip():
            raise self.error(node, where, f"expected a value, found {self.found(node)}")
        return node.value.strip()

    def duration(self, node: Node, where: str) -> int:
        text = self.text_of(node, where)
        try:
            return duration(text)
        except ValueError as exc:
            raise self.error(node, where, f'"{text}" is not a duration ({exc})') from None

    # Keys

    def timezone(self, node: Node) -> str:
        name = self.text_of(node, "timezone")
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise self.error(node, "timezone", f'"{name}" is not a time zone (an IANA name such as '
                                               f'{DEFAULT_TIMEZONE})') from None
        return name

    def recheck(self, node: Node) -> list[tuple[int | None, int]]:
        if not isinstance(node, SequenceNode):
            raise self.error(node, "recheck", f"expected a list of {{age, every}}, found {self.found(node)}")
        rules: list[tuple[int | None, int]] = []
        for n, item in enumerate(node.value):
            where = f"recheck[{n}]"
            values = self.fields(item, where, RECHECK_KEYS, required=RECHECK_KEYS)
            if rules and rules[-1][0] is None:
                raise self.error(item, where, "comes after `age: any`, which fits every article: it would never apply")
            age_text = self.text_of(values["age"], f"{where}.age")
            age = None if age_text == "any" else self.duration(values["age"], f"{where}.age")
            if rules and age is not None and age <= (rules[-1][0] or 0):
                raise self.error(values["age"], f"{where}.age", f'"{age_text}" is not older than the age before '
                                 "it: the first age that fits wins, so list them from youngest to oldest")
            rules.append((age, self.duration(values["every"], f"{where}.every")))
        return rules

    def jobs(self, node: Node, zone: ZoneInfo, has_recheck: bool) -> dict[str, Job]:
        jobs: dict[str, Job] = {}
        for name, key, value in self.items(node, "jobs", "a mapping of job names to jobs"):
            problem = job_name_problem(name)  # the name of its state folder, which a new crawl deletes
            if problem:
                raise self.error(key, "jobs", problem)
            jobs[name] = self.job(name, value, zone, has_recheck)
        if not jobs:
            raise self.error(node, "jobs", "no job: a schedule needs at least one")
        return jobs

    def job(self, name: str, node: Node, zone: ZoneInfo, has_recheck: bool) -> Job:
        where = f"jobs.{name}"
        values = self.fields(node, where, JOB_KEYS, required=("trigger", "covers"))
        trigger = self.trigger(values["trigger"], f"{where}.trigger", zone)
        covers = self.text_of(values["covers"], f"{where}.covers")
        if covers not in COVERS:
            raise self.error(values["covers"], f"{where}.covers", f'"{covers}" is not one of {", ".join(COVERS)}')
        if covers == "recheck" and not has_recheck:
            raise self.error(values["covers"], f"{where}.covers", "recheck needs a recheck policy: add the "
                             "top-level `recheck` list")
        settings = self.settings(values["settings"], f"{where}.settings") if "settings" in values else {}
        enabled = True
        if "enabled" in values:
            enabled_node = values["enabled"]
            if enabled_node.tag != "tag:yaml.org,2002:bool":
                raise self.error(enabled_node, f"{where}.enabled", f"expected true or false, found "
                                 f"{self.found(enabled_node)}")
            enabled = bool(self.loader.construct_object(enabled_node))
        return Job(name=name, trigger=trigger, covers=covers, settings=settings, enabled=enabled)

    def trigger(self, node: Node, where: str, zone: ZoneInfo) -> str:
        values = self.fields(node, where, TRIGGER_KEYS)
        if len(values) != 1:
            raise self.error(node, where, "give exactly one of cron or every")
        if "every" in values:
            self.duration(values["every"], f"{where}.every")
            return self.text_of(values["every"], f"{where}.every")
        text = " ".join(self.text_of(values["cron"], f"{where}.cron").split())
        try:
            trigger = cron_trigger(text, zone)
        except ValueError as exc:
            raise self.error(values["cron"], f"{where}.cron", f'"{text}" is not a cron expression ({exc})') from None
        if trigger.get_next_fire_time(None, datetime.now(zone)) is None:
            raise self.error(values["cron"], f"{where}.cron", f'"{text}" never comes due')
        return text

    def settings(self, node: Node, where: str) -> dict[str, str]:
        settings: dict[str, str] = {}
        for name, key, value in self.items(node, where, "a mapping of Scrapy settings to values"):
            if not SETTING_NAME.fullmatch(name):
                raise self.error(key, f"{where}.{name}", "not a Scrapy setting name (UPPER_CASE, as in -s KEY=VALUE)")
            if name in RESERVED:
                raise self.error(key, f"{where}.{name}", f"set by the scheduler from {RESERVED[name]}")
            if not isinstance(value, ScalarNode) or value.tag.endswith(":null"):
                raise self.error(value, f"{where}.{name}", f"expected a string, number or true/false, found "
                                 f"{self.found(value)}")
            if value.tag.endswith(":bool"):  # YAML's yes/on/true all mean the True that Scrapy's getbool reads
                settings[name] = str(bool(self.loader.construct_object(value)))
            else:
                settings[name] = value.value
        return settings

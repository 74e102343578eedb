"""schedule.yaml: loading, validation with file and line, next runs and the crawl command."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from archive.schedule.config import (COVERS, JOB_KEYS, RECHECK_KEYS, TOP_KEYS, TRIGGER_KEYS, ScheduleError,
                              crawl_command, crontab_weekdays, load_schedule, next_runs)


ROOT = Path(__file__).parent.parent
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def write_schedule(tmp_path: Path, jobs: dict[str, str], archive: str = "archive") -> Path:
    lines = [f"archive: {archive}", "recheck:", "  - {age: any, every: 1d}", "jobs:"]
    for name, trigger in jobs.items():
        lines += [f"  {name}:", f"    trigger: {{{trigger}}}", "    covers: discover"]
    path = tmp_path / "schedule.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_shipped_schedule_loads_and_gives_the_crawl_command():
    schedule = load_schedule(ROOT / "schedule.yaml")
    assert schedule.timezone == "Asia/Ho_Chi_Minh"
    assert schedule.archive == ROOT / "archive-data"
    day = 86400
    assert schedule.recheck == [(7 * day, 6 * 3600), (30 * day, day), (365 * day, 7 * day), (None, 30 * day)]
    assert {name: (job.trigger, job.covers, job.enabled) for name, job in schedule.jobs.items()} == {
        "news": ("15 7,12,17 * * *", "discover", True),
        "recheck": ("0 2 * * *", "recheck", True),
        "full": ("30 1 * * 0", "full", True),
    }
    assert crawl_command(schedule, schedule.jobs["full"]) == [
        sys.executable, "-m", "cli", "crawl", "--archive", str(ROOT / "archive-data"), "--job", "full",
        "-s", "PORTAL_COVERS=full",
        "-s", "PORTAL_RECHECK=[[604800,21600],[2592000,86400],[31536000,604800],[null,2592000]]",
        "-s", "AUTOTHROTTLE_TARGET_CONCURRENCY=0.5",
    ]


def test_next_runs_reads_weekdays_as_cron_does():
    schedule = load_schedule(ROOT / "schedule.yaml")
    friday = datetime(2025, 6, 20, 8, 0, tzinfo=VN)
    assert next_runs(schedule, friday) == {
        "news": datetime(2025, 6, 20, 12, 15, tzinfo=VN),
        "recheck": datetime(2025, 6, 21, 2, 0, tzinfo=VN),
        "full": datetime(2025, 6, 22, 1, 30, tzinfo=VN),  # "* * 0" is Sunday, as in crontab (APScheduler: Monday)
    }
    assert crontab_weekdays("1-5") == "mon,tue,wed,thu,fri"
    assert crontab_weekdays("5-7") == crontab_weekdays("fri-sun") == "sun,fri,sat"
    assert crontab_weekdays("*/2") == "sun,tue,thu,sat"


def test_next_runs_of_interval_and_disabled_jobs(tmp_path):
    path = write_schedule(tmp_path, {"often": "every: 10m", "never": "every: 1d"})
    path.write_text(path.read_text() + "    enabled: false\n")
    schedule = load_schedule(path)
    assert schedule.jobs["never"].enabled is False and schedule.jobs["often"].describe() == "every 10m"
    now = datetime(2025, 6, 20, 8, 0, tzinfo=VN)
    assert next_runs(schedule, now) == {"often": datetime(2025, 6, 20, 8, 10, tzinfo=VN), "never": None}


GOOD = """\
timezone: Asia/Ho_Chi_Minh
archive: ./data
recheck:
  - {age: 7d, every: 6h}
  - {age: any, every: 30d}
jobs:
  news:
    trigger: {cron: "15 7,12,17 * * *"}
    covers: discover
    settings:
      DOWNLOAD_DELAY: 2
      HTTPCACHE_ENABLED: yes
    enabled: true
"""


def variant(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new)


BAD = {
    "not YAML": (variant('covers: discover', 'covers: [discover'), 10,
                 "not valid YAML: while parsing a flow sequence from line 9: expected ',' or ']', but got ':'"),
    "empty file": ("", 1, "the file is empty: it needs at least `archive` and `jobs`"),
    "unknown top-level key": (variant("archive:", "archiv:"), 2,
                              'unknown key "archiv" (expected timezone, archive, recheck, jobs)'),
    "missing key": (variant("archive: ./data\n", ""), 1, 'missing key "archive"'),
    "unknown job key": (variant("    enabled: true", "    enable: true"), 13,
                        'jobs.news: unknown key "enable" (expected trigger, covers, settings, enabled)'),
    "unknown trigger key": (variant("{cron:", "{crontab:"), 8,
                            'jobs.news.trigger: unknown key "crontab" (expected cron, every)'),
    "two triggers": (variant('"15 7,12,17 * * *"}', '"15 7 * * *", every: 1h}'), 8,
                     "jobs.news.trigger: give exactly one of cron or every"),
    "cron with 4 fields": (variant("15 7,12,17 * * *", "15 7,12,17 * *"), 8,
                           'jobs.news.trigger.cron: "15 7,12,17 * *" is not a cron expression (5 fields expected)'),
    "cron value out of range": (
        variant("15 7,12,17 * * *", "61 7 * * *"), 8, 'jobs.news.trigger.cron: "61 7 * * *" is not a cron expression '
        "(minute 61: the last value (61) is higher than the maximum value (59))"),
    "cron weekday": (variant("15 7,12,17 * * *", "0 7 * * 8"), 8, 'jobs.news.trigger.cron: "0 7 * * 8" is not a cron '
                     "expression (weekday 8: \"8\" is not a weekday (0-7, Sunday being 0 or 7, or sun-sat))"),
    "cron day and weekday": (
        variant("15 7,12,17 * * *", "0 7 1 * mon"), 8, 'jobs.news.trigger.cron: "0 7 1 * mon" is not a cron expression '
        "(day and weekday are both restricted, which cron and APScheduler read differently: restrict one, leave the "
        "other *)"),
    "cron that never comes due": (variant("15 7,12,17 * * *", "0 0 31 2 *"), 8,
                                  'jobs.news.trigger.cron: "0 0 31 2 *" never comes due'),
    "bad interval": (variant('cron: "15 7,12,17 * * *"', "every: 10x"), 8, 'jobs.news.trigger.every: "10x" is not a '
                     "duration (a whole number and s, m, h or d: 30s, 10m, 6h, 1d)"),
    "zero interval": (variant('cron: "15 7,12,17 * * *"', "every: 0m"), 8,
                      'jobs.news.trigger.every: "0m" is not a duration (it must be longer than nothing)'),
    "interval without unit": (variant('cron: "15 7,12,17 * * *"', "every: 30"), 8, 'jobs.news.trigger.every: "30" is '
                              "not a duration (a whole number and s, m, h or d: 30s, 10m, 6h, 1d)"),
    "bad recheck duration": (variant("every: 6h", "every: 6 hours"), 4, 'recheck[0].every: "6 hours" is not a '
                             "duration (a whole number and s, m, h or d: 30s, 10m, 6h, 1d)"),
    "recheck out of order": (variant("  - {age: any", "  - {age: 1d, every: 1d}\n  - {age: any"), 5,
                             'recheck[1].age: "1d" is not older than the age before it: the first age that fits wins, '
                             "so list them from youngest to oldest"),
    "recheck after any": (GOOD.replace("  - {age: any, every: 30d}\n", "  - {age: any, every: 30d}\n"
                                       "  - {age: 400d, every: 60d}\n"), 6,
                          "recheck[2]: comes after `age: any`, which fits every article: it would never apply"),
    "unknown covers": (variant("covers: discover", "covers: everything"), 9,
                       'jobs.news.covers: "everything" is not one of discover, recheck, full'),
    "recheck without a policy": (
        GOOD.replace("recheck:\n  - {age: 7d, every: 6h}\n  - {age: any, every: 30d}\n", "").replace(
            "covers: discover", "covers: recheck"), 6,
        "jobs.news.covers: recheck needs a recheck policy: add the top-level `recheck` list"),
    "unknown time zone": (variant("Asia/Ho_Chi_Minh", "Asia/Hanoi"), 1,
                          'timezone: "Asia/Hanoi" is not a time zone (an IANA name such as Asia/Ho_Chi_Minh)'),
    "empty jobs": (GOOD[:GOOD.index("jobs:")] + "jobs: {}\n", 6, "jobs: no job: a schedule needs at least one"),
    "jobs not a mapping": (GOOD[:GOOD.index("jobs:")] + "jobs:\n  - news\n", 7,
                           "jobs: expected a mapping of job names to jobs, found a list"),
    "duplicate job": (GOOD + "  news:\n    trigger: {every: 1h}\n    covers: full\n", 14, 'jobs: duplicate key "news"'),
    "bad job name": (variant("  news:", "  ../news:"), 7, 'jobs: "../news" is not a job name (lower-case letters a-z, '
                     "digits, - and _, starting with a letter or digit, at most 64 characters)"),
    "job name with capitals": (variant("  news:", "  News:"), 7, 'jobs: "News" is not a job name (lower-case letters '
                               "a-z, digits, - and _, starting with a letter or digit, at most 64 characters)"),
    "interval too long for a date": (variant('cron: "15 7,12,17 * * *"', "every: 99999999999999999d"), 8,
                                     'jobs.news.trigger.every: "99999999999999999d" is not a duration (it must be at '
                                     "most 36500d, a hundred years)"),
    "recheck too long": (variant("every: 30d}", "every: 36501d}"), 5, 'recheck[1].every: "36501d" is not a duration '
                         "(it must be at most 36500d, a hundred years)"),
    "enabled not a boolean": (variant("enabled: true", "enabled: sometimes"), 13,
                              'jobs.news.enabled: expected true or false, found "sometimes"'),
    "setting name": (variant("DOWNLOAD_DELAY", "download_delay"), 11,
                     "jobs.news.settings.download_delay: not a Scrapy setting name (UPPER_CASE, as in -s KEY=VALUE)"),
    "reserved setting": (variant("DOWNLOAD_DELAY", "PORTAL_COVERS"), 11,
                         "jobs.news.settings.PORTAL_COVERS: set by the scheduler from the job's `covers`"),
    "setting value": (variant("DOWNLOAD_DELAY: 2", "DOWNLOAD_DELAY: [2]"), 11,
                      "jobs.news.settings.DOWNLOAD_DELAY: expected a string, number or true/false, found a list"),
}


def test_the_good_example_loads(tmp_path):
    path = tmp_path / "schedule.yaml"
    path.write_text(GOOD)
    schedule = load_schedule(path)
    assert schedule.archive == tmp_path / "data"
    assert schedule.recheck == [(7 * 86400, 6 * 3600), (None, 30 * 86400)]
    assert schedule.jobs["news"].settings == {"DOWNLOAD_DELAY": "2", "HTTPCACHE_ENABLED": "True"}


@pytest.mark.parametrize("text,line,message", BAD.values(), ids=BAD.keys())
def test_a_bad_schedule_is_rejected_with_file_line_and_problem(tmp_path, text, line, message):
    path = tmp_path / "schedule.yaml"
    path.write_text(text)
    with pytest.raises(ScheduleError) as caught:
        load_schedule(path)
    assert str(caught.value) == f"{path}:{line}: {message}"


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ScheduleError, match=r"nowhere\.yaml: cannot read the schedule"):
        load_schedule(tmp_path / "nowhere.yaml")


def test_the_docs_name_every_key_and_every_covers():
    docs = (ROOT / "docs" / "schedule.md").read_text(encoding="utf-8")
    for key in (*TOP_KEYS, *JOB_KEYS, *TRIGGER_KEYS, *RECHECK_KEYS, *COVERS):
        assert f"`{key}`" in docs, f"docs/schedule.md does not name `{key}`"

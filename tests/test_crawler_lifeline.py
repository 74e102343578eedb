"""crawler.extensions.lifeline: the crawl ends with the `portal-archive crawl` process that started it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.exceptions import NotConfigured

from crawler.extensions.lifeline import Lifeline
from test_crawler_session import crawler_for

TESTS = Path(__file__).parent
CHILD = r"""
import sys
sys.path[:0] = [sys.argv[2], sys.argv[3]]
from test_crawler_session import crawler_for
from crawler.extensions.lifeline import Lifeline
Lifeline.from_crawler(crawler_for(sys.argv[1], PORTAL_PARENT_PID=int(sys.argv[4])))
print("still running", flush=True)
"""


def test_off_without_a_parent(tmp_path):
    with pytest.raises(NotConfigured):
        Lifeline.from_crawler(crawler_for(tmp_path))


def child(tmp_path, parent: int) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CHILD, str(tmp_path), str(TESTS), str(TESTS.parent), str(parent)],
                          capture_output=True, text=True, timeout=60)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_crawl_goes_on_while_its_parent_lives_and_ends_at_once_if_it_died_before_it_asked(tmp_path):
    assert child(tmp_path, os.getpid()).stdout == "still running\n"
    # A parent pid that is not the crawl's parent: the parent died, and the crawl was adopted before it asked.
    gone = child(tmp_path, os.getpid() + 1)
    assert gone.returncode == 1 and "still running" not in gone.stdout

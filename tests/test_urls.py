"""archive/urls.py: the portal's facts from its site file, one spelling per URL, identity, canonical preference."""

from __future__ import annotations

import sqlite3

import pytest

from archive import urls
from archive.db import schema


def test_the_site_file_holds_the_portal_facts():
    site = urls.SITE
    assert site.hosts == ("thoxuan.thanhhoa.gov.vn", "thoxuan.vn")
    assert urls.MAIN_HOST == site.hosts[0] and urls.PORTAL_HOSTS == site.hosts
    assert all(u.startswith("https://") and u.endswith(site.home_path) for u in site.start_urls)
    assert "thanhhoa.gov.vn" in site.requisite_hosts
    olds = [old for old, _ in site.category_renames]
    assert olds == sorted(olds, key=len, reverse=True), "renames must be tried longest first"


@pytest.mark.parametrize("a, b", [
    ("https://thoxuan.vn/web/trang-chu/tin-tuc-su-kien-trong-huyen/x.html",
     "https://thoxuan.thanhhoa.gov.vn/web/trang-chu/tin-tuc-su-kien/x.html"),
    ("http://thoxuan.vn/web/trang-chu/gioi-thieu/y.html", "https://thoxuan.vn/web/trang-chu/tong-quan/y.html"),
    ("https://thoxuan.thanhhoa.gov.vn/web/trang-chu/tap-3/phan-mo-dau%281%29.html",
     "https://thoxuan.thanhhoa.gov.vn/web/trang-chu/tap-3/phan-mo-dau(1).html"),
])
def test_one_identity_across_hosts_schemes_encodings_and_renames(a, b):
    assert urls.identity_key(a) == urls.identity_key(b) is not None


def test_the_canonical_address_is_chosen_among_those_given_never_made():
    alias_only = ["http://thoxuan.vn/web/trang-chu/tin-tuc-su-kien-trong-huyen/a.html",
                  "https://thoxuan.vn/web/trang-chu/tin-tuc-su-kien-trong-huyen/a.html"]
    assert urls.preferred(*alias_only) == alias_only[1]  # https, on the only host that answered
    both = [*alias_only, "http://thoxuan.thanhhoa.gov.vn/web/trang-chu/tin-tuc-su-kien/a.html"]
    assert urls.preferred(*both) == both[2]  # the main host, even over http
    assert urls.preferred(None, "", both[0]) == both[0]
    for order in (both, both[::-1]):
        assert urls.preferred(*order) == both[2], "the choice must not depend on the order the answers came in"


def test_the_migration_repairs_canonical_addresses_made_by_a_rule(tmp_path):
    """An archive from before m003: its canonical address was built by a rule and never answered."""
    path = tmp_path / "archive.db"
    db = schema.connect(path)
    answered = "https://thoxuan.vn/web/trang-chu/tin-tuc-su-kien-trong-huyen/a.html"
    invented = "https://thoxuan.thanhhoa.gov.vn/web/trang-chu/tin-tuc-su-kien/a.html"
    db["categories"].insert({"path": "tin-tuc-su-kien", "label": ""})
    db["articles"].insert({"id": 1, "identity_key": "tin-tuc-su-kien/a.html", "canonical_url": invented,
                           "kind": "article", "category_path": "tin-tuc-su-kien", "first_seen": "x", "last_seen": "x"})
    db["url_aliases"].insert({"url": answered, "identity_key": "tin-tuc-su-kien/a.html", "article_id": 1,
                              "first_seen": "x", "last_seen": "x"})
    db.execute("delete from _sqlite_migrations where name = 'm003_canonical_from_answers'")
    db.conn.commit()
    db.close()
    schema.connect(path).close()  # opening applies the pending migration
    with sqlite3.connect(path) as conn:
        assert conn.execute("select canonical_url from articles").fetchone() == (answered,)


def test_each_host_spells_its_own_folder():
    alias = "https://thoxuan.vn/web/trang-chu/tin-tuc-su-kien-trong-huyen/xay-dung-dang/a%281%29.html"
    assert urls.host_folder(alias) == "tin-tuc-su-kien-trong-huyen/xay-dung-dang"
    assert urls.folder_of(alias) == "tin-tuc-su-kien/xay-dung-dang"  # the identity's spelling
    assert urls.host_path("https://thoxuan.vn/web/trang-chu/gioi-thieu") == "gioi-thieu"
    assert urls.host_folder("https://example.org/web/trang-chu/a/b.html") == ""
    assert urls.host_key("thoxuan.vn", "gioi-thieu") != urls.host_key("thoxuan.thanhhoa.gov.vn", "gioi-thieu")

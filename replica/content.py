"""The replica's content: the portal's categories, pages, images and attachments, and the base site of epoch 1.

Pure data, no HTML and no HTTP, deterministic for a seed and size; `replica.epochs.build_site` gives the site
at any epoch.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone

from replica import vocabulary as V

VN_TZ = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")
MAIN_HOST = "thoxuan.thanhhoa.gov.vn"
ALIAS_HOST = "thoxuan.vn"
PROVINCE_HOST = "thanhhoa.gov.vn"
PORTAL_HOSTS = (MAIN_HOST, ALIAS_HOST)
HOME = "/web/trang-chu"
FIRST_DATE = datetime(2015, 1, 5, tzinfo=VN_TZ)
LAST_DATE = datetime(2025, 6, 23, 16, 30, tzinfo=VN_TZ)
ALIAS_SINCE = datetime(2022, 12, 1, tzinfo=VN_TZ)  # thoxuan.vn was captured from 12/2022
NEW_TEMPLATE_SINCE = datetime(2021, 1, 1, tzinfo=VN_TZ)
# When each epoch of the replica "was crawled": Last-Modified of what an epoch changed.


@dataclass(frozen=True)
class Category:
    path: str  # under /web/trang-chu, as on the main host
    label: str
    kind: str  # "listing" (paginated articles), "section" (links to pages) or "book" (chapters)
    parent: str | None = None
    alias_path: str | None = None  # the renamed path on thoxuan.vn, None when not there


CATEGORIES = [
    Category("tong-quan", "Tổng quan", "section", alias_path="gioi-thieu"),
    Category("tong-quan/lich-su-dang-bo-huyen-tho-xuan", V.BOOK_TITLE, "section", "tong-quan",
             "gioi-thieu/lich-su-van-hoa"),
    *[Category(f"tong-quan/lich-su-dang-bo-huyen-tho-xuan/tap-{n}", f"Tập {n}", "book",
               "tong-quan/lich-su-dang-bo-huyen-tho-xuan", f"gioi-thieu/lich-su-van-hoa/tap-{n}") for n in (1, 2, 3)],
    Category("tin-tuc-su-kien", "Tin tức - Sự kiện", "listing", alias_path="tin-tuc-su-kien-trong-huyen"),
    Category("tin-tuc-su-kien/xay-dung-dang", "Xây dựng Đảng", "listing", "tin-tuc-su-kien",
             "tin-tuc-su-kien-trong-huyen/xay-dung-dang"),
    Category("tin-tuc-su-kien/kinh-te-xa-hoi", "Kinh tế - Xã hội", "listing", "tin-tuc-su-kien",
             "tin-tuc-su-kien-trong-huyen/kinh-te-xa-hoi"),
    Category("tin-tuc-su-kien/tin-van-hoa-amp;-the-thao", "Tin văn hóa & thể thao", "listing", "tin-tuc-su-kien",
             "tin-tuc-su-kien-trong-huyen/tin-van-hoa-amp;-the-thao"),
    Category("chien-luoc-dinh-huong-quy-hoach", V.FIXED_LABEL, "listing", alias_path="chien-luoc-dinh-huong-quy-hoach"),
    Category("van-ban", "Văn bản", "listing", alias_path="van-ban"),
    Category("thong-bao", "Thông báo", "listing", alias_path="thong-bao"),
]
CATEGORY = {c.path: c for c in CATEGORIES}
# Where the base articles go, by weight.
ARTICLE_CATEGORIES = [("tin-tuc-su-kien/xay-dung-dang", 20), ("tin-tuc-su-kien/kinh-te-xa-hoi", 20),
                      ("tin-tuc-su-kien/tin-van-hoa-amp;-the-thao", 15), ("chien-luoc-dinh-huong-quy-hoach", 15),
                      ("van-ban", 15), ("thong-bao", 15)]


@dataclass(frozen=True)
class Image:
    host: str
    path: str  # decoded path; the name is awkward on purpose (spaces, parentheses, upper-case .JPG)
    caption: str
    src_form: str  # how the page writes it: "root", "absolute", "protocol", "relative", "encoded"
    parenthesised: bool = False  # caption printed as "(caption)"
    fmt: str = "jpeg"
    size: tuple[int, int] = (640, 400)
    version: int = 1  # bumped when the bytes change at the same URL
    broken: bool = False  # the page links it, the server answers 404
    large: bool = False

    @property
    def url(self) -> str:
        return f"https://{self.host}{self.path}"


@dataclass(frozen=True)
class Attachment:
    path: str  # decoded path, or path?query for the download servlet
    filename: str
    link_text: str
    content_type: str
    href_form: str = "raw"  # "raw" (UTF-8 in the href) or "encoded" (percent-encoded)
    disposition: bool = False  # the file name is only in Content-Disposition (a download servlet, no name in the URL)
    # How Content-Disposition writes the name (replica.catalog.disposition_header): "rfc6266" (an ASCII
    # `filename=` and `filename*=UTF-8''...`), "ext-only" (`filename*=` alone), "raw-utf8" (UTF-8 bytes inside
    # `filename="..."`) or "percent-quoted" (`filename="%E1%BA..."`); `name_nfd`: the name sent decomposed.
    disposition_form: str = "rfc6266"
    name_nfd: bool = False

    @property
    def url(self) -> str:
        return f"https://{MAIN_HOST}{self.path}"


@dataclass(frozen=True)
class Page:
    """An article, static page, book chapter or document page: one identity, possibly many URLs."""

    id: str
    kind: str  # "article", "document", "static", "chapter"
    category: str  # Category.path
    slug: str  # file name without ".html"; static pages have no extension
    title: str
    published: datetime
    lead: str
    body: tuple[str, ...]
    images: tuple[Image, ...] = ()
    image_after: tuple[int, ...] = ()  # body index each image follows
    attachments: tuple[Attachment, ...] = ()
    author: str = ""
    hosts: tuple[str, ...] = (MAIN_HOST,)
    also_in: tuple[str, ...] = ()  # other categories whose listing links it, at a path under that category
    links: tuple[tuple[int, str, str], ...] = ()  # (body index, phrase, target page id or absolute URL)
    nfd: bool = False
    modified: datetime | None = None
    changes: tuple[str, ...] = ()  # what this epoch changed: "new", "title", "body", "caption", "image"
    removed: str = ""  # "" or how it went: "404", "410", "unlisted"

    @property
    def template(self) -> str:
        return "new" if self.published >= NEW_TEMPLATE_SINCE or self.kind in ("static", "chapter") else "old"

    @property
    def last_modified(self) -> datetime:
        return self.modified or self.published

    def path_in(self, category: str, host: str = MAIN_HOST) -> str:
        cat = CATEGORY[category]
        cat_path = cat.path if host == MAIN_HOST else cat.alias_path
        suffix = "" if self.kind == "static" else ".html"
        return f"{HOME}/{cat_path}/{self.slug}{suffix}"

    @property
    def canonical_url(self) -> str:
        return f"https://{self.hosts[0]}{self.path_in(self.category, self.hosts[0])}"


@dataclass
class Site:
    seed: int
    articles: int
    epoch: int
    pages: list[Page]
    removed: list[Page] = field(default_factory=list)
    offsite: list[tuple[str, str, datetime]] = field(default_factory=list)  # province articles: path, title, date

    def by_id(self) -> dict[str, Page]:
        return {p.id: p for p in self.pages + self.removed}


def slugify(title: str) -> str:
    """The portal's slug: the whole title folded to ASCII, punctuation dropped, spaces to '-', never truncated."""
    folded = unicodedata.normalize("NFD", title.replace("đ", "d").replace("Đ", "D"))
    kept = "".join(ch for ch in folded if unicodedata.category(ch) != "Mn")
    words = "".join(ch if ch.isalnum() else (" " if ch.isspace() else "") for ch in kept.lower())
    return "-".join(words.split())


class Writer:
    """Draws Vietnamese text from the vocabulary with one seeded generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def fill(self, pattern: str, topic_key: str, when: datetime) -> str:
        r = self.rng
        person, role = r.choice(V.PEOPLE)
        place = r.choice(V.PLACES)
        slots = {
            "person": person, "role": role, "place": place, "place_cap": place[0].upper() + place[1:],
            "event": r.choice(V.EVENTS), "topic": r.choice(V.TOPICS.get(topic_key, V.TOPICS["kinh-te-xa-hoi"])),
            "year": when.year, "day": f"{when.day:02d}", "month": f"{when.month:02d}",
            "half": r.choice(["6 tháng đầu", "6 tháng cuối", "quý I của"]),
            "number": r.randint(12, 980), "small": r.randint(2, 9),
            "organiser": r.choice(V.ORGANISERS).replace("{place}", place),
        }
        return pattern.format(**slots)

    def paragraph(self, topic_key: str, when: datetime) -> str:
        count = self.rng.randint(2, 4)
        return " ".join(self.fill(self.rng.choice(V.SENTENCES), topic_key, when) for _ in range(count))


def topic_key(category: str) -> str:
    return category.rsplit("/", 1)[-1]


def _random_date(rng: random.Random) -> datetime:
    span = (LAST_DATE - FIRST_DATE).total_seconds()
    moment = FIRST_DATE + timedelta(seconds=rng.uniform(0, span))
    return moment.replace(microsecond=0)


def make_images(rng: random.Random, writer: Writer, page_no: int, category: str, when: datetime,
            count: int, body_len: int) -> tuple[tuple[Image, ...], tuple[int, ...]]:
    images, after = [], []
    folder = 20182 + page_no
    forms = ["root", "root", "absolute", "protocol", "relative", "encoded"]
    for n in range(count):
        stem = rng.choice(V.IMAGE_STEMS).format(n=rng.randint(100, 9999))
        ext = rng.choice([".jpg", ".JPG", ".png", ".jpeg"])
        fmt = "png" if ext == ".png" else "jpeg"
        caption = writer.fill(rng.choice(V.CAPTIONS), topic_key(category), when)
        if when >= NEW_TEMPLATE_SINCE and rng.random() < 0.15:
            host, path, form = PROVINCE_HOST, f"/portal/Photos/{when:%Y-%m}/{stem}-{page_no}-{n}{ext}", "absolute"
        else:
            host, path = MAIN_HOST, f"/documents/{folder}/0/{stem} ({n + 1}){ext}" if n else f"/documents/{folder}/0/{stem}{ext}"
            form = rng.choice(forms)
        images.append(Image(host, path, caption, form, parenthesised=rng.random() < 0.3, fmt=fmt,
                            size=(rng.choice([480, 640, 800]), rng.choice([320, 400, 450]))))
        after.append(min(body_len - 1, n * 2))
    return tuple(images), tuple(after)


def _attachments(rng: random.Random, page_no: int, doc_kind: tuple[str, str], number: int, when: datetime) -> tuple[Attachment, ...]:
    name, code = doc_kind
    files = [(f"{name} {number}-{code}.pdf", "application/pdf")]
    if rng.random() < 0.6:
        files.append((f"Phụ lục kèm theo {name.lower()} số {number}.doc", "application/msword"))
    if rng.random() < 0.4:
        files.append((f"Biểu mẫu số liệu năm {when.year}.xls", "application/vnd.ms-excel"))
    return tuple(Attachment(f"/documents/{20182 + page_no}/{page_no}/{filename}", filename,
                            rng.choice([filename, "Tải về", f"{name} số {number}/{code}"]), ctype,
                            href_form=rng.choice(["raw", "encoded"]))
                 for filename, ctype in files)


def base_pages(seed: int, count: int) -> tuple[list[Page], list[tuple[str, str, datetime]]]:
    rng = random.Random(seed)
    writer = Writer(rng)
    dates = sorted((_random_date(rng) for _ in range(count - 1)), reverse=True)
    dates.insert(0, LAST_DATE)  # the latest article seen on the live portal
    # Whatever the size: a few recent articles (new template, both hosts) and an old-template one.
    for n in range(1, 5):
        dates[n] = max(dates[n], LAST_DATE - timedelta(days=3 * n, hours=n))
    if dates[-1] >= NEW_TEMPLATE_SINCE:
        dates[-1] = datetime(2016, 8, 4, 17, 29, 33, tzinfo=VN_TZ)
    cats = [c for c, _ in ARTICLE_CATEGORIES]
    weights = [w for _, w in ARTICLE_CATEGORIES]
    pages: list[Page] = []
    for n, when in enumerate(dates):
        category = cats[n] if n < len(cats) else rng.choices(cats, weights)[0]  # every category has one
        key = topic_key(category)
        kind = "document" if category == "van-ban" else "article"
        if kind == "document":
            doc_kind = rng.choice(V.DOCUMENT_KINDS)
            number = rng.randint(10, 4999)
            title = (f"{doc_kind[0]} số {number}/{doc_kind[1]} ngày {when:%d/%m/%Y} của UBND huyện Thọ Xuân "
                     f"về việc {rng.choice(V.DOCUMENT_SUBJECTS)}")
        else:
            title = writer.fill(rng.choice(V.TITLE_PATTERNS), key, when)
            if rng.random() < 0.05:
                title = f"{title}, {V.LONG_TITLE_TAIL}"
        body = tuple(writer.paragraph(key, when) for _ in range(rng.randint(3, 7)))
        n_images = 0 if kind == "document" else rng.choices([0, 1, 2, 3], [2, 4, 3, 1])[0]
        images, after = make_images(rng, writer, n, category, when, n_images, len(body))
        attachments = _attachments(rng, n, doc_kind, number, when) if kind == "document" else ()
        hosts = (MAIN_HOST,)
        if when >= ALIAS_SINCE:
            hosts = rng.choice([(MAIN_HOST, ALIAS_HOST), (ALIAS_HOST,), (MAIN_HOST, ALIAS_HOST)])
        pages.append(Page(
            id=f"a{n + 1:05d}", kind=kind, category=category, slug="", title=title, published=when,
            lead=writer.fill(rng.choice(V.LEADS), key, when), body=body, images=images, image_after=after,
            attachments=attachments, author=rng.choice(V.AUTHORS), hosts=hosts, nfd=rng.random() < 0.08,
        ))
    pages = _quirks(rng, pages)
    offsite = [(f"/portal/Pages/{when:%Y-%m-%d}/{slugify(title)}.aspx", title, when)
               for title, when in ((writer.fill(rng.choice(V.TITLE_PATTERNS), "kinh-te-xa-hoi", d), d)
                                   for d in sorted(_random_date(rng) for _ in range(4)))]
    pages = _cross_links(rng, pages, offsite)
    # Documents have no lead on the portal: what the generator drew as one is their first body paragraph.
    pages = [without_lead(p) if p.kind == "document" else p for p in pages]
    pages = _servlets(random.Random(seed * 31 + 13), pages)
    return pages + _fixed_pages(random.Random(seed + 1)), offsite


def without_lead(page: Page) -> Page:
    """The page with its lead made the first body paragraph (chapters and documents have no lead)."""
    return replace(page, lead="", body=(page.lead, *page.body),
                   links=tuple((idx + 1, phrase, dest) for idx, phrase, dest in page.links),
                   image_after=tuple(n + 1 for n in page.image_after))


# Download servlets: no file name and no extension in the URL; only the server's answer (Content-Disposition:
# attachment, a non-HTML type) says it is a file, and what it is called. Every form is planted at any size.
SERVLET_FORMS = [  # (servlet, name form, name sent NFD, content type: "" = the file's own type)
    ("tai-ve", "rfc6266", False, "application/octet-stream"), ("download", "raw-utf8", False, ""),
    ("tai-ve", "percent-quoted", False, "application/octet-stream"), ("download", "ext-only", True, ""),
    ("tai-ve", "raw-utf8", True, "application/octet-stream"), ("download", "rfc6266", True, ""),
]

EXTRA_FILES = [("Danh mục hồ sơ kèm theo.pdf", "application/pdf"), ("Mẫu đơn đề nghị của công dân.doc", "application/msword"),
               ("Phụ lục số liệu tổng hợp.xls", "application/vnd.ms-excel")]


def servlet_path(servlet: str, number: int) -> str:
    if servlet == "tai-ve":
        return f"{HOME}/tai-ve?id={number}"
    return f"/c/document_library/download?fileEntryId={number}&groupId=20182"


def _servlets(rng: random.Random, pages: list[Page]) -> list[Page]:
    """Serve about a third of the documents' files through a download servlet, and plant every form at any size."""
    docs = [i for i, p in enumerate(pages) if p.kind == "document"]
    if not docs:
        return pages
    chosen = [(i, n) for i in docs for n, a in enumerate(pages[i].attachments)
              if not a.disposition and rng.random() < 0.35]
    extra = max(0, len(SERVLET_FORMS) - len(chosen))
    number = 40000 + rng.randrange(1000)
    out = list(pages)
    for k, (i, n) in enumerate(chosen + [(docs[k % len(docs)], -1) for k in range(extra)]):
        servlet, form, nfd, ctype = SERVLET_FORMS[k % len(SERVLET_FORMS)]
        number += rng.randint(1, 97)
        page = out[i]
        if n < 0:  # not enough files on a small site: one more, named like the others
            name, ctype_own = EXTRA_FILES[k % len(EXTRA_FILES)]
            att = Attachment("", name, rng.choice([name, "Tải về", "Tài liệu kèm theo (tải về)"]), ctype_own)
        else:
            att = page.attachments[n]
        att = replace(att, path=servlet_path(servlet, number), disposition=True, disposition_form=form,
                      name_nfd=nfd, href_form="raw", content_type=ctype or att.content_type)
        files = list(page.attachments)
        if n < 0:
            files.append(att)
        else:
            files[n] = att
        out[i] = replace(page, attachments=tuple(files))
    return out


def _quirks(rng: random.Random, pages: list[Page]) -> list[Page]:
    """Plant the portal's confirmed quirks on chosen articles, whatever the size."""
    news = [i for i, p in enumerate(pages) if p.kind == "article" and p.category.startswith("tin-tuc-su-kien/")]
    # A second article with the same title in the same category: the portal gives it a "(1)" slug.
    if len(news) >= 2:
        first, second = pages[news[0]], pages[news[-1]]
        pages[news[-1]] = replace(second, title=first.title, category=first.category)
    # A title long enough for a 190+ character slug, as the portal shows (never truncated).
    if news and not any(len(slugify(pages[i].title)) > 190 for i in news):
        pages[news[1]] = replace(pages[news[1]], title=f"{pages[news[1]].title}, {V.LONG_TITLE_TAIL}")
    # One article listed under two categories.
    economy = [i for i in news if pages[i].category == "tin-tuc-su-kien/kinh-te-xa-hoi"] or news
    if economy:
        i = economy[len(economy) // 2]
        pages[i] = replace(pages[i], also_in=("tin-tuc-su-kien/xay-dung-dang",))
    # The download servlet: no file name in the URL, only in Content-Disposition.
    docs = [i for i, p in enumerate(pages) if p.kind == "document"]
    if docs:
        doc = pages[docs[0]]
        extra = Attachment(f"/c/document_library/get_file?uuid={rng.getrandbits(64):016x}&groupId=20182",
                           "Danh sách tổng hợp ý kiến.xls", "Danh sách tổng hợp ý kiến (tải về)",
                           "application/octet-stream", disposition=True)
        pages[docs[0]] = replace(doc, attachments=doc.attachments + (extra,))
    # A broken (404) image, a very large one and one hot-linked from the province, on recent articles.
    recent = [i for i, p in enumerate(pages) if p.kind == "article" and p.template == "new" and i not in news[:2]]
    # A small site may draw fewer than three recent articles: older ones carry these quirks then.
    recent += [i for i, p in enumerate(pages) if p.kind == "article" and i not in recent and i not in news[:2]]
    for i in recent[:3]:
        if not pages[i].images or pages[i].images[0].host != MAIN_HOST:
            caption = " ".join(pages[i].lead.rstrip(".").split()[:8])
            img = Image(MAIN_HOST, f"/documents/{20182 + i}/0/anh {pages[i].id}.jpg", caption, "root")
            pages[i] = replace(pages[i], images=(img,) + pages[i].images[1:], image_after=(0,) + pages[i].image_after[1:])
    if not any(img.host == PROVINCE_HOST for p in pages for img in p.images):
        page = pages[recent[2]]
        img = replace(page.images[0], host=PROVINCE_HOST, src_form="absolute",
                      path=f"/portal/Photos/{page.published:%Y-%m}/anh-{page.id}.jpg")
        pages[recent[2]] = replace(page, images=(img,) + page.images[1:])
    for i, change in ((recent[0], {"broken": True}), (recent[1], {"large": True, "size": (3000, 2000)})):
        img = pages[i].images[0]
        pages[i] = replace(pages[i], images=(replace(img, **change),) + pages[i].images[1:])
    # An article only on the newer host, and one stored decomposed (NFD).
    if not any(p.hosts == (ALIAS_HOST,) for p in pages):
        i = next(i for i, p in enumerate(pages) if p.published >= ALIAS_SINCE and i not in news[:2] + recent[:3])
        pages[i] = replace(pages[i], hosts=(ALIAS_HOST,))
    if not any(p.nfd for p in pages):
        pages[-1] = replace(pages[-1], nfd=True)
    return with_slugs(pages)


def with_slugs(pages: list[Page]) -> list[Page]:
    """Give slugs to the pages that have none; a slug, once given, never changes (an edited title keeps its URL)."""
    taken = {(p.category, p.slug) for p in pages if p.slug}
    seen: dict[tuple[str, str], int] = {}
    out = []
    for page in sorted(pages, key=lambda p: (p.published, p.id)):
        if page.slug:
            out.append(page)
            continue
        base = slugify(page.title)
        n = seen.get((page.category, base), 0)
        while (page.category, base if n == 0 else f"{base}({n})") in taken:
            n += 1
        seen[(page.category, base)] = n + 1
        slug = base if n == 0 else f"{base}({n})"
        taken.add((page.category, slug))
        out.append(replace(page, slug=slug))
    order = {p.id: i for i, p in enumerate(pages)}
    return sorted(out, key=lambda p: order[p.id])


def _cross_links(rng: random.Random, pages: list[Page], offsite: list) -> list[Page]:
    """Some paragraphs link a phrase to another article (in any of its URL forms) or to the province portal."""
    out = []
    for page in pages:
        if page.body and rng.random() < 0.2:
            target = rng.choice(pages)
            idx = rng.randrange(len(page.body))
            phrase = " ".join(page.body[idx].split()[:4])
            dest = target.id if target.id != page.id else f"https://{PROVINCE_HOST}{offsite[0][0]}"
            page = replace(page, links=((idx, phrase, dest),))
        out.append(page)
    return out


def _fixed_pages(rng: random.Random) -> list[Page]:
    """Static pages of the overview section and the chapters of the party history book."""
    writer = Writer(rng)
    pages = []
    for n, (slug, title) in enumerate(V.STATIC_PAGES):
        when = datetime(2021, 3, 15 + n, 9, 0, tzinfo=VN_TZ)
        pages.append(Page(f"s{n + 1:02d}", "static", "tong-quan", slug, title, when,
                          writer.fill(V.LEADS[2], "chien-luoc-dinh-huong-quy-hoach", when),
                          tuple(writer.paragraph("chien-luoc-dinh-huong-quy-hoach", when) for _ in range(6)),
                          author="Văn phòng HĐND - UBND huyện Thọ Xuân", hosts=(MAIN_HOST, ALIAS_HOST)))
    for volume, chapters in V.BOOK_CHAPTERS.items():
        seen: dict[str, int] = {}
        for n, title in enumerate(chapters):
            base = slugify(title.split(":")[0])
            count = seen.get(base, 0)
            seen[base] = count + 1
            when = datetime(2021, 9, volume * 3 + n, 8, 0, tzinfo=VN_TZ)
            body = tuple(writer.paragraph("xay-dung-dang", when) for _ in range(8))
            first = writer.paragraph("xay-dung-dang", when)  # drawn as a lead once; chapters have none
            pages.append(Page(f"c{volume}{n + 1:02d}", "chapter", f"tong-quan/lich-su-dang-bo-huyen-tho-xuan/tap-{volume}",
                              base if count == 0 else f"{base}({count})", f"{V.BOOK_TITLE} - Tập {volume} - {title}",
                              when, "", (first, *body),
                              author="Ban Thường vụ Huyện ủy Thọ Xuân", hosts=(MAIN_HOST, ALIAS_HOST)))
    return pages

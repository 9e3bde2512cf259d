"""Saved HTML pages and WARC files import with their title, date, URL and body (archive.text.html / .warc)."""

from __future__ import annotations

import datetime
import gzip
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.importing import CONFLICT, FAILED, IMPORTED, UNCHANGED, UPDATED, import_paths
from archive.models import Article
from archive.services import mark_curated
from archive.text.html import parse_html

BODY_1 = "深圳政府六部门联合开展“售后服务”，为中小微企业复工复产疏通经络，针对疫情期间中小微企业遇到的困难统筹推进。"
BODY_2 = (
    "时隔一个多月，已有诸多企业受到了实际的支持，成效显著；人力资源保障局等六大部门携手纾困，帮助企业用好用足政策红利。"
)


def page(*, title: str = "深圳复工复产“售后服务”", extra_head: str = "", charset: str = "utf-8") -> str:
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="{charset}">
<title>{title} | 深圳新闻网</title>
<meta property="og:title" content="{title}">
<meta property="article:published_time" content="2020-03-20T08:00:00+08:00">
<link rel="canonical" href="http://www.sznews.com/news/content/2020-03/20/content_1.htm">
{extra_head}
<script>var tracking = "不应出现";</script><style>.x {{ color: red }}</style>
</head><body>
<div class="nav"><a href="/">首页</a> | <a href="/news">新闻</a> | <a href="/video">视频</a></div>
<article>
<h1>{title}</h1>
<p>{BODY_1}</p>
<p>{BODY_2}</p>
</article>
<div class="share">分享到：微信 微博 QQ空间</div>
<footer><p>Copyright © 2020 sznews.com 深圳新闻网版权所有</p></footer>
</body></html>"""


def test_parse_html_reads_metadata_and_keeps_the_rest_as_furniture():
    parsed = parse_html(page().encode())
    assert parsed.title == "深圳复工复产“售后服务”"
    assert (parsed.pub_year, parsed.pub_month, parsed.pub_day) == (2020, 3, 20)
    assert parsed.original_url == "http://www.sznews.com/news/content/2020-03/20/content_1.htm"
    assert parsed.language == "zh-Hans"
    body = [p.text for p in parsed.paragraphs if not p.is_boilerplate]
    assert body == ["深圳复工复产“售后服务”", BODY_1, BODY_2]
    furniture = [p.text for p in parsed.paragraphs if p.is_boilerplate]
    assert any("首页" in text for text in furniture)
    assert any("分享到" in text for text in furniture)
    assert any("版权所有" in text for text in furniture)
    assert not any("不应出现" in p.text or "color" in p.text for p in parsed.paragraphs)
    assert [p.position for p in parsed.paragraphs] == list(range(1, len(parsed.paragraphs) + 1))
    assert parsed.paragraphs[0].text.startswith("首页")  # page order kept: the navigation comes first


def test_meta_date_and_og_url_when_there_is_no_article_time():
    html = f"""<html><head><title>Daily Briefing</title><meta name="date" content="2020-03-31">
    <meta property="og:url" content="https://www.eyeshenzhen.com/b/1"></head>
    <body><p>{BODY_1}</p><p>{BODY_2}</p></body></html>"""
    parsed = parse_html(html.encode())
    assert parsed.title == "Daily Briefing"
    assert (parsed.pub_year, parsed.pub_month, parsed.pub_day) == (2020, 3, 31)
    assert parsed.original_url == "https://www.eyeshenzhen.com/b/1"
    # The host is the site the page came from, not a source: the page names none.
    assert (parsed.site, parsed.source_name, parsed.source_domain) == ("eyeshenzhen.com", "", "")


def test_declared_legacy_charset_is_used():
    parsed = parse_html(page(charset="gbk").encode("gb18030"))
    assert parsed.encoding == "gb18030"
    assert BODY_1 in [p.text for p in parsed.paragraphs]


@pytest.mark.parametrize("suffix", [".html", ".htm"])
def test_html_file_imports_as_an_article(db, tmp_path, suffix):
    path = tmp_path / f"page{suffix}"
    path.write_text(page(), encoding="utf-8")
    report = import_paths(paths=[tmp_path])
    assert [r.outcome for r in report.results] == [IMPORTED]
    article = Article.objects.get(source_file=f"page{suffix}")
    assert article.title == "深圳复工复产“售后服务”"
    assert article.published_iso == "2020-03-20"
    assert article.original_url.endswith("content_1.htm")
    body = list(article.paragraphs.filter(is_boilerplate=False).order_by("position").values_list("text", flat=True))
    assert body[1:] == [BODY_1, BODY_2]
    assert article.paragraphs.filter(is_boilerplate=True).count() >= 3
    assert [r.outcome for r in import_paths(paths=[tmp_path]).results] == [UNCHANGED]


# --- WARC -------------------------------------------------------------------------------------


def write_warc(path: Path, records: list[tuple[str, str, bytes, str]], *, gz: bool) -> None:
    """records: (target URI, WARC-Date, payload, content type)."""
    buffer = BytesIO()
    writer = WARCWriter(buffer, gzip=gz)
    writer.write_record(writer.create_warcinfo_record(path.name, {"software": "tests"}))
    for uri, date, payload, content_type in records:
        headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            uri, "response", payload=BytesIO(payload), http_headers=headers, warc_headers_dict={"WARC-Date": date}
        )
        writer.write_record(record)
    path.write_bytes(buffer.getvalue())


@pytest.mark.parametrize("gz", [False, True])
def test_warc_records_import_as_articles_with_capture_url_and_date(db, tmp_path, gz):
    name = "crawl.warc.gz" if gz else "crawl.warc"
    english = """<html><head><title>Daily Briefing on Fighting against COVID-19 (March 20, 2020)</title>
    <meta property="article:published_time" content="2020-03-20"></head><body>
    <nav>Home | News</nav><article><h1>Daily Briefing on Fighting against COVID-19 (March 20, 2020)</h1>
    <p>Shenzhen has invested 250 million yuan to support related scientific research during the epidemic.</p>
    <p>Six government departments jointly launched after-sales services for small and medium enterprises.</p>
    </article></body></html>"""
    write_warc(
        tmp_path / name,
        [
            ("http://www.sznews.com/a/1.html", "2020-03-21T01:02:03Z", page().encode(), "text/html; charset=utf-8"),
            ("http://www.sznews.com/logo.png", "2020-03-21T01:02:04Z", b"\x89PNG...", "image/png"),
            ("http://www.eyeshenzhen.com/b/2", "2020-03-22T04:05:06Z", english.encode(), "text/html"),
        ],
        gz=gz,
    )
    report = import_paths(paths=[tmp_path])
    assert [r.outcome for r in report.results] == [IMPORTED, IMPORTED]
    first, second = (Article.objects.get(pk=r.article_id) for r in report.results)
    assert first.source_file == f"{name}#1" and second.source_file == f"{name}#3"
    assert first.original_url == "http://www.sznews.com/a/1.html"  # the capture URL, not the canonical one
    assert first.captured_at == datetime.datetime(2020, 3, 21, 1, 2, 3, tzinfo=datetime.UTC)
    assert first.title == "深圳复工复产“售后服务”"
    assert first.published_iso == "2020-03-20"
    assert BODY_1 in first.paragraphs.filter(is_boilerplate=False).values_list("text", flat=True)
    assert second.original_url == "http://www.eyeshenzhen.com/b/2"
    assert second.captured_at == datetime.datetime(2020, 3, 22, 4, 5, 6, tzinfo=datetime.UTC)
    assert second.language == "en"
    assert second.title.startswith("Daily Briefing")
    assert second.paragraphs.filter(is_boilerplate=False, text__startswith="Shenzhen has invested").exists()
    # Idempotent by record hash.
    again = import_paths(paths=[tmp_path])
    assert [r.outcome for r in again.results] == [UNCHANGED, UNCHANGED]


def test_import_seeds_command_reads_warc_and_html(db, tmp_path):
    write_warc(
        tmp_path / "a.warc", [("http://x.example/1", "2020-03-21T00:00:00Z", page().encode(), "text/html")], gz=False
    )
    (tmp_path / "b.html").write_text(page(title="第二篇"), encoding="utf-8")
    out = StringIO()
    call_command("import_seeds", str(tmp_path), stdout=out, stderr=StringIO())
    assert "imported 2" in out.getvalue()
    assert set(Article.objects.values_list("source_file", flat=True)) == {"a.warc#1", "b.html"}


def test_a_corrupt_warc_fails_with_one_clear_line(db, tmp_path):
    (tmp_path / "bad.warc.gz").write_bytes(gzip.compress(b"<html>this is not a warc</html>\n"))
    report = import_paths(paths=[tmp_path])
    assert [r.outcome for r in report.results] == [FAILED]
    assert report.results[0].source_file == "bad.warc.gz"
    assert "\n" not in report.results[0].message


def test_a_changed_warc_record_keeps_a_curators_edit_unless_forced(db, tmp_path):
    url, date = "http://www.sznews.com/a/1.html", "2020-03-21T01:02:03Z"
    write_warc(tmp_path / "crawl.warc", [(url, date, page().encode(), "text/html; charset=utf-8")], gz=False)
    [first] = import_paths(paths=[tmp_path]).results
    article = Article.objects.get(pk=first.article_id)
    article.title = "A curator's title"
    article.save()
    mark_curated(article_ids=[article.pk])
    recrawled = page(title="深圳复工复产（更新）").encode()
    write_warc(tmp_path / "crawl.warc", [(url, date, recrawled, "text/html; charset=utf-8")], gz=False)
    [again] = import_paths(paths=[tmp_path]).results
    assert again.outcome == CONFLICT and "edited in the admin" in again.message
    assert Article.objects.get(pk=article.pk).title == "A curator's title"
    [forced] = import_paths(paths=[tmp_path], force=True).results
    assert forced.outcome == UPDATED
    assert Article.objects.get(pk=article.pk).title != "A curator's title"


# --- Source, site, structure -------------------------------------------------------------------


def info_page(*, info: str = "", head: str = "", body_extra: str = "") -> bytes:
    return f"""<html><head><meta charset="utf-8"><title>疫情防控通报-深圳市人民政府</title>{head}</head><body>
    <div class="top"><ul class="menu"><li><a href="/">首页</a></li><li><a href="/zw">政务公开</a></li></ul></div>
    <div class="main"><h1>疫情防控通报</h1><div class="info">{info}</div>
    <p>{BODY_1}</p><p>{BODY_2}</p>{body_extra}</div>
    <div class="footer"><p>深圳市人民政府版权所有</p><p>Copyright © 2020 www.sz.gov.cn</p></div>
    </body></html>""".encode()


@pytest.mark.parametrize(
    ("info", "head", "source"),
    [
        # the source the page names wins over its metadata and over the site's name
        ("发布时间：2020-03-04 来源：深圳特区报", '<meta name="source" content="新华社">', "深圳特区报"),
        ("发布时间：2020-03-04 来源：", '<meta name="source" content="新华社">', "新华社"),
        ("发布时间：2020-03-04", '<meta property="og:site_name" content="深圳政府在线">', "深圳政府在线"),
        ("发布时间：2020-03-04", "", "深圳市人民政府"),  # the owner the copyright footer names
    ],
    ids=["credited", "meta-source", "og-site-name", "footer-owner"],
)
def test_html_source_is_the_one_the_page_names_and_the_host_is_its_site(info, head, source):
    parsed = parse_html(info_page(info=info, head=head), url="http://www.sz.gov.cn/cn/xxgk/post_1.html")
    assert (parsed.source_name, parsed.site) == (source, "sz.gov.cn")
    assert (parsed.pub_year, parsed.pub_month, parsed.pub_day, parsed.pub_year_inferred) == (2020, 3, 4, False)


def test_html_structure_flags_navigation_asides_footers_and_link_lists():
    related = "".join(f'<li><a href="/n/{k}">深圳第{k}批援鄂医疗队员平安返深</a></li>' for k in range(3))
    html = info_page(
        info="发布时间：2020-03-04 来源：深圳特区报",
        body_extra='<p><a href="/zcfg/1.pdf">深圳市关于做好企业复工复产疫情防控工作的通知（全文）</a></p>'
        f'<ul class="xglist">{related}</ul><aside><p>本站热门：深圳市复工复产指引汇总</p></aside>'
        "<nav><p>深圳发布 · 深圳新闻网 · 读特</p></nav>",
    )
    parsed = parse_html(html)
    roles = {p.text: p.role for p in parsed.paragraphs}
    assert roles["疫情防控通报"] == "title"
    assert roles["发布时间：2020-03-04 来源：深圳特区报"] == "metadata"
    assert roles[BODY_1] == roles[BODY_2] == "body"
    assert roles["深圳市关于做好企业复工复产疫情防控工作的通知（全文）"] == "body"  # one link alone is no list
    for furniture in (
        "首页",  # a menu item
        "深圳第0批援鄂医疗队员平安返深",  # a list of links, under no heading
        "本站热门：深圳市复工复产指引汇总",  # <aside>
        "深圳发布 · 深圳新闻网 · 读特",  # <nav>
        "深圳市人民政府版权所有",  # class="footer"
    ):
        assert roles[furniture] == "boilerplate", furniture


def test_a_year_missing_on_the_page_comes_from_its_url_or_capture_date(db, tmp_path):
    undated = page(title="深圳复工复产").replace(
        '<meta property="article:published_time" content="2020-03-20T08:00:00+08:00">', ""
    )
    undated = undated.replace("<h1>深圳复工复产</h1>", "<h1>深圳复工复产</h1><p>03-20 08:00 来源：深圳新闻网</p>")
    undated = undated.replace(
        '<link rel="canonical" href="http://www.sznews.com/news/content/2020-03/20/content_1.htm">', ""
    )
    dated_url, plain_url = "http://www.sznews.com/news/content/2020-03/20/c_1.htm", "http://www.sznews.com/news/c_2.htm"
    captured = "2021-01-02T00:00:00Z"
    records = [(url, captured, undated.encode(), "text/html") for url in (dated_url, plain_url)]
    write_warc(tmp_path / "crawl.warc", records, gz=False)
    by_url, by_capture = (Article.objects.get(pk=r.article_id) for r in import_paths(paths=[tmp_path]).results)
    assert (by_url.pub_year, by_url.pub_month, by_url.pub_day, by_url.pub_year_inferred) == (2020, 3, 20, True)
    assert (by_capture.pub_year, by_capture.pub_year_inferred) == (2020, True)  # 20 March before 2 January 2021
    assert by_url.site == by_capture.site == "sznews.com"
    assert by_url.source.name == "深圳新闻网"

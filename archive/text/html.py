"""A saved HTML page → ParsedPage (pure: no Django here).

The main text is what trafilatura extracts; every other visible text line of
the page is kept as a boilerplate paragraph, in page order, so nothing is
lost and positions follow the page. Title, date and URL come from the page's
metadata (og:title / <title>, article:published_time / <meta name="date">,
<link rel="canonical"> / og:url), falling back to the text pipeline's rules.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import lxml.html
import trafilatura
from lxml import etree

from archive.text import boilerplate, metadata, script
from archive.text.decode import DecodeError, decode_bytes
from archive.text.paragraphs import clean_line, is_blank
from archive.text.pipeline import ParsedPage, ParsedParagraph, translation_pairs

HTML_SUFFIXES = (".html", ".htm")

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "big5hkscs": "big5", "cp950": "big5"}
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})")
_SPACE = re.compile(r"\s+")
_INVISIBLE = ("script", "style", "noscript", "template", "head", "svg", "iframe", "object")
_BLOCKS = frozenset(
    (
        *("address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure"),
        *("footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p"),
        *("pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "option", "title"),
    )
)
_DATE_META = (
    ("property", "article:published_time"),
    ("name", "article:published_time"),
    ("name", "date"),
    ("name", "pubdate"),
    ("name", "publishdate"),
    ("itemprop", "datePublished"),
    ("name", "dc.date"),
    ("name", "DC.date.issued"),
)


def decode_html(data: bytes, *, charset: str = "") -> tuple[str, str]:
    """Text and encoding: a BOM, then the given (HTTP) charset, then <meta charset>, then detection."""
    declared = [charset] if charset else []
    if match := _CHARSET.search(data[:4096]):
        declared.append(match.group(1).decode("ascii"))
    if not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        for name in declared:
            encoding = _ALIASES.get(name.lower(), name.lower())
            try:
                return data.decode(encoding), encoding
            except (LookupError, UnicodeDecodeError):
                continue
    decoded = decode_bytes(data)
    return decoded.text, decoded.encoding


def _key(text: str) -> str:
    return _SPACE.sub("", text)


def _meta(tree, attribute: str, value: str) -> str:
    for element in tree.iter("meta"):
        if (element.get(attribute) or "").lower() == value.lower() and (content := element.get("content")):
            return content.strip()
    return ""


def page_metadata(tree) -> dict[str, str]:
    """title, date, url and site name as the page's <head> declares them."""
    title = _meta(tree, "property", "og:title")
    if not title:
        found = tree.find(".//title")
        title = _SPACE.sub(" ", found.text_content()).strip() if found is not None else ""
    if not title:
        found = tree.find(".//h1")
        title = _SPACE.sub(" ", found.text_content()).strip() if found is not None else ""
    date = ""
    for attribute, value in _DATE_META:
        if date := _meta(tree, attribute, value):
            break
    if not date:
        for element in tree.iter("time"):
            if element.get("datetime"):
                date = element.get("datetime").strip()
                break
    url = ""
    for element in tree.iter("link"):
        if "canonical" in (element.get("rel") or "").lower().split() and element.get("href"):
            url = element.get("href").strip()
            break
    url = url or _meta(tree, "property", "og:url")
    return {"title": title, "date": date, "url": url, "site_name": _meta(tree, "property", "og:site_name")}


def visible_lines(tree) -> list[str]:
    """The page's visible text, one line per block element, blank lines dropped."""
    body = tree.find(".//body")
    root = body if body is not None else tree
    for element in list(root.iter(*_INVISIBLE)):
        if element.getparent() is not None:
            element.drop_tree()
    for element in root.iter(etree.Element):
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCKS:
            element.text = "\n" + (element.text or "")
            element.tail = "\n" + (element.tail or "")
    text = root.text_content()
    return [_SPACE.sub(" ", clean_line(line)) for line in text.split("\n") if not is_blank(line)]


def _date_from(value: str) -> metadata.PubDate | None:
    if match := _ISO_DATE.match(value):
        year, month, day = (int(part) for part in match.groups())
        if 1 <= month <= 12 and 1 <= day <= 31:
            return metadata.PubDate(year=year, month=month, day=day)
    return metadata.parse_full_date(value) if value else None


def _body_flags(lines: list[str], main: list[str]) -> list[bool]:
    """Which page lines are main text: equal to a main-text line, or a long piece of it."""
    main_keys = {_key(line) for line in main}
    blob = "\n".join(_key(line) for line in main)
    flags = []
    for line in lines:
        key = _key(line)
        flags.append(bool(key) and (key in main_keys or (len(key) >= 20 and key in blob)))
    return flags


def parse_html(data: bytes, *, url: str = "", charset: str = "") -> ParsedPage:
    """A saved page → ParsedPage; `url` (a capture URL) wins over the page's own canonical URL."""
    text, encoding = decode_html(data, charset=charset)
    try:
        tree = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise DecodeError(f"not an HTML page: {exc}") from exc
    meta = page_metadata(tree)
    main_text = trafilatura.extract(text, include_comments=False, include_tables=True, favor_recall=True) or ""
    main = [_SPACE.sub(" ", clean_line(line)) for line in main_text.split("\n") if not is_blank(line)]
    lines = visible_lines(tree)
    flags = _body_flags(lines, main)
    if main and not any(flags):
        # Nothing lines up (unusual markup): keep trafilatura's lines as the body, the page's as furniture.
        lines, flags = main + lines, [True] * len(main) + [False] * len(lines)

    body_lines = [line for line, flag in zip(lines, flags, strict=True) if flag]
    body_roles = iter(boilerplate.classify_roles(body_lines))
    roles = [next(body_roles) if flag else boilerplate.BOILERPLATE for flag in flags]
    title = meta["title"]
    title_key = _key(title)
    for index, line in enumerate(lines):
        if flags[index] and title_key and (_key(line) == title_key or _key(line) in title_key):
            roles = [boilerplate.BODY if role == boilerplate.TITLE else role for role in roles]
            roles[index] = boilerplate.TITLE
            title = line  # the page's own heading, without a "| Site name" suffix
            break

    body = [line for line, role in zip(lines, roles, strict=True) if role in (boilerplate.BODY, boilerplate.TITLE)]
    language = script.article_language(body) if body else script.article_language(lines)
    chinese_default = script.chinese_script_of(body)
    languages = [script.paragraph_language(line, chinese_default=chinese_default) for line in lines]
    pairs = translation_pairs(languages=languages, roles=roles) if language == script.MIXED else {}
    date = _date_from(meta["date"]) or metadata.find_date(lines, roles)
    original_url = url or meta["url"] or metadata.find_original_url(lines)
    domain = (urlsplit(original_url).hostname or "").removeprefix("www.")
    source = metadata.find_source(body)
    source_name = meta["site_name"] or (source.name if source else "") or domain
    source_domain = domain or (source.domain if source else "")
    paragraphs = [
        ParsedParagraph(
            position=index + 1,
            text=line,
            language=languages[index],
            role=roles[index],
            is_boilerplate=boilerplate.is_furniture(roles[index]),
            pair_position=pairs[index] + 1 if index in pairs else None,
        )
        for index, line in enumerate(lines)
    ]
    return ParsedPage(
        title=title or metadata.find_title(lines, roles),
        pub_year=date.year,
        pub_month=date.month,
        pub_day=date.day,
        pub_year_inferred=date.year_inferred,
        language=language,
        source_name=source_name,
        source_domain=source_domain,
        original_url=original_url,
        encoding=encoding,
        paragraphs=paragraphs,
    )

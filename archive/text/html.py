"""A saved HTML page → ParsedPage (pure: no Django here).

Every visible text line of the page is a paragraph, in page order (one line per
block element), so nothing is lost and positions follow the page. A line is
furniture when the page's structure says so (inside <nav>, <aside>, <footer>, a
page <header>, a block whose class names navigation, a share bar, a related list or
a footer, or a line that is mostly link text), when the text rules say so
(archive.text.boilerplate), or when it lies outside the main text trafilatura
extracts. Title, date and URL come from the page's metadata (og:title / <title>,
article:published_time / <meta name="date">, <link rel="canonical"> / og:url),
falling back to the text rules. The source is the one the page names (a "来源:" or
"From:" credit in its lines, else <meta name="source">, else og:site_name, else the
owner its copyright footer names); the host the page came from is its site.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from dataclasses import dataclass

import lxml.html
import trafilatura
from lxml import etree

from archive.text import boilerplate, metadata
from archive.text.decode import DecodeError, decode_bytes
from archive.text.paragraphs import clean_line, is_blank
from archive.text.pipeline import ParsedPage, assemble, with_evidence

HTML_SUFFIXES = (".html", ".htm")

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "big5hkscs": "big5", "cp950": "big5"}
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})")
_SPACE = re.compile(r"\s+")
_INVISIBLE_CHARS = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")
# A page line this long found inside trafilatura's main text is main text (shorter ones may be menu words).
_MIN_MAIN_PIECE = 5
_TITLE_SEPARATORS = "-_|｜–—·:："
_INVISIBLE = ("script", "style", "noscript", "template", "head", "svg", "iframe", "object")
_BLOCKS = frozenset(
    (
        *("address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure"),
        *("footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p"),
        *("pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "option", "title"),
    )
)
_ARTICLE = frozenset(("article", "main"))
_ITEMS = frozenset(("li", "dd", "dt", "td", "th", "option"))
# Class and id words that name a block of page furniture.
_FURNITURE_CLASSES = frozenset(
    (
        *("nav", "navbar", "navigation", "menu", "breadcrumb", "breadcrumbs", "crumb", "crumbs", "footer", "foot"),
        *("share", "sharebar", "bdsharebuttonbox", "related", "sidebar", "copyright", "logo", "toolbar"),
        *("comment", "comments", "advert", "advertisement", "ads"),
    )
)
_CLASS_WORDS = re.compile(r"[a-z]+")
# A line at least this share of whose characters are link text is a link (menus, lists of links).
_LINK_DENSE = 0.6
_SOURCE_META = (("name", "source"), ("name", "contentsource"), ("name", "ContentSource"))
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
    """A line for comparison: no white space, no zero-width characters (trafilatura drops them)."""
    return _INVISIBLE_CHARS.sub("", text)


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
    source = next((found for attribute, value in _SOURCE_META if (found := _meta(tree, attribute, value))), "")
    site_name = _meta(tree, "property", "og:site_name")
    return {"title": title, "date": date, "url": url, "source": source, "site_name": site_name}


@dataclass(frozen=True)
class PageLine:
    text: str
    furniture: bool  # the page's structure says so
    links: int = 0  # links in the line, when it is mostly link text (else 0)
    item: bool = False  # a list item or table cell


class _Lines:
    """Collects visible text into lines: a block element starts and ends a line, so does a newline."""

    def __init__(self) -> None:
        self.lines: list[PageLine] = []
        self._parts: list[str] = []
        self._link_chars = 0
        self._links = 0
        self._furniture = self._item = False

    def add(self, text: str | None, *, furniture: bool, link: bool, item: bool) -> None:
        if not text:
            return
        if not self._parts:
            self._furniture, self._item = furniture, item
        self._parts.append(text)
        if link:
            self._link_chars += len(_SPACE.sub("", text))

    def link(self) -> None:
        self._links += 1

    def flush(self) -> None:
        text = "".join(self._parts)
        chars = len(_SPACE.sub("", text))
        links = self._links if chars > 0 and self._link_chars >= _LINK_DENSE * chars else 0
        for raw in text.split("\n"):
            if not is_blank(raw):
                line = _SPACE.sub(" ", clean_line(raw))
                self.lines.append(PageLine(text=line, furniture=self._furniture, links=links, item=self._item))
        self._parts, self._link_chars, self._links = [], 0, 0


def _with_link_lists(lines: list[PageLine]) -> list[PageLine]:
    """Mostly-link lines are furniture when they hold two links or more (a menu), or are items of a list
    of links (next to another such item); a lone linked paragraph is left to the text rules."""
    out = []
    for index, line in enumerate(lines):
        neighbours = lines[max(index - 1, 0) : index] + lines[index + 1 : index + 2]
        in_list = line.item and any(other.links and other.item for other in neighbours)
        listed = line.links >= 2 or (line.links == 1 and in_list)
        out.append(dataclasses.replace(line, furniture=True) if listed and not line.furniture else line)
    return out


def _is_furniture_block(element, tag: str, *, in_article: bool) -> bool:
    if tag in ("nav", "aside", "footer") or (tag == "header" and not in_article):
        return True
    words = set(_CLASS_WORDS.findall(f"{element.get('class') or ''} {element.get('id') or ''}".lower()))
    if "header" in words and not in_article:
        return True
    return bool(words & _FURNITURE_CLASSES)


def page_lines(tree) -> list[PageLine]:
    """The page's visible text, one line per block element (and per newline), blank lines dropped."""
    body = tree.find(".//body")
    collected = _Lines()

    def walk(element, *, furniture: bool, in_article: bool, link: bool, item: bool) -> None:
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if tag and tag not in _INVISIBLE:
            block = tag in _BLOCKS
            inside = furniture or (block and _is_furniture_block(element, tag, in_article=in_article))
            in_link = link or tag == "a"
            in_item = tag in _ITEMS if block else item
            if block:
                collected.flush()
            if tag == "a":
                collected.link()
            collected.add(element.text, furniture=inside, link=in_link, item=in_item)
            for child in element:
                walk(child, furniture=inside, in_article=in_article or tag in _ARTICLE, link=in_link, item=in_item)
            if block:
                collected.flush()
        collected.add(element.tail, furniture=furniture, link=link, item=item)

    root = body if body is not None else tree
    collected.add(root.text, furniture=False, link=False, item=False)
    for child in root:
        walk(child, furniture=False, in_article=False, link=False, item=False)
    collected.flush()
    return _with_link_lists(collected.lines)


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
        flags.append(bool(key) and (key in main_keys or (len(key) >= _MIN_MAIN_PIECE and key in blob)))
    return flags


def _title_line(lines: list[str], flags: list[bool], structural: set[int], title: str) -> int | None:
    """The page's own heading: the first main-text line that is the declared title, or a part of it."""
    title_key = _key(title)
    if not title_key:
        return None
    for index, line in enumerate(lines):
        key = _key(line)
        if index in structural or not key:
            continue
        if key == title_key or (flags[index] and key in title_key) or _is_title_part(key, title_key):
            return index
    return None


def _is_title_part(key: str, title_key: str) -> bool:
    """The heading is the declared title without a site name: "标题" in "标题-深圳市人民政府"."""
    if title_key.startswith(key) and title_key[len(key) : len(key) + 1] in tuple(_TITLE_SEPARATORS):
        return True
    return title_key.endswith(key) and title_key[-len(key) - 1 : -len(key)] in tuple(_TITLE_SEPARATORS)


def _named_source(lines: list[str], *, skip: set[int], meta: dict[str, str], site: str) -> metadata.SourceInfo | None:
    """The source the page names: a credit in its own lines, else <meta name="source">, else the site's name
    (og:site_name, the owner its copyright footer names), which is on the site's host."""
    if credited := metadata.credited_source(lines, skip=skip):
        return credited
    if meta["source"]:
        return metadata.SourceInfo(name=meta["source"])
    footer = metadata.footer_owner(lines)
    if name := meta["site_name"] or (footer.name if footer else ""):
        return metadata.SourceInfo(name=name, domain=site)
    return None


def parse_html(
    data: bytes, *, url: str = "", charset: str = "", captured_at: datetime.datetime | None = None
) -> ParsedPage:
    """A saved page → ParsedPage; `url` (a capture URL) wins over the page's own canonical URL."""
    text, encoding = decode_html(data, charset=charset)
    try:
        tree = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise DecodeError(f"not an HTML page: {exc}") from exc
    meta = page_metadata(tree)
    main_text = trafilatura.extract(text, include_comments=False, include_tables=True, favor_recall=True) or ""
    main = [_SPACE.sub(" ", clean_line(line)) for line in main_text.split("\n") if not is_blank(line)]
    found = page_lines(tree)
    lines = [line.text for line in found]
    structural = {index for index, line in enumerate(found) if line.furniture}
    flags = _body_flags(lines, main)
    if main and not any(flags):
        # Nothing lines up (unusual markup): keep trafilatura's lines as the body, the page's as furniture.
        lines, flags = main + lines, [True] * len(main) + [False] * len(lines)
        structural = {index + len(main) for index in structural}

    title_index = _title_line(lines, flags, structural, meta["title"])
    original_url = url or meta["url"] or metadata.find_original_url(lines)
    footer = metadata.footer_owner(lines)
    site = metadata.host_of(original_url) or (footer.domain if footer else "")
    source = _named_source(lines, skip=boilerplate.related_list_lines(lines) | structural, meta=meta, site=site)
    roles = boilerplate.classify_roles(
        lines, source_names=[source.name] if source else [], furniture=structural, title=title_index
    )
    # Outside the main text only the title and the metadata lines are the article's own, unless
    # trafilatura kept none of the lines the rules call body (a page of one short paragraph).
    if any(flags[index] and role == boilerplate.BODY for index, role in enumerate(roles)):
        roles = [
            boilerplate.BOILERPLATE
            if role in (boilerplate.BODY, boilerplate.TITLE) and not flags[index] and index != title_index
            else role
            for index, role in enumerate(roles)
        ]

    page = assemble(
        texts=lines, positions=list(range(1, len(lines) + 1)), roles=roles,
        title=(lines[title_index] if title_index is not None else "") or meta["title"]
        or metadata.find_title(lines, roles),
        date=_date_from(meta["date"]) or metadata.find_date(lines, roles), source=source,
        original_url=original_url, encoding=encoding, site=site,
    )  # fmt: skip
    return with_evidence(page, captured_at=captured_at)

"""One page of bytes → everything the importer stores (pure: no Django here)."""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass

from archive.text import boilerplate, metadata, script, years
from archive.text.decode import decode_bytes
from archive.text.paragraphs import split_paragraphs

# The version of the rules that read a page (roles, title, date, source, site). Bump it when a
# change to archive.text changes what is read off pages already imported: the next import
# re-reads every file read under an older version (an article edited in the admin since is
# reported as a conflict and kept, as for a changed file).
RULES_VERSION = 1


@dataclass(frozen=True)
class ParsedParagraph:
    position: int
    text: str
    language: str
    role: str
    is_boilerplate: bool
    pair_position: int | None = None  # position of this paragraph's translation


@dataclass(frozen=True)
class ParsedPage:
    title: str
    pub_year: int | None
    pub_month: int | None
    pub_day: int | None
    pub_year_inferred: bool
    language: str
    source_name: str
    source_domain: str
    original_url: str
    encoding: str
    paragraphs: list[ParsedParagraph]
    captured_at: datetime.datetime | None = None  # when the page was fetched (a WARC record's date)
    site: str = ""  # the host the page was captured from ("sznews.com"), beside the source it names


def translation_pairs(*, languages: list[str], roles: list[str]) -> dict[int, int]:
    """Index of each English body paragraph → index of the Chinese body paragraph right after it."""
    pairs: dict[int, int] = {}
    index = 0
    while index + 1 < len(languages):
        if (
            roles[index] == boilerplate.BODY
            and roles[index + 1] == boilerplate.BODY
            and languages[index] == script.ENGLISH
            and languages[index + 1] in (script.SIMPLIFIED, script.TRADITIONAL)
        ):
            pairs[index] = index + 1
            index += 2
        else:
            index += 1
    return pairs


def with_evidence(page: ParsedPage, *, url: str = "", captured_at: datetime.datetime | None = None) -> ParsedPage:
    """The page completed from evidence about it rather than from its text.

    `url` (where the page was captured from) wins over the URL the page gives; the
    URL's host is the site, and a date without a year takes one from the URL or the
    capture date (archive.text.years), marked as inferred.
    """
    url = url or page.original_url
    captured_at = captured_at or page.captured_at
    changes: dict = {"original_url": url, "captured_at": captured_at, "site": metadata.host_of(url) or page.site}
    if page.pub_year is None and page.pub_month:
        year = years.infer_year(month=page.pub_month, day=page.pub_day, url=url, captured_at=captured_at)
        if year:
            changes.update(pub_year=year, pub_year_inferred=True)
    return dataclasses.replace(page, **changes)


def parse_text(text: str, *, encoding: str = "utf-8") -> ParsedPage:
    lines = split_paragraphs(text)
    texts = [line.text for line in lines]
    source = metadata.find_source(texts, skip=boilerplate.related_list_lines(texts))
    footer = metadata.footer_owner(texts)
    roles = boilerplate.classify_roles(texts, source_names=[source.name] if source else [])
    page = assemble(
        texts=texts, positions=[line.position for line in lines], roles=roles,
        title=metadata.find_title(texts, roles), date=metadata.find_date(texts, roles), source=source,
        original_url=metadata.find_original_url(texts), encoding=encoding, site=footer.domain if footer else "",
    )  # fmt: skip
    return with_evidence(page)


def assemble(
    *,
    texts: list[str],
    positions: list[int],
    roles: list[str],
    title: str,
    date: metadata.PubDate,
    source: metadata.SourceInfo | None,
    original_url: str,
    encoding: str,
    site: str,
) -> ParsedPage:
    """A page's classified lines and what was read from it → ParsedPage: the article's language
    from its body, each paragraph's, and translation pairs in a mixed page (text and HTML alike)."""
    body = [t for t, role in zip(texts, roles, strict=True) if role in (boilerplate.BODY, boilerplate.TITLE)]
    language = script.article_language(body) if body else script.article_language(texts)
    chinese_default = script.chinese_script_of(body)
    languages = [script.paragraph_language(t, chinese_default=chinese_default) for t in texts]
    pairs = translation_pairs(languages=languages, roles=roles) if language == script.MIXED else {}
    paragraphs = [
        ParsedParagraph(
            position=positions[index],
            text=text,
            language=languages[index],
            role=roles[index],
            is_boilerplate=boilerplate.is_furniture(roles[index]),
            pair_position=positions[pairs[index]] if index in pairs else None,
        )
        for index, text in enumerate(texts)
    ]
    return ParsedPage(
        title=title,
        pub_year=date.year,
        pub_month=date.month,
        pub_day=date.day,
        pub_year_inferred=date.year_inferred,
        language=language,
        source_name=source.name if source else "",
        source_domain=source.domain if source else "",
        original_url=original_url,
        encoding=encoding,
        paragraphs=paragraphs,
        site=site,
    )


def parse_page(data: bytes) -> ParsedPage:
    """Decode, split, classify and read metadata; raises decode.DecodeError for unreadable bytes."""
    decoded = decode_bytes(data)
    return parse_text(decoded.text, encoding=decoded.encoding)

"""Citations of an archived article: plain text, BibTeX and CSL-JSON (pure functions).

Dates are honest: a page dated "03.04" with no year is cited as "4 March (year
unknown)"; CSL date-parts carry only the parts that are known (a date-parts
list must start with the year, so a date without a year becomes a literal);
an inferred year (from the page's URL, capture date or dated neighbours) is marked
("circa" in CSL, "[year inferred]" in text). The source is the outlet the page names;
the site (the host it was captured from) is given beside it.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
BIBTEX_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

_BIBTEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "^": r"\^{}",
    "~": r"\~{}",
}
_BIBTEX_SPECIAL = re.compile("|".join(re.escape(char) for char in _BIBTEX_SPECIALS))


def bibtex_escape(text: str) -> str:
    """Text safe inside a braced BibTeX field: LaTeX specials escaped, whitespace collapsed."""
    return _BIBTEX_SPECIAL.sub(lambda match: _BIBTEX_SPECIALS[match.group(0)], " ".join(str(text).split()))


def _bibtex_url(url: str) -> str:
    # \url{} takes its argument verbatim except for braces, which must balance: percent-encode them.
    return url.replace("{", "%7B").replace("}", "%7D").replace("\\", "%5C")


def _source_name(article) -> str:
    source = getattr(article, "source", None)
    return source.name if source else ""


def _site(article) -> str:
    return getattr(article, "site", "") or ""


def _parts(article) -> tuple[int | None, int | None, int | None]:
    year = article.pub_year or None
    month = article.pub_month if article.pub_month and 1 <= article.pub_month <= 12 else None
    day = article.pub_day if month and article.pub_day else None
    return year, month, day


def published_text(article) -> str:
    """ "20 March 2020", "March 2020", "4 March (year unknown)", "4 March 2020 [year inferred]", or ""."""
    year, month, day = _parts(article)
    inferred = " [year inferred]" if year and article.pub_year_inferred else ""
    if month:
        day_month = f"{day} {MONTH_NAMES[month - 1]}" if day else MONTH_NAMES[month - 1]
        return f"{day_month} {year}{inferred}" if year else f"{day_month} (year unknown)"
    return f"{year}{inferred}" if year else ""


def citation_text(article, *, accessed: datetime.date, url: str) -> str:
    """A plain-text reference: source, title, date, original URL, archived copy, file and hash."""
    parts = []
    if source := _source_name(article):
        parts.append(f"{source}.")
    parts.append(f"“{article.title}”.")
    published = published_text(article)
    parts.append(f"Published {published}." if published else "Publication date unknown.")
    if article.original_url:
        parts.append(f"Originally at {article.original_url}")
        captured = getattr(article, "captured_at", None)
        parts[-1] += f" (captured {captured.date().isoformat()})." if captured else "."
    if site := _site(article):
        parts.append(f"Site: {site}.")
    parts.append(f"Archived copy: {url} (accessed {accessed.isoformat()}).")
    parts.append(f"File {article.source_file}, SHA-256 {article.content_hash}.")
    return " ".join(parts)


def citation_key(article) -> str:
    year, _, _ = _parts(article)
    return f"archive{article.pk}" + (f"-{year}" if year else "")


def citation_bibtex(article, *, accessed: datetime.date, url: str) -> str:
    """A @misc entry (BibTeX and biblatex read it); only the known date parts are given."""
    year, month, day = _parts(article)
    fields: list[tuple[str, str]] = [("title", "{" + bibtex_escape(article.title) + "}")]
    if source := _source_name(article):
        fields.append(("author", "{" + bibtex_escape(source) + "}"))  # braced: an organisation, not "Last, First"
        fields.append(("organization", bibtex_escape(source)))
    if year:
        fields.append(("year", str(year)))
    if month:
        fields.append(("month", BIBTEX_MONTHS[month - 1]))
    if year and month and day:
        fields.append(("date", f"{year:04d}-{month:02d}-{day:02d}"))
    notes = []
    if not year and month:
        notes.append(f"Dated {published_text(article)}")
    elif year and article.pub_year_inferred:
        notes.append("Year inferred (from the page's URL, capture date or dated neighbours), not printed on the page")
    notes += _provenance_notes(article, link=lambda address: f"\\url{{{_bibtex_url(address)}}}", text=bibtex_escape)
    fields.append(("howpublished", "\\url{" + _bibtex_url(url) + "}"))
    fields.append(("url", _bibtex_url(url)))
    fields.append(("urldate", accessed.isoformat()))
    fields.append(("note", "; ".join(notes)))
    body = ",\n".join(
        f"  {name} = {value}" if name in ("year", "month") else f"  {name} = {{{value}}}" for name, value in fields
    )
    return f"@misc{{{citation_key(article)},\n{body}\n}}\n"


def _provenance_notes(article, *, link: Callable[[str], str], text: Callable[[str], str]) -> list[str]:
    """Original URL, capture date, archived file and hash, each formatted for the citation style."""
    notes = []
    if article.original_url:
        notes.append(f"Originally published at {link(article.original_url)}")
    if site := _site(article):
        notes.append(f"site {text(site)}")
    captured = getattr(article, "captured_at", None)
    if captured:
        notes.append(f"captured {captured.date().isoformat()}")
    notes.append(f"archived file {text(article.source_file)}, SHA-256 {article.content_hash}")
    return notes


def _date_parts(day: datetime.date) -> dict[str, Any]:
    return {"date-parts": [[day.year, day.month, day.day]]}


def citation_csl_json(article, *, accessed: datetime.date, url: str) -> dict[str, Any]:
    """One CSL-JSON item (serialise it inside a list for citation processors)."""
    year, month, day = _parts(article)
    item: dict[str, Any] = {
        "id": citation_key(article),
        "type": "article-newspaper",
        "title": article.title,
        "URL": url,
        "accessed": _date_parts(accessed),
    }
    language = getattr(article, "language", "")
    if language and language not in ("und", "mixed"):
        item["language"] = language
    if source := _source_name(article):
        item["container-title"] = source
        item["publisher"] = source
        item["author"] = [{"literal": source}]
    elif site := _site(article):
        item["container-title"] = site  # the website, when the page names no outlet
    if year:
        issued: dict[str, Any] = {"date-parts": [[year, *([month] if month else []), *([day] if day else [])]]}
        if article.pub_year_inferred:
            issued["circa"] = True
        item["issued"] = issued
    elif month:
        item["issued"] = {"literal": published_text(article)}
    notes = _provenance_notes(article, link=str, text=str)
    item["archive"] = "COVID-19 briefings archive"
    item["archive_location"] = article.source_file
    item["note"] = "; ".join(notes)
    return item

"""Search as the web page, the API and the command see it: articles with their matching paragraphs."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.safestring import SafeString

from archive.models import Article, Paragraph


@dataclass
class ParagraphHit:
    paragraph: Paragraph
    snippet: SafeString  # escaped scraped text with <mark> around the matches

    @property
    def position(self) -> int:
        return self.paragraph.position


@dataclass
class ArticleHit:
    article: Article
    paragraphs: list[ParagraphHit]
    paragraphs_matched: int
    score: float = 0.0


@dataclass
class SearchPage:
    query: str
    count: int
    took_ms: float
    results: list[ArticleHit]
    page: int
    per_page: int
    explain: dict = field(default_factory=dict)
    facets: dict = field(default_factory=dict)
    error: str = ""

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.per_page))

    def to_json(self) -> dict:
        raise NotImplementedError


def search_articles(*, query: str, page: int = 1, per_page: int = 10, filters: dict | None = None) -> SearchPage:
    raise NotImplementedError

"""Our highlighter: <mark> around matches in the original text, everything else escaped.

Matches are found in the search forms of a paragraph (archive.search.matching) and
mapped back to the original text, so a query typed in one script or vocabulary marks the
text as the page wrote it.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

Span = tuple[int, int]

SNIPPET_CHARS = 240
CONTEXT_BEFORE = 60
ELLIPSIS = "…"


def merge_spans(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, spans: list[Span]) -> SafeString:
    """The text, escaped, with each span of the original text in <mark>."""
    parts, cursor = [], 0
    for start, end in merge_spans(spans):
        parts.append(escape(text[cursor:start]))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        cursor = end
    parts.append(escape(text[cursor:]))
    return mark_safe("".join(parts))


def snippet(text: str, spans: list[Span], *, length: int = SNIPPET_CHARS) -> SafeString:
    """A window of a long paragraph around its first match, highlighted."""
    spans = merge_spans(spans)
    if len(text) <= length or not spans:
        window_start, window_end = 0, min(len(text), length) if not spans else len(text)
    else:
        window_start = max(0, spans[0][0] - CONTEXT_BEFORE)
        window_end = min(len(text), window_start + length)
        window_start = max(0, min(window_start, window_end - length))
    clipped = [
        (max(start, window_start) - window_start, min(end, window_end) - window_start)
        for start, end in spans
        if end > window_start and start < window_end
    ]
    body = highlight(text[window_start:window_end], clipped)
    prefix = ELLIPSIS if window_start > 0 else ""
    suffix = ELLIPSIS if window_end < len(text) else ""
    return mark_safe(f"{prefix}{body}{suffix}")

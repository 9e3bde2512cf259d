"""Regional vocabulary: the phrase-level simplified forms of Taiwan and Hong Kong text.

Character-level conversion (archive.text.normalise) turns 紐西蘭 into 纽西兰 and 資訊 into 资讯,
which mainland text does not say: it says 新西兰 and 信息. OpenCC's phrase-level configurations
tw2sp and hk2s know these equivalences (軟體 → 软件, 小程式 → 小程序, 統計資料 → 统计数据).

- A traditional paragraph is searched in its character-level form and, where they differ, in its
  phrase-level forms too: both are indexed and both are matched, so a mainland query finds it and
  substrings of the original text (纽西 in 紐西蘭) still match.
- A query is read the same way when it is written as Taiwan or Hong Kong would write it, that is
  when s2twp (or s2hk) leaves it as it is: 資訊 is also 信息 and 小程式 also 小程序, but a mainland
  小程序 (which Taiwan writes 小程式, and which tw2sp would read as Taiwan's 程序, "process") is
  only itself.

A phrase-level form may be shorter or longer than the original (部落格 → 博客); each of its
characters maps back to the span of the original it stands for, so a highlight marks the
original phrase.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from archive.text.normalise import Normalised, converter, fold, normalise_with_offsets, t2s_same_length

# (phrase-level simplification, the conversion that leaves text in that phrasing as it is)
REGIONS = (("tw2sp", "s2twp"), ("hk2s", "s2hk"))
TRADITIONAL = "zh-Hant"


def _phrase_forms(folded: str, primary: str) -> list[str]:
    forms: list[str] = []
    for config, _ in REGIONS:
        form = converter(config).convert(folded)
        if form != primary and form not in forms:
            forms.append(form)
    return forms


def document_forms(text: str, *, language: str) -> list[str]:
    """The phrase-level forms of a paragraph that differ from its character-level form (normalise):
    only traditional text has them."""
    if language != TRADITIONAL:
        return []
    folded = fold(text)
    return _phrase_forms(folded, t2s_same_length(folded))


def query_forms(text: str) -> list[str]:
    """The phrase-level forms of a piece of a query written in Taiwan or Hong Kong phrasing."""
    folded = fold(text)
    primary = t2s_same_length(folded)
    forms: list[str] = []
    for config, back in REGIONS:
        form = converter(config).convert(folded)
        if form != primary and form not in forms and converter(back).convert(folded) == folded:
            forms.append(form)
    return forms


def aligned_form(primary: Normalised, form: str) -> Normalised:
    """A phrase-level form with offsets into the original text of `primary`: through the character-level form
    where the two agree, and across the whole replaced span where a phrase changed."""
    if len(form) == len(primary.text):
        return Normalised(text=form, starts=primary.starts, ends=primary.ends)
    starts: list[int] = []
    ends: list[int] = []
    matcher = SequenceMatcher(None, primary.text, form, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            starts.extend(primary.starts[i1:i2])
            ends.extend(primary.ends[i1:i2])  # (slices of a range are ranges: extend takes both)
        elif j2 > j1:  # replace or insert: every new character stands for the replaced span
            at = min(i1, len(primary.starts) - 1)
            first = primary.starts[at]
            last = primary.ends[i2 - 1] if i2 > i1 else primary.ends[at]
            starts.extend([first] * (j2 - j1))
            ends.extend([last] * (j2 - j1))
    return Normalised(text=form, starts=tuple(starts), ends=tuple(ends))


def document_views(original: str, *, language: str, primary: Normalised | None = None) -> list[Normalised]:
    """The phrase-level forms of a paragraph, each with offsets into the original text."""
    if language != TRADITIONAL:
        return []
    if primary is None:
        primary = normalise_with_offsets(original)
    return [aligned_form(primary, form) for form in _phrase_forms(fold(original), primary.text)]

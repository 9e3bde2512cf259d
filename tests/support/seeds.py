"""The seed pages, the small ranking corpus, and the seed query table that every engine must answer."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

from django.core.management import call_command

from archive.search.results import search_articles

SEEDS_DIR = Path(__file__).resolve().parent.parent.parent / "seeds"
RANKING_DIR = Path(__file__).resolve().parent.parent / "data" / "ranking"


def import_and_index(*paths: Path) -> None:
    """Import files or directories with import_seeds, then rebuild the index from the database."""
    call_command("import_seeds", *[str(path) for path in paths], stdout=StringIO(), stderr=StringIO())
    call_command("rebuild_index", "--noinput", stdout=StringIO())


def import_texts(folder: Path, pages: dict[str, str]) -> None:
    """Write pages ({file name: text}) into the folder, then import and index them."""
    for name, text in pages.items():
        (folder / name).write_text(text, encoding="utf-8")
    import_and_index(folder)


def found_files(query: str, **kwargs) -> list[str]:
    """The file stems of a search's results, best first (first 100)."""
    page = search_articles(query=query, per_page=100, **kwargs)
    return [Path(hit.article.source_file).stem for hit in page.results]


def seed_numbers(query: str, **kwargs) -> set[str]:
    """The seed numbers ("000" … "004") a search finds."""
    return {name[:3] for name in found_files(query, **kwargs)}


# The search issue's table and more; tests/test_search_backends.py runs it on every engine.
SEED_QUERY_TABLE = [
    ("复工复产", {"000", "002", "003"}),
    ("復工復產", {"000", "002", "003"}),
    ("华强北", {"003"}),
    ("强北", {"003"}),
    ("寶安", {"004"}),
    ("東莞", {"002", "004"}),
    ("口罩", {"002", "003"}),
    ("新冠肺炎", {"002", "003"}),
    ("resumption", {"000"}),
    ("Shenzhen", {"000", "001"}),
    ('"nucleic acid"', {"001"}),
    ("推荐阅读", set()),
    ("玩家评论", set()),
    ("Privacy policy", set()),
    ("龘靐齉", set()),
    ("zzqxjvw", set()),
    # Beyond the table: operators, stemming, single characters, titles.
    ("復工 OR 口罩", {"000", "002", "003"}),
    ("复工复产 -东莞", {"000", "003"}),
    ("复工复产 东莞", {"002"}),
    ("华强北 口罩", {"003"}),
    ('"华强北主街"', {"003"}),
    ("title:精度", {"003"}),
    ("title:Daily", {"000"}),
    ("蟄", {"003"}),
    ("蛰伏", {"003"}),
    ("Bao'an", {"001"}),
    ("COVID-19", {"000"}),  # 001 has it only in its site header, which is furniture
    # Runs typed without spaces match contiguously; a number matches only a whole number.
    ("3月15日", {"004"}),
    ("3月19日", {"000"}),
    ("2月11日", {"003"}),
    ("47万", {"002"}),
    ("7万", set()),
    ("2.5亿元", {"000"}),
    ("3075家", {"002"}),
    ("075家", set()),
]

"""Search the archive from the command line: the same results as the web search."""

import html
import json
import re

from django.core.management.base import BaseCommand

from archive.search.results import search_articles

_MARK = re.compile(r"</?mark>")


class Command(BaseCommand):
    help = "Search the archive; prints the same results as the web search."

    def add_arguments(self, parser):
        parser.add_argument("query")
        parser.add_argument("--limit", type=int, default=10, help="How many articles (default 10).")
        parser.add_argument("--page", type=int, default=1)
        parser.add_argument("--json", action="store_true", help="Print the JSON of /api/search.")

    def handle(self, *args, **options):
        page = search_articles(query=options["query"], page=options["page"], per_page=options["limit"])
        if options["json"]:
            self.stdout.write(json.dumps(page.to_json(), ensure_ascii=False, indent=2))
            return
        if page.error:
            self.stderr.write(page.error)
        self.stdout.write(f"{page.count} matching articles ({page.took_ms} ms)")
        for hit in page.results:
            article = hit.article
            published = article.published_iso or "date unknown"
            self.stdout.write(f"\n[{article.pk}] {article.title}  {published}  {article.source_file}")
            for paragraph in hit.paragraphs:
                text = _MARK.sub(lambda m: "]" if m.group().startswith("</") else "[", str(paragraph.snippet))
                self.stdout.write(f"  #p-{paragraph.position}: {html.unescape(text)}")
            more = hit.paragraphs_matched - len(hit.paragraphs)
            if more > 0:
                self.stdout.write(f"  … {more} more matching paragraphs")

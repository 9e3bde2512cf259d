"""Fill locale/zh_Hans and locale/zh_Hant django.po from one table of simplified translations.

Run after `manage.py makemessages -l zh_Hans -l zh_Hant`, then `manage.py compilemessages`.
Traditional strings are converted with OpenCC s2twp (Taiwan phrasing), then corrected by hand
where TRADITIONAL says so. An msgstr already filled in a .po file is kept unless --force.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import opencc

HERE = Path(__file__).resolve().parent

SIMPLIFIED: dict[str, str | list[str]] = {
    # cross-language search (templates/archive/search.html, _explain.html)
    "also search translations": "同时搜索译文",
    "read latin words as pinyin": "将拉丁字母词按拼音搜索",
    "Read as pinyin": "按拼音读作",
    "did you mean": "您是否要找",
    "remove": "移除",
    "Aligned translation:": "对照译文：",
    "The query was cut to its first %(count)d characters.": "查询过长，只搜索了前 %(count)d 个字符。",
    "Only the first %(count)d terms were searched.": "只搜索了前 %(count)d 个词。",
    "The search index is being rebuilt by another process; please try again in a minute.": (
        "另一个进程正在重建搜索索引，请一分钟后再试。"
    ),
    "Search is unavailable right now (the index could not be read).": "搜索暂时不可用（无法读取索引）。",
    "our glossary": "本站术语表",
    "Also in mainland wording": "亦按大陆用语搜索",
    "removed on purpose": "有意移除",
    "Never expand these English variants to this Chinese, nor this Chinese to them.": (
        "不再将这些英文变体扩展为此中文，也不将此中文扩展为这些英文。"
    ),
    "Sort": "排序",
    "Sort:": "排序：",
    "Sort the results": "结果排序",
    "best match first": "最相关优先",
    "newest first": "最新优先",
    "oldest first": "最早优先",
    "Articles whose full date is not known come last.": "完整日期不详的文章排在最后。",
    "date unknown": "日期不详",
    "By month": "按月份",
    # the search timeline (templates/archive/_timeline.html, archive/views.py)
    "Matching articles per month": "每月相符的文章",
    "Matching articles per week": "每周相符的文章",
    "(per week, as the period is short)": "（时段较短，按周显示）",
    "per month": "按月显示",
    "per week": "按周显示",
    "Download the counts (CSV)": "下载计数（CSV）",
    "Terms compared": "比较的词语",
    "One bar per term for %(counter)s period, from %(first)s to %(last)s; each bar links to that period's results. "
    "The table below gives every count.": [
        "每个词语在 %(counter)s 个时段中各有一根柱，从 %(first)s 到 %(last)s；"
        "点击柱可列出该时段的结果。下表列出全部计数。"
    ],
    "%(term)s, %(label)s: %(counter)s article": ["%(term)s，%(label)s：%(counter)s 篇文章"],
    "No matching article has a known date.": "相符的文章都没有已知日期。",
    "Without a full date (year, month and day).": "没有完整日期（年、月、日）。",
    "Without a known year and month.": "年份或月份不详。",
    "The counts as a table": "以表格列出计数",
    "Week": "周",
    "%(start)s – %(end)s": "%(start)s – %(end)s",
    "Compare over time with": "按时间与其他词语比较",
    "e.g. 封控, 停工 (up to three, separated by commas)": "例如：封控, 停工（最多三个，以逗号分隔）",
    "At most %(count)s terms can be compared: the search and %(more)s more.": (
        "最多可比较 %(count)s 个词语：本次搜索及另外 %(more)s 个。"
    ),
    "The timeline is drawn per month or per week.": "时间线只能按月或按周显示。",
    "Pinyin reading": "拼音读法",
    (
        'Dictionary translations from <a href="https://www.mdbg.net/chinese/dictionary?page=cc-cedict">'
        "CC-CEDICT</a> (MDBG, CC BY-SA 4.0)."
    ): (
        '词典译文来自 <a href="https://www.mdbg.net/chinese/dictionary?page=cc-cedict">CC-CEDICT</a>'
        "（MDBG，CC BY-SA 4.0）。"
    ),
    # glossary (archive/models.py)
    "English variants": "英文说法",
    "Separated by |": "以 | 分隔",
    "note": "备注",
    "glossary entry": "术语条目",
    "glossary entries": "术语表",
    # admin (archive/admin.py)
    "translation": "译文",
    "A paragraph cannot be its own translation.": "段落不能是它自己的译文。",
    "has page furniture": "含页面杂项",
    "Yes": "是",
    "No": "否",
    "edited in the admin": "已在管理后台编辑",
    "Publication date (partial dates keep only the known parts)": "发布日期（不完整的日期只保留已知部分）",
    "Provenance": "来源信息",
    "published": "发布日期",
    "%(date)s (year inferred)": "%(date)s（年份系推断）",
    "Re-run metadata inference (title, date, source) from the paragraphs": "根据段落重新推断元数据（标题、日期、来源）",
    "%d article changed.": ["已修改 %d 篇文章。"],
    "Reindex selected articles": "重建所选文章的索引",
    "%d article queued for reindexing.": ["%d 篇文章已排队等待重建索引。"],
    "text": "文本",
    "Mark as page furniture (hidden and unsearched)": "标为页面杂项（隐藏且不参与搜索）",
    "Mark as body text": "标为正文",
    "%d paragraph changed.": ["已修改 %d 个段落。"],
    # forms and models
    "Language": "语言",
    "All languages": "所有语言",
    "Source": "来源",
    "All sources": "所有来源",
    "Published from": "发布日期自",
    "Published to": "发布日期至",
    "Search the archive": "搜索档案库",
    "Month": "月份",
    "English": "英文",
    "Chinese (simplified)": "中文（简体）",
    "Chinese (traditional)": "中文（繁体）",
    "Bilingual": "双语",
    "Unknown": "未知",
    "Title": "标题",
    "Body": "正文",
    "Metadata line": "元数据行",
    "Page furniture": "页面杂项",
    "name": "名称",
    "domain": "域名",
    "base URL": "网站地址",
    "title": "标题",
    "source": "来源",
    "original URL": "原始网址",
    "site": "网站",
    "import rules version": "导入规则版本",
    "year": "年",
    "month": "月",
    "day": "日",
    "year inferred": "年份系推断",
    "published on": "发布日期",
    "language": "语言",
    "imported file": "导入文件",
    "SHA-256 of the file": "文件的 SHA-256",
    "captured at": "抓取时间",
    "imported at": "导入时间",
    "updated at": "更新时间",
    "edited in the admin at": "管理后台编辑时间",
    "position": "位置",
    "role": "类型",
    "page furniture": "页面杂项",
    # dates (archive/templatetags/archive_tags.py)
    "%(day)s %(month_name)s %(year)s (year inferred)": "%(year)s年%(month_name)s%(day)s日（年份系推断）",
    "%(day)s %(month_name)s %(year)s": "%(year)s年%(month_name)s%(day)s日",
    "%(day)s %(month_name)s (year unknown)": "%(month_name)s%(day)s日（年份不详）",
    "%(month_name)s %(year)s (year inferred)": "%(year)s年%(month_name)s（年份系推断）",
    "month and year\x04%(month_name)s %(year)s": "%(year)s年%(month_name)s",
    "%(year)s (year inferred)": "%(year)s年（年份系推断）",
    "Date unknown": "日期不详",
    # templates
    "You searched for": "您搜索的是",
    "Words looked up": "检索的词",
    "Excluded": "排除",
    "Pinyin": "拼音",
    "Also searched": "同时搜索",
    "Pages": "分页",
    "← Previous": "← 上一页",
    "Page %(number)s of %(total)s": "第 %(number)s 页，共 %(total)s 页",
    "Next →": "下一页 →",
    "Link to paragraph %(n)s": "第 %(n)s 段的链接",
    "← All briefings": "← 全部简报",
    "Published": "发布日期",
    "Original URL": "原始网址",
    "Site": "网站",
    "Not known": "不详",
    "Imported file": "导入文件",
    "Content hash (SHA-256)": "内容哈希（SHA-256）",
    "Chinese script": "中文字形",
    "Show Chinese text in:": "中文显示为：",
    "original script": "原文字形",
    "Converted for reading with OpenCC; the archived text is unchanged. Quote the original script.": (
        "已用 OpenCC 转换以便阅读，存档原文未作改动。引用时请使用原文字形。"
    ),
    "%(counter)s paragraph of page furniture (navigation, share buttons, footers) is folded away below.": [
        "下方折叠了 %(counter)s 段页面杂项（导航、分享按钮、页脚）。"
    ],
    "Show page furniture (%(counter)s paragraph)": ["显示页面杂项（%(counter)s 段）"],
    "Cite this briefing": "引用此简报",
    "COVID-19 Briefings Archive": "新冠肺炎政策简报档案库",
    "file": "文件",
    "accessed %(date)s": "访问于 %(date)s",
    "To cite one paragraph, add its anchor (the ¶ link), e.g.": "如需引用某一段，请加上该段的锚点（¶ 链接），例如",
    "Download the citation:": "下载引用格式：",
    "plain text": "纯文本",
    "Browse briefings": "浏览简报",
    "e.g. 复工复产, 復工復產, resumption": "例如：复工复产、復工復產、resumption",
    "Search": "搜索",
    "Filter by language, source and date": "按语言、来源和日期筛选",
    "Apply filters": "应用筛选",
    "Clear filters": "清除筛选",
    "A date range leaves out articles whose full date is not known.": "设定日期范围时，不列出完整日期不详的文章。",
    "%(counter)s article": ["%(counter)s 篇文章"],
    "(filtered)": "（已筛选）",
    "No articles match these filters.": "没有符合这些筛选条件的文章。",
    "Show all articles": "显示全部文章",
    "The archive is empty. Import files with:": "档案库还是空的。请用以下命令导入文件：",
    "“%(query)s” – search": "“%(query)s” – 搜索",
    "Search the briefings": "搜索简报",
    "%(counter)s article matches": ["%(counter)s 篇文章符合"],
    "(%(ms)s ms)": "（用时 %(ms)s 毫秒）",
    "Active filters": "当前筛选",
    "remove filter": "移除筛选",
    "Narrow the results": "缩小结果范围",
    "%(counter)s more in this article": ["本文另有 %(counter)s 段匹配"],
    "How this query was read": "查询的解析方式",
    "Nothing found for “%(query)s”": "没有找到“%(query)s”",
    "Suggestions": "建议",
    "Search again without filters": "不加筛选重新搜索",
    "Search one word at a time:": "逐个搜索各个词：",
    "Use fewer or shorter words: every word must occur in the article.": "减少或缩短检索词：所有词必须出现在文章中。",
    "Simplified and traditional characters find each other (复工 finds 復工); "
    "English words match their other forms (resume, resumption).": (
        "简体和繁体可以互相匹配（搜索 复工 也能找到 復工）；英文单词会匹配其他词形（resume、resumption）。"
    ),
    "Page furniture (menus, share buttons, footers) is not searched.": "页面杂项（菜单、分享按钮、页脚）不参与搜索。",
    "Put words in quotes for an exact phrase; use OR for alternatives and -word to exclude.": (
        "给词语加引号可搜索精确短语；用 OR 表示“或”，用 -词语 排除。"
    ),
    "Browse all briefings": "浏览全部简报",
    "Search all briefings in English and Chinese. Simplified and traditional characters find each other, "
    "and matching paragraphs are highlighted in their own script.": (
        "搜索全部中英文简报。简体和繁体可以互相匹配，匹配的段落以原文字形高亮显示。"
    ),
    "Skip to main content": "跳到主要内容",
    "Main": "主导航",
    "Browse": "浏览",
    "Interface language": "界面语言",
    "Switch": "切换",
    "Scraped COVID-19 policy briefings, kept as found. Page furniture is flagged, never deleted.": (
        "抓取的新冠肺炎政策简报，按原样保存。页面杂项只作标记，从不删除。"
    ),
}

# Where OpenCC's s2twp is not what a Taiwan or Hong Kong reader expects, or the text must not change.
TRADITIONAL: dict[str, str] = {
    "(per week, as the period is short)": "（時段較短，按週顯示）",
    "per week": "按週顯示",
    "Week": "週",
    "year inferred": "年份係推斷",
    "e.g. 复工复产, 復工復產, resumption": "例如：复工复产、復工復產、resumption",
    "Simplified and traditional characters find each other (复工 finds 復工); "
    "English words match their other forms (resume, resumption).": (
        "簡體和繁體可以互相匹配（搜尋 复工 也能找到 復工）；英文單字會匹配其他詞形（resume、resumption）。"
    ),
    "accessed %(date)s": "瀏覽日期 %(date)s",
    "Main": "主選單",
    "Apply filters": "套用篩選",
    "%(day)s %(month_name)s %(year)s (year inferred)": "%(year)s年%(month_name)s%(day)s日（年份係推斷）",
    "%(month_name)s %(year)s (year inferred)": "%(year)s年%(month_name)s（年份係推斷）",
    "%(year)s (year inferred)": "%(year)s年（年份係推斷）",
    "%(date)s (year inferred)": "%(date)s（年份係推斷）",
}

_ENTRY = re.compile(r"\n\n(?=(?:#.*\n)*(?:msgctxt|msgid) )")


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _fields(entry: str) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    current = None
    for line in entry.splitlines():
        match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$', line)
        if match:
            current = match.group(1)
            fields[current] = [match.group(2)]
        elif line.startswith('"') and current:
            fields[current].append(line)
    return fields


def fill(po: Path, table: dict[str, str | list[str]], *, force: bool) -> int:
    text = _header(po.read_text(encoding="utf-8"), language=po.parent.parent.name)
    entries = _ENTRY.split(text)
    filled = 0
    out = []
    for entry in entries:
        fields = _fields(entry)
        if "msgid" not in fields or _unquote_utf8(fields["msgid"]) == "":
            out.append(entry)
            continue
        key = _unquote_utf8(fields["msgid"])
        if "msgctxt" in fields:
            key = _unquote_utf8(fields["msgctxt"]) + "\x04" + key
        translation = table.get(key)
        # keep comments, msgctxt, msgid, msgid_plural (with their continuation lines)
        kept, skipping = [], False
        for line in entry.splitlines():
            if line.startswith("msgstr"):
                skipping = True
                continue
            if skipping and line.startswith('"'):
                continue
            skipping = False
            kept.append(line)
        existing = [value for name, value in fields.items() if name.startswith("msgstr")]
        # A fuzzy msgstr is makemessages' guess from a similar msgid: never keep it.
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in entry.splitlines())
        has_existing = any(_unquote_utf8(value) for value in existing) and not fuzzy
        if translation is None or (has_existing and not force):
            out.append(entry)
            continue
        kept = [_unfuzzy(line) for line in kept if line != "#, fuzzy" and not line.startswith("#| ")]
        if "msgid_plural" in fields:
            value = translation[0] if isinstance(translation, list) else translation
            kept.append(f"msgstr[0] {_quote(value)}")
        else:
            kept.append(f"msgstr {_quote(translation)}")
        out.append("\n".join(kept))
        filled += 1
    po.write_text("\n\n".join(out).rstrip("\n") + "\n", encoding="utf-8")
    return filled


def _unfuzzy(line: str) -> str:
    """A flags line without "fuzzy" ("#, fuzzy, python-format" → "#, python-format")."""
    if line.startswith("#,"):
        return "#, " + ", ".join(flag.strip() for flag in line[2:].split(",") if flag.strip() != "fuzzy")
    return line


def _header(text: str, *, language: str) -> str:
    """makemessages leaves a fuzzy header with placeholders; msgfmt wants it filled in."""
    head, sep, rest = text.partition('msgstr ""\n')
    head = head.replace("#, fuzzy\n", "", 1)
    values = {
        "Project-Id-Version": "covid-briefings-archive",
        "Language-Team": "Chinese",
        "Last-Translator": "COVID-19 Briefings Archive maintainers",
        "Language": language,
        "PO-Revision-Date": "2026-11-23 12:00+0800",
    }
    for field, value in values.items():
        rest = re.sub(rf'^"{field}: .*\\n"$', f'"{field}: {value}\\\\n"', rest, count=1, flags=re.M)
    return head + sep + rest


def _unquote_utf8(lines: list[str]) -> str:
    joined = "".join(re.fullmatch(r'"(.*)"', line.strip()).group(1) for line in lines)
    return joined.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


# s2twp's software vocabulary that reads wrong here (发布 is "publish", not "release").
_PHRASE_FIXES = {"釋出": "發布", "型別": "類型", "導航": "導覽"}


def traditional_table() -> dict[str, str | list[str]]:
    s2twp = opencc.OpenCC("s2twp").convert

    def convert(text: str) -> str:
        text = s2twp(text)
        for wrong, right in _PHRASE_FIXES.items():
            text = text.replace(wrong, right)
        return text

    table: dict[str, str | list[str]] = {}
    for key, value in SIMPLIFIED.items():
        if key in TRADITIONAL:
            table[key] = TRADITIONAL[key]
        elif isinstance(value, list):
            table[key] = [convert(item) for item in value]
        else:
            table[key] = convert(value)
    return table


def main() -> None:
    force = "--force" in sys.argv
    for code, table in (("zh_Hans", SIMPLIFIED), ("zh_Hant", traditional_table())):
        po = HERE / code / "LC_MESSAGES" / "django.po"
        print(f"{po.relative_to(HERE.parent)}: {fill(po, table, force=force)} entries filled")


if __name__ == "__main__":
    main()

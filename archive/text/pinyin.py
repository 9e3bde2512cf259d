"""Pinyin for search: the toneless syllables of Chinese words, and latin words split into syllables.

Pure (no Django). Index time: `syllables_of(word)` gives one toneless syllable per
character of a jieba word ('ü' written 'v'). Query time: `split_pinyin(text)`
gives every way (at most MAX_SPLITS) to read a latin word such as `fugong`,
`fùgōng` or `fu4gong1` as valid syllables.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pypinyin import lazy_pinyin

MAX_SPLITS = 8
MAX_SYLLABLE = 6  # "zhuang", "shuang"

# The valid toneless syllables (generated from pypinyin's dictionary; 'ü' as 'v';
# the interjections m, n, hm left out, or almost any word would split).
# fmt: off
SYLLABLES = frozenset(
    (
    "a", "ai", "an", "ang", "ao", "ba", "bai", "ban", "bang", "bao", "bei", "ben", "beng", "bi", "bian",
    "biang", "biao", "bie", "bin", "bing", "bo", "bong", "bu", "ca", "cai", "can", "cang", "cao", "ce",
    "cei", "cen", "ceng", "cha", "chai", "chan", "chang", "chao", "che", "chen", "cheng", "chi", "chong",
    "chou", "chu", "chua", "chuai", "chuan", "chuang", "chui", "chun", "chuo", "ci", "cong", "cou", "cu",
    "cuan", "cui", "cun", "cuo", "da", "dai", "dan", "dang", "dao", "de", "den", "deng", "di", "dian",
    "diao", "die", "din", "ding", "diu", "dong", "dou", "du", "duan", "dui", "dun", "duo", "e", "ei", "en",
    "eng", "er", "fa", "fan", "fang", "fei", "fen", "feng", "fiao", "fo", "fou", "fu", "ga", "gai", "gan",
    "gang", "gao", "ge", "gei", "gen", "geng", "gong", "gou", "gu", "gua", "guai", "guan", "guang", "gui",
    "gun", "guo", "ha", "hai", "han", "hang", "hao", "he", "hei", "hen", "heng", "hong", "hou", "hu", "hua",
    "huai", "huan", "huang", "hui", "hun", "huo", "ji", "jia", "jian", "jiang", "jiao", "jie", "jin", "jing",
    "jiong", "jiu", "ju", "juan", "jue", "jun", "ka", "kai", "kan", "kang", "kao", "ke", "ken", "keng",
    "kong", "kou", "ku", "kua", "kuai", "kuan", "kuang", "kui", "kun", "kuo", "la", "lai", "lan", "lang",
    "lao", "le", "lei", "leng", "li", "lia", "lian", "liang", "liao", "lie", "lin", "ling", "liu", "lo",
    "long", "lou", "lu", "luan", "lun", "luo", "lv", "lve", "ma", "mai", "man", "mang", "mao", "me", "mei",
    "men", "meng", "mi", "mian", "miao", "mie", "min", "ming", "miu", "mo", "mou", "mu", "na", "nai", "nan",
    "nang", "nao", "ne", "nei", "nen", "neng", "ni", "nian", "niang", "niao", "nie", "nin", "ning", "niu",
    "nong", "nou", "nu", "nuan", "nun", "nuo", "nv", "nve", "o", "ou", "pa", "pai", "pan", "pang", "pao",
    "pei", "pen", "peng", "pi", "pian", "piao", "pie", "pin", "ping", "po", "pou", "pu", "qi", "qia", "qian",
    "qiang", "qiao", "qie", "qin", "qing", "qiong", "qiu", "qu", "quan", "que", "qun", "ran", "rang", "rao",
    "re", "ren", "reng", "ri", "rong", "rou", "ru", "rua", "ruan", "rui", "run", "ruo", "sa", "sai", "san",
    "sang", "sao", "se", "sen", "seng", "sha", "shai", "shan", "shang", "shao", "she", "shen", "sheng",
    "shi", "shou", "shu", "shua", "shuai", "shuan", "shuang", "shui", "shun", "shuo", "si", "song", "sou",
    "su", "suan", "sui", "sun", "suo", "ta", "tai", "tan", "tang", "tao", "te", "teng", "ti", "tian", "tiao",
    "tie", "ting", "tong", "tou", "tu", "tuan", "tui", "tun", "tuo", "wa", "wai", "wan", "wang", "wei",
    "wen", "weng", "wo", "wong", "wu", "xi", "xia", "xian", "xiang", "xiao", "xie", "xin", "xing", "xiong",
    "xiu", "xu", "xuan", "xue", "xun", "ya", "yan", "yang", "yao", "ye", "yi", "yin", "ying", "yo", "yong",
    "you", "yu", "yuan", "yue", "yun", "za", "zai", "zan", "zang", "zao", "ze", "zei", "zen", "zeng", "zha",
    "zhai", "zhan", "zhang", "zhao", "zhe", "zhen", "zheng", "zhi", "zhong", "zhou", "zhu", "zhua", "zhuai",
    "zhuan", "zhuang", "zhui", "zhun", "zhuo", "zi", "zong", "zou", "zu", "zuan", "zui", "zun", "zuo",
    )
)
# fmt: on

_TONE_DIGITS = re.compile(r"[1-5]")
# A tone digit ends a syllable: one at the start, or after another digit or an apostrophe, is a
# number (a flight, SU513; a model, A320), not pinyin.
_LOOSE_DIGIT = re.compile(r"(?:^|[1-5'])[1-5]")
_LATIN = re.compile(r"^[a-zü\u0300-\u036f1-5']+$")


@lru_cache(maxsize=65536)
def _syllables(word: str) -> tuple[str, ...]:
    return tuple(syllable.replace("ü", "v") for syllable in lazy_pinyin(word, v_to_u=False))


def syllables_of(word: str) -> list[str]:
    """Toneless syllables of a Chinese word, one per character."""
    return list(_syllables(word))


def _strip_tones(text: str) -> str:
    """Tone marks off (ǜ -> v, ü -> v), lower case; digits are kept."""
    text = text.lower().replace("ü", "v").replace("ǖ", "v").replace("ǘ", "v").replace("ǚ", "v").replace("ǜ", "v")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).replace("u\u0308", "v")


def is_toned(word: str) -> bool:
    """True for pinyin written with tone marks or tone digits (`fùgōng`, `fu4gong1`)."""
    stripped = _strip_tones(word)
    if stripped == word.lower() and not _TONE_DIGITS.search(word):
        return False
    return bool(split_pinyin(word))


def _split_plain(text: str, limit: int) -> list[list[str]]:
    found: list[list[str]] = []

    def walk(start: int, so_far: list[str]) -> None:
        if len(found) >= limit:
            return
        if start == len(text):
            found.append(list(so_far))
            return
        for end in range(min(len(text), start + MAX_SYLLABLE), start, -1):
            if text[start:end] in SYLLABLES:
                so_far.append(text[start:end])
                walk(end, so_far)
                so_far.pop()

    walk(0, [])
    return found


@lru_cache(maxsize=4096)
def _split(word: str) -> tuple[tuple[str, ...], ...]:
    text = _strip_tones(word)
    if not text or not _LATIN.match(text) or _LOOSE_DIGIT.search(text):
        return ()
    chunks = [chunk for chunk in re.split(r"[1-5']", text) if chunk]
    if not chunks or not all(chunk.isascii() and chunk.isalpha() for chunk in chunks):
        return ()
    readings: list[list[str]] = [[]]
    for chunk in chunks:
        splits = _split_plain(chunk, MAX_SPLITS)
        if not splits:
            return ()
        readings = [reading + split for reading in readings for split in splits][:MAX_SPLITS]
    return tuple(tuple(reading) for reading in readings)


def split_pinyin(text: str) -> list[list[str]]:
    """Every way (at most MAX_SPLITS, longest syllables first) to read the word as pinyin."""
    return [list(reading) for reading in _split(text)]


def is_pinyin(word: str) -> bool:
    return bool(_split(word))

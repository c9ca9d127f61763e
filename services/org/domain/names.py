"""How people and departments are found by name: pinyin, initials, full-width or half-width.

张三 is found by ``张三``, ``zhangsan``, ``zs`` and its full-width form alike, and sorts by its
pinyin among other names. Each name's pinyin and initials are kept beside it in the table
(``name_pinyin``, ``name_initials``), computed here with pypinyin whenever the name is set.
"""

import unicodedata

from pypinyin import lazy_pinyin

PINYIN_LENGTH = 400
INITIALS_LENGTH = 100


def normalize(text: str) -> str:
    """Full-width forms folded to half-width (NFKC) and case folded."""
    return unicodedata.normalize("NFKC", text).casefold()


def pinyin_keys(name: str) -> tuple[str, str]:
    """The name's pinyin without tones or spaces, and its initials: 张三 → (zhangsan, zs).

    Latin words are kept as they are (lower case): ``Ada Lovelace`` → (adalovelace, al).
    """
    syllables: list[str] = []
    for part in lazy_pinyin(normalize(name)):
        for word in part.split():
            word = "".join(ch for ch in word if ch.isalnum())
            if word:
                syllables.append(word)
    return "".join(syllables)[:PINYIN_LENGTH], "".join(s[0] for s in syllables)[:INITIALS_LENGTH]


def search_term(q: str) -> str:
    """A search box's text as compared with the pinyin keys: normalized, without spaces."""
    return "".join(normalize(q).split())

"""A person's name in the order their own language writes it.

Chinese, Japanese and Korean put the family name first ("田中 里佳", "王 伟", "김 민준"); a CRM that shows
"里佳 田中" gets every such contact backwards. The family name's script decides: when it is written in Han
characters, kana or Hangul, the family name leads. Other names keep the given name first.
"""

from __future__ import annotations

import re

# Han (with extensions A and the compatibility block), Hiragana, Katakana (and its extension), Hangul
# syllables and jamo. Names in the rarer Han extensions (beyond U+FFFF) count too.
_CJK_RANGES = (
    (0x1100, 0x11FF),
    (0x3040, 0x30FF),
    (0x3130, 0x318F),
    (0x31F0, 0x31FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7AF),
    (0xF900, 0xFAFF),
    (0x20000, 0x3FFFF),
)


# One character class of those ranges: matching it is several times quicker than comparing with each range.
_CJK = re.compile("[" + "".join(f"{chr(low)}-{chr(high)}" for low, high in _CJK_RANGES) + "]")


def is_cjk(text: str) -> bool:
    """Whether the first letter of `text` is a Chinese, Japanese or Korean character."""
    if text.isascii():  # most names, answered without looking at each character
        return False
    for char in text:
        if char.isalpha():
            return _CJK.match(char) is not None
    return False


def person_name(firstname: str, lastname: str) -> str:
    """Given and family name joined in the order the name's language uses."""
    first, last = firstname.strip(), lastname.strip()
    if not (first and last):
        return first or last
    return f"{last} {first}" if is_cjk(last) else f"{first} {last}"

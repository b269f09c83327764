"""Names in the order Supabase's generator sorts them: English collation, not code points.

The generator compares names with ``Intl.Collator("en")`` (ICU): letters before case,
``_`` and other punctuation before digits before letters, lower case before upper case
when the letters agree. This key reproduces that order for the characters database
names use; it is the ICU root order with punctuation not ignored.
"""

from __future__ import annotations

import unicodedata

# ICU root order of the ASCII characters that are neither letters nor digits.
_PUNCTUATION = "\t\n\v\f\r _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$"
_SPACE, _SYMBOL, _DIGIT, _LETTER = 0, 1, 2, 3

Key = tuple[tuple[tuple[int, int], ...], tuple[int, ...], tuple[int, ...]]


def collation_key(text: str) -> Key:
    """Sort key: primary (base characters), secondary (accents), tertiary (case)."""
    primary: list[tuple[int, int]] = []
    secondary: list[int] = []
    tertiary: list[int] = []
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char):
            secondary.append(ord(char))
            continue
        primary.append(_primary(char))
        secondary.append(0)
        tertiary.append(1 if char.isupper() else 0)
    return tuple(primary), tuple(secondary), tuple(tertiary)


def _primary(char: str) -> tuple[int, int]:
    position = _PUNCTUATION.find(char)
    if position >= 0:
        return (_SPACE if position < 6 else _SYMBOL), position
    if char.isdigit():
        return _DIGIT, unicodedata.digit(char, 0)
    if char.isalpha():
        return _LETTER, ord(char.lower())
    return _SYMBOL, 0x10000 + ord(char)

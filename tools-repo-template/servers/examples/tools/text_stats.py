"""Word and character statistics for a piece of text (standard library only)."""

import re
from collections import Counter

# Letters, optionally joined by an apostrophe or hyphen: "don't", "well-known".
WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")
SENTENCE_END = re.compile(r"[.!?]+")
MAX_TOP = 50


async def main(text: str, top: int = 5) -> dict:
    """Count the characters, words, lines and sentences of a text and list its most frequent words.

    Args:
        text: the text to analyse.
        top: how many of the most frequent words to return, 0 to 50.
    """
    if not 0 <= top <= MAX_TOP:
        raise ValueError(f"top must be between 0 and {MAX_TOP}, got {top}")
    words = [word.lower() for word in WORD.findall(text)]
    counts = Counter(words)
    sentences = [part for part in SENTENCE_END.split(text) if part.strip()]
    return {
        "characters": len(text),
        "characters_without_spaces": len("".join(text.split())),
        "words": len(words),
        "unique_words": len(counts),
        "lines": len(text.splitlines()),
        "sentences": len(sentences),
        "average_word_length": round(sum(map(len, words)) / len(words), 2) if words else 0,
        "top_words": [{"word": word, "count": count} for word, count in counts.most_common(top)],
    }

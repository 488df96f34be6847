"""Language detection, sentence splitting and a BM25 lexical index with German/English stemming."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from functools import lru_cache

import snowballstemmer

WORD = re.compile(r"[^\W_]+", re.UNICODE)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ0-9])")

STOPWORDS = {
    "en": frozenset(
        """
    a an and are as at be been but by can do does for from has have how i if in into is
    it its me my no not of on or our out so such than that the their them then there
    these they this to too up us very was we were what when where which while who why
    will with without you your all any also each more most some just about over under
    again get got
    """.split()
    ),
    "de": frozenset(
        """
    aber alle als also am an auch auf aus bei bin bis da damit dann das dass dem den der
    des die dies diese dieser dir doch dort du durch ein eine einem einen einer eines er
    es für hat hatte haben ich ihr ihre im in ist ja jede jeder kann kein keine können
    man mehr mit muss müssen nach nicht noch nun nur ob oder ohne sehr sich sie sind so
    soll sollen um und uns unser unsere unseren unserer unter viel vom von vor war wie
    wir wird werden wo zu zum zur über immer oft sehr
    """.split()
    ),
}
_GERMAN_LETTERS = re.compile(r"[äöüß]", re.IGNORECASE)


def detect_language(text: str) -> str:
    """'de' or 'en', from stopword counts and German letters; English when undecided."""
    words = [w.lower() for w in WORD.findall(text)]
    german = sum(w in STOPWORDS["de"] for w in words) + 2 * len(_GERMAN_LETTERS.findall(text))
    english = sum(w in STOPWORDS["en"] for w in words)
    return "de" if german > english else "en"


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(text.strip()) if s.strip()]


@lru_cache(maxsize=2)
def _stemmer(language: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("german" if language == "de" else "english")


def tokenize(text: str, language: str) -> list[str]:
    """Lower-cased stems without stopwords, for BM25."""
    stopwords = STOPWORDS.get(language, STOPWORDS["en"])
    words = [w for w in (m.lower() for m in WORD.findall(text)) if w not in stopwords]
    return _stemmer(language).stemWords(words)


class BM25:
    """Okapi BM25 over a fixed list of documents, each tokenised in its own language."""

    def __init__(self, documents: list[list[str]], *, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.size = len(documents)
        self.lengths = [len(doc) for doc in documents]
        self.average_length = (sum(self.lengths) / self.size) if self.size else 0.0
        self.postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for doc_id, doc in enumerate(documents):
            for term, count in Counter(doc).items():
                self.postings[term].append((doc_id, count))

    def idf(self, term: str) -> float:
        frequency = len(self.postings.get(term, ()))
        return math.log(1 + (self.size - frequency + 0.5) / (frequency + 0.5))

    def scores(self, query: list[str]) -> dict[int, float]:
        """Score of every document that shares at least one term with the query."""
        totals: dict[int, float] = defaultdict(float)
        for term in set(query):
            idf = self.idf(term)
            for doc_id, count in self.postings.get(term, ()):
                norm = self.k1 * (1 - self.b + self.b * self.lengths[doc_id] / self.average_length)
                totals[doc_id] += idf * count * (self.k1 + 1) / (count + norm)
        return totals

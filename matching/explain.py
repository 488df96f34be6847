"""Why a result fits, told in the company's own words.

Two things are shown per result: the words of the company's description that it shares with
the use case's texts (compared as the lexical matching compares them: stems, and for German the
parts of compound words the catalog uses), and the catalog problem statement closest to the
description, which the page labels as how other companies describe the problem. The title is
never offered as a reason: it names the answer, it does not explain it.

Presentation only: nothing here changes which use cases are found or how they are ordered.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from matching.index import IndexUnavailable, LanguageIndex, store
from matching.text import WORD, Decompounder, split_sentences, tokenize

PROBLEM_STATEMENT = "problem_statement"
# A term that occurs in more than this share of the use cases says little about any of them
# (BM25 gives it almost no weight), so it is not marked as a reason ("Daten", "Kunden").
COMMON_TERM_SHARE = 1 / 3
# Sentences of the description shown per result, the ones with the most marked words.
SENTENCES_SHOWN = 2
_PARAGRAPHS = re.compile(r"\s*\n\s*")


@dataclass(frozen=True)
class Piece:
    """A run of the description's text, marked when it carried the match."""

    text: str
    marked: bool


@dataclass(frozen=True)
class Explanation:
    """What a result card shows as its reason."""

    sentences: list[list[Piece]]  # the description's sentences with marked words, best first
    marked_words: list[str]  # the marked words and phrases, each once, in order of appearance
    statement: str  # the closest catalog problem statement ("" when the use case has none)


@dataclass(frozen=True)
class Vocabulary:
    """One language's catalog as explaining needs it: the terms and the problem statements of
    each use case (by id), and in how many use cases each term occurs."""

    language: str
    terms_of: Mapping[int, frozenset[str]]
    statements_of: Mapping[int, list[str]]
    use_cases_with: Mapping[str, int]
    decompounder: Decompounder | None

    def is_telling(self, term: str) -> bool:
        return self.use_cases_with.get(term, 0) <= max(1, len(self.terms_of) * COMMON_TERM_SHARE)

    def stems(self, word: str) -> set[str]:
        """The terms a single word of a description stands for (none for a stopword)."""
        return set(tokenize(word, self.language, self.decompounder))


class _IndexView:
    """Use case id -> something read from the served index when asked, for the few results
    shown: dicts of every use case's terms and statements would hold ~100 MB more per process
    at 10,000 use cases."""

    def __init__(self, part: LanguageIndex) -> None:
        self._part = part

    def _position(self, use_case_id: int) -> int:
        ids = self._part.use_case_ids
        position = int(np.searchsorted(ids, use_case_id))
        if position == len(ids) or ids[position] != use_case_id:
            raise KeyError(use_case_id)
        return position

    def __len__(self) -> int:
        return len(self._part.use_case_ids)

    def __iter__(self) -> Iterator[int]:
        return iter(self._part.use_case_ids.tolist())


class _IndexTerms(_IndexView, Mapping[int, frozenset[str]]):
    def __getitem__(self, use_case_id: int) -> frozenset[str]:
        return self._part.lexical.terms_of(self._position(use_case_id))


class _IndexStatements(_IndexView, Mapping[int, list[str]]):
    def __getitem__(self, use_case_id: int) -> list[str]:
        rows = self._part.rows
        return [
            rows.texts[row]
            for row in self._part.rows_of(self._position(use_case_id)).tolist()
            if rows.kinds[row] == PROBLEM_STATEMENT
        ]


class _UseCasesWith(Mapping[str, int]):
    """Term -> in how many use cases of the served index it occurs."""

    def __init__(self, part: LanguageIndex) -> None:
        self._lexical = part.lexical

    def __getitem__(self, term: str) -> int:
        return self._lexical.document_frequency(term)

    def __len__(self) -> int:
        return len(self._lexical.vocabulary)

    def __iter__(self) -> Iterator[str]:
        return iter(self._lexical.vocabulary)


@lru_cache(maxsize=4)
def _from_index(part: LanguageIndex) -> Vocabulary:
    # One per served index part (compared by identity); a new index version builds a new one.
    return Vocabulary(
        part.language,
        _IndexTerms(part),
        _IndexStatements(part),
        _UseCasesWith(part),
        part.decompounder,
    )


def vocabulary(language: str, fallback_texts: dict[int, list[tuple[str, str]]]) -> Vocabulary:
    """The served index's vocabulary for `language`; without an index (results stay readable
    while it is rebuilt), one built from `fallback_texts`: use case id -> [(kind, text)]."""
    try:
        return _from_index(store.current().part(language))
    except IndexUnavailable:
        terms_of = {
            pk: frozenset(term for _kind, text in texts for term in tokenize(text, language))
            for pk, texts in fallback_texts.items()
        }
        statements_of = {
            pk: [text for kind, text in texts if kind == PROBLEM_STATEMENT]
            for pk, texts in fallback_texts.items()
        }
        # Too few use cases to tell common terms from telling ones: every shared term counts.
        return Vocabulary(language, terms_of, statements_of, Counter(), None)


def mark(text: str, terms: Iterable[str], vocabulary: Vocabulary) -> list[Piece]:
    """`text` cut into pieces, the words whose terms are among `terms` marked; marked words
    separated only by spaces form one marked phrase."""
    wanted = set(terms)
    pieces: list[Piece] = []
    position = 0
    for word in WORD.finditer(text):
        is_marked = bool(
            {t for t in vocabulary.stems(word.group().lower()) if vocabulary.is_telling(t)} & wanted
        )
        between = text[position : word.start()]
        if is_marked and pieces and pieces[-1].marked and not between.strip():
            pieces[-1] = Piece(pieces[-1].text + between + word.group(), True)
        else:
            if between:
                pieces.append(Piece(between, False))
            pieces.append(Piece(word.group(), is_marked))
        position = word.end()
    if position < len(text):
        pieces.append(Piece(text[position:], False))
    # Neighbouring unmarked pieces read as one text.
    merged: list[Piece] = []
    for piece in pieces:
        if merged and not piece.marked and not merged[-1].marked:
            merged[-1] = Piece(merged[-1].text + piece.text, False)
        else:
            merged.append(piece)
    return merged


def explain(
    description: str, use_case_id: int, matched_on: list[str], vocabulary: Vocabulary
) -> Explanation:
    """The reason a use case fits `description`: its sentences with the shared words marked,
    and the problem statement closest to it (one the ranking found closest when there is one
    among `matched_on`, else the one sharing most terms with the description)."""
    own_terms = vocabulary.terms_of.get(use_case_id, frozenset())
    sentences = [
        sentence
        for paragraph in _PARAGRAPHS.split(description.strip())
        for sentence in split_sentences(paragraph)
    ]
    marked = [mark(sentence, own_terms, vocabulary) for sentence in sentences]
    scored = sorted(
        (
            (sum(piece.marked for piece in pieces), index)
            for index, pieces in enumerate(marked)
            if any(piece.marked for piece in pieces)
        ),
        key=lambda pair: -pair[0],
    )
    shown = sorted(index for _count, index in scored[:SENTENCES_SHOWN])
    return Explanation(
        sentences=[marked[index] for index in shown],
        marked_words=list(
            {
                piece.text.lower(): piece.text
                for index in shown
                for piece in marked[index]
                if piece.marked
            }.values()
        ),
        statement=_closest_statement(description, use_case_id, matched_on, vocabulary),
    )


def _closest_statement(
    description: str, use_case_id: int, matched_on: list[str], vocabulary: Vocabulary
) -> str:
    statements = vocabulary.statements_of.get(use_case_id, [])
    for text in matched_on:
        if text in statements:
            return text
    if not statements:
        return ""
    query_terms = set(tokenize(description, vocabulary.language, vocabulary.decompounder))
    shared = [
        len(query_terms & set(tokenize(s, vocabulary.language, vocabulary.decompounder)))
        for s in statements
    ]
    return statements[shared.index(max(shared))]

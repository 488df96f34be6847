"""Language detection, sentence splitting, segmentation, German decompounding and a BM25 lexical
index with German/English stemming."""

from __future__ import annotations

import math
import re
from array import array
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import pairwise

import numpy as np
import snowballstemmer

WORD = re.compile(r"[^\W_]+", re.UNICODE)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ0-9])")

# Function words, after the Snowball project's English and German stop lists.
STOPWORDS = {
    "en": frozenset(
        """
    a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further get got had has have having he her here hers herself him himself his
    how i if in into is it its itself just me more most my myself no nor not now of off
    on once only or other our ours ourselves out over own same she should so some such
    than that the their theirs them themselves then there these they this those through
    to too under until up us very was we were what when where which while who whom why
    will with without would you your yours yourself yourselves also
    """.split()
    ),
    "de": frozenset(
        """
    aber alle allem allen aller alles als also am an ander andere anderem anderen
    anderer anderes anderm andern anderr anders auch auf aus bei bin bis bist da damit
    dann das dass dasselbe dazu dein deine deinem deinen deiner deines dem demselben den
    denn denselben der derer derselbe derselben des desselben dessen dich die dies diese
    dieselbe dieselben diesem diesen dieser dieses dir doch dort du durch ein eine einem
    einen einer eines einig einige einigem einigen einiger einiges einmal er es etwas
    euch euer eure eurem euren eurer eures für gegen gewesen hab habe haben hat hatte
    hatten hier hin hinter ich ihm ihn ihnen ihr ihre ihrem ihren ihrer ihres im in
    indem ins ist jede jedem jeden jeder jedes jene jenem jenen jener jenes jetzt kann
    kein keine keinem keinen keiner keines können könnte machen man manche manchem
    manchen mancher manches mein meine meinem meinen meiner meines mich mir mit muss
    musste nach nicht nichts noch nun nur ob oder ohne sehr sein seine seinem seinen
    seiner seines selbst sich sie sind so solche solchem solchen solcher solches soll
    sollte sondern sonst über um und uns unser unsere unserem unseren unserer unseres
    unter viel vom von vor während war waren warst was weg weil weiter welche welchem
    welchen welcher welches wenn werde werden wie wieder will wir wird wirst wo wollen
    wollte würde würden zu zum zur zwar zwischen immer oft
    """.split()
    ),
}
_GERMAN_LETTERS = re.compile(r"[äöüß]", re.IGNORECASE)
# Spelling that marks a word as German or English, for short texts without function words
# ("Rechnungen abtippen dauert ewig").
_GERMAN_SPELLING = re.compile(r"sch|tz|cht|(ung|ungen|keit|heit|lich|isch|en|ern)$")
_ENGLISH_SPELLING = re.compile(r"th|wh|ou|(ing|tion|ed|ly|s)$")


def detect_language(text: str) -> str:
    """'de' or 'en': function words and German letters first, spelling to break a tie; English
    when still undecided."""
    words = [w.lower() for w in WORD.findall(text)]
    german = sum(w in STOPWORDS["de"] for w in words) + 2 * len(_GERMAN_LETTERS.findall(text))
    english = sum(w in STOPWORDS["en"] for w in words)
    if german == english:
        german = sum(bool(_GERMAN_SPELLING.search(w)) for w in words)
        english = sum(bool(_ENGLISH_SPELLING.search(w)) for w in words)
    return "de" if german > english else "en"


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(text.strip()) if s.strip()]


# Parts of a description that are matched on their own to find several problems in one text.
MAX_SEGMENTS = 4
# A segment shorter than this is joined to its neighbour: alone it rarely names a problem.
MIN_SEGMENT_WORDS = 6
# Characters of one segment that reach the encoder; bounds the cost of long descriptions.
SEGMENT_CHARACTERS = 500
_LINE_BREAKS = re.compile(r"\s*\n\s*\n\s*|\s*\n\s*(?=[-*•\d])")


def split_segments(text: str) -> list[str]:
    """The description as at most MAX_SEGMENTS consecutive parts (sentences, bullets,
    paragraphs), each at least MIN_SEGMENT_WORDS words unless the text is shorter."""
    pieces = [
        sentence
        for block in _LINE_BREAKS.split(text.strip())
        for sentence in split_sentences(block.lstrip("-*• "))
    ]
    segments: list[str] = []
    for piece in pieces:
        if segments and len(segments[-1].split()) < MIN_SEGMENT_WORDS:
            segments[-1] = f"{segments[-1]} {piece}"
        else:
            segments.append(piece)
    if len(segments) > 1 and len(segments[-1].split()) < MIN_SEGMENT_WORDS:
        segments[-2:] = [f"{segments[-2]} {segments[-1]}"]
    while len(segments) > MAX_SEGMENTS:
        # Join the shortest neighbouring pair, so long texts keep their natural breaks.
        lengths = [len(a) + len(b) for a, b in pairwise(segments)]
        i = lengths.index(min(lengths))
        segments[i : i + 2] = [f"{segments[i]} {segments[i + 1]}"]
    return segments


@lru_cache(maxsize=2)
def _stemmer(language: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("german" if language == "de" else "english")


def tokenize(text: str, language: str, decompounder: Decompounder | None = None) -> list[str]:
    """Lower-cased stems without stopwords, for BM25; with a decompounder, the known parts of
    compound words are added next to the word itself."""
    stopwords = STOPWORDS.get(language, STOPWORDS["en"])
    words = [w for w in (m.lower() for m in WORD.findall(text)) if w not in stopwords]
    if decompounder is not None:
        words = [part for word in words for part in (word, *decompounder.parts(word))]
    return _stemmer(language).stemWords(words)


def tokenize_all(
    texts: Iterable[str], language: str, decompounder: Decompounder | None = None
) -> Iterator[list[str]]:
    """`tokenize` of each text, with each distinct word stemmed (and split) only once: the
    texts of a large catalog repeat a few thousand words millions of times."""
    stopwords = STOPWORDS.get(language, STOPWORDS["en"])
    stemmer = _stemmer(language)
    terms_of: dict[str, tuple[str, ...]] = {}
    for text in texts:
        terms: list[str] = []
        for word in WORD.findall(text):
            known = terms_of.get(word)
            if known is None:
                lowered = word.lower()
                if lowered in stopwords:
                    known = ()
                else:
                    parts = decompounder.parts(lowered) if decompounder is not None else ()
                    known = tuple(stemmer.stemWords([lowered, *parts]))
                terms_of[word] = known
            terms.extend(known)
        yield terms


class Decompounder:
    """Splits German compounds into the parts that the catalog itself uses as words.

    "Spindelausfall" yields "ausfall" (the head) and "spindel" when the catalog has those words:
    a part the catalog never uses could not match anyway, so its own vocabulary is the only
    dictionary needed (a full German splitter is GPL-licensed and costs ~300 MB per process).
    Linking elements (Fugen-s, -n, -en, -es, -e) are dropped from the modifier.
    """

    MIN_PART = 4
    LINKS = ("s", "es", "n", "en", "e")

    def __init__(self, texts: Iterable[str], language: str) -> None:
        stopwords = STOPWORDS.get(language, STOPWORDS["en"])
        written: set[str] = set()  # each spelling once, before lower-casing: a large catalog
        for text in texts:  # repeats its words many times
            written.update(WORD.findall(text))
        words = {
            w for w in map(str.lower, written) if len(w) >= self.MIN_PART and w not in stopwords
        }
        self._stemmer = _stemmer(language)
        self._stopwords = stopwords
        self._words = frozenset(words)
        self._stems = frozenset(self._stemmer.stemWords(sorted(words)))
        self.parts = lru_cache(maxsize=20_000)(self._parts)

    def _known(self, piece: str) -> bool:
        return (
            len(piece) >= self.MIN_PART
            and piece not in self._stopwords
            and (piece in self._words or self._stemmer.stemWord(piece) in self._stems)
        )

    def _parts(self, word: str) -> tuple[str, ...]:
        """The longest known head and the longest known modifier of `word`, if any."""
        if len(word) < 2 * self.MIN_PART:
            return ()
        parts = []
        for start in range(self.MIN_PART, len(word) - self.MIN_PART + 1):
            if self._known(word[start:]):
                parts.append(word[start:])
                break
        # The longest modifier that is a catalog word as written wins over one that only
        # shares a stem ("rechnungse" -> "rechnungs" shares the stem of "rechnung").
        modifiers = [
            form
            for end in range(len(word) - self.MIN_PART, self.MIN_PART - 1, -1)
            for form in (
                word[:end],
                *(word[: end - len(link)] for link in self.LINKS if word[:end].endswith(link)),
            )
        ]
        modifier = next((f for f in modifiers if f in self._words), None) or next(
            (f for f in modifiers if self._known(f)), None
        )
        if modifier:
            parts.append(modifier)
        return tuple(parts)


class BM25:
    """Okapi BM25 over a fixed list of documents, each tokenised in its own language.

    A term's contribution to a document does not depend on the query, so it is computed once
    here; scoring a query is then one vector addition per query term. Held as flat arrays
    rather than a dict of per-term objects, which a catalog of 10,000 use cases (millions of
    term occurrences) would fill with hundreds of megabytes of Python objects: a term-major
    table (per term, its documents and contributions) for scoring, and a document-major one
    (per document, its distinct terms and their counts) for explaining a result and for a
    variant with one document replaced.
    """

    def __init__(self, documents: Iterable[list[str]], *, k1: float = 1.2, b: float = 0.75) -> None:
        documents = list(documents)
        self._build(documents, np.arange(len(documents), dtype=np.int32), len(documents), k1, b)

    @classmethod
    def grouped(
        cls,
        texts: Iterable[list[str]],
        document_of_text: np.ndarray,
        size: int,
        *,
        k1: float = 1.2,
        b: float = 0.75,
    ) -> BM25:
        """One document per group of texts: the terms of text i belong to document
        `document_of_text[i]`, without a list of terms per document ever being built."""
        index = cls.__new__(cls)
        index._build(texts, document_of_text, size, k1, b)
        return index

    def _build(
        self,
        texts: Iterable[list[str]],
        document_of_text: np.ndarray,
        size: int,
        k1: float,
        b: float,
    ) -> None:
        vocabulary: dict[str, int] = {}
        add = vocabulary.setdefault
        term_of_token = array("i")
        text_lengths = array("q")
        for terms in texts:
            term_of_token.extend([add(term, len(vocabulary)) for term in terms])
            text_lengths.append(len(terms))
        document_of_token = np.repeat(
            np.asarray(document_of_text, dtype=np.int64), np.frombuffer(text_lengths, np.int64)
        )
        term_ids = np.frombuffer(term_of_token, dtype=np.int32).astype(np.int64)
        # Distinct (document, term) pairs with their counts, ordered by document, then term.
        width = max(len(vocabulary), 1)
        pairs, counts = np.unique(document_of_token * width + term_ids, return_counts=True)
        self._set(
            list(vocabulary),
            vocabulary,
            (pairs // width).astype(np.int32),
            (pairs % width).astype(np.int32),
            counts.astype(np.int32),
            size,
            k1,
            b,
        )

    def _set(
        self,
        terms: list[str],
        vocabulary: dict[str, int],
        documents: np.ndarray,
        term_ids: np.ndarray,
        counts: np.ndarray,
        size: int,
        k1: float,
        b: float,
    ) -> None:
        """Derive both tables from the (document, term, count) triples, ordered by document
        then term."""
        self.size = size
        self._k1, self._b = k1, b
        self._terms = terms
        self._vocabulary = vocabulary
        self._document_terms = _narrow(term_ids, len(terms))
        self._document_counts = _narrow(counts, int(counts.max(initial=0)) + 1)
        self._document_offsets = _offsets(documents, size)
        lengths = np.bincount(documents, weights=counts, minlength=size).astype(np.float32)
        average_length = float(lengths.mean()) if self.size else 1.0
        # Stable: each term's documents stay in ascending order.
        order = np.argsort(term_ids, kind="stable")
        frequency = np.bincount(term_ids, minlength=len(terms))
        self._document_frequency = frequency.astype(np.int32)
        self._term_offsets = _offsets(term_ids[order], len(terms))
        self._term_documents = _narrow(documents[order], size)
        # math.log per distinct frequency, as float32 like the scalar it multiplies.
        distinct, which = np.unique(frequency, return_inverse=True)
        idf = np.array(
            [math.log(1 + (self.size - df + 0.5) / (df + 0.5)) for df in distinct.tolist()],
            dtype=np.float32,
        )[which]
        term_counts = counts[order].astype(np.float32)
        norm = k1 * (1 - b + b * lengths[self._term_documents] / average_length)
        self._term_weights = (
            idf[term_ids[order]] * term_counts * (k1 + 1) / (term_counts + norm)
        ).astype(np.float32)

    def scores(self, query: list[str]) -> np.ndarray:
        """One score per document; 0 where it shares no term with the query."""
        totals = np.zeros(self.size, dtype=np.float32)
        for term in set(query):
            term_id = self._vocabulary.get(term)
            if term_id is not None:
                start, end = self._term_offsets[term_id], self._term_offsets[term_id + 1]
                # A term lists each document once.
                totals[self._term_documents[start:end]] += self._term_weights[start:end]
        return totals

    def terms_of(self, document: int) -> frozenset[str]:
        """The distinct terms of one document."""
        start, end = self._document_offsets[document], self._document_offsets[document + 1]
        return frozenset(self._terms[i] for i in self._document_terms[start:end].tolist())

    @property
    def vocabulary(self) -> list[str]:
        """Every term of the documents, by term id."""
        return self._terms

    def document_frequency(self, term: str) -> int:
        """In how many documents `term` occurs."""
        term_id = self._vocabulary.get(term)
        return 0 if term_id is None else int(self._document_frequency[term_id])

    def with_document(self, document: int, terms: list[str]) -> BM25:
        """A copy in which document `document` has these terms instead (or, for `document ==
        size`, a new last document with them): scores as BM25 over the changed documents."""
        size = max(self.size, document + 1)
        vocabulary = dict(self._vocabulary)
        names = list(self._terms)
        for term in terms:
            if term not in vocabulary:
                vocabulary[term] = len(names)
                names.append(term)
        documents = np.repeat(np.arange(self.size, dtype=np.int32), np.diff(self._document_offsets))
        keep = documents != document
        own, own_counts = np.unique([vocabulary[t] for t in terms], return_counts=True)
        documents = np.concatenate([documents[keep], np.full(len(own), document, np.int32)])
        term_ids = np.concatenate([self._document_terms[keep], own.astype(np.int32)])
        counts = np.concatenate([self._document_counts[keep], own_counts.astype(np.int32)])
        order = np.lexsort((term_ids, documents))
        copy = BM25.__new__(BM25)
        copy._set(
            names,
            vocabulary,
            documents[order],
            term_ids[order],
            counts[order],
            size,
            self._k1,
            self._b,
        )
        return copy


def _narrow(values: np.ndarray, limit: int) -> np.ndarray:
    """Non-negative integers below `limit` in 2 bytes each when they fit, else 4."""
    return values.astype(np.uint16 if limit <= 1 << 16 else np.int32)


def _offsets(sorted_ids: np.ndarray, count: int) -> np.ndarray:
    """Where each id's run starts in `sorted_ids` (count + 1 offsets, CSR style)."""
    offsets = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(np.bincount(sorted_ids, minlength=count), out=offsets[1:])
    return offsets

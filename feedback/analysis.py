"""Themes and sentiment of comments, offline: a curated lexicon and HR's theme list, no model.

Pure: it takes the themes as plain values (`ThemeSpec`) and never touches the database, so the
same code serves pages, the evaluation test and the benchmark. `CommentAnalyser` compiles the
themes once; `analyse` reads one comment, `summarise` a group's comments.
"""

import hashlib
import importlib.metadata
import random
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import astuple, dataclass, field
from pathlib import Path

from feedback import lexicon, text

POSITIVE, NEUTRAL, NEGATIVE = "positive", "neutral", "negative"
# Words too common to mark a theme by their stem alone ("atasan" stems to "atas", "on top of").
_WEAK_STEMS = frozenset(
    [
        "atas",
        "ada",
        "kerja",
        "buat",
        "dan",
        "yang",
        "di",
        "ke",
        "dari",
        "untuk",
        "orang",
        "hari",
        "jam",
        "waktu",
        "bagi",
    ]
)


@dataclass(frozen=True)
class ThemeSpec:
    key: str
    label: str
    keywords_id: Sequence[str] = ()
    keywords_en: Sequence[str] = ()


@dataclass(frozen=True)
class CommentAnalysis:
    language: str
    score: float
    sentiment: str
    themes: tuple[str, ...]  # most mentioned first; ties in the themes' order

    @property
    def theme(self) -> str:
        return self.themes[0] if self.themes else ""


@dataclass
class ThemeCount:
    key: str
    label: str
    count: int
    examples: list[str] = field(default_factory=list)


@dataclass
class CommentSummary:
    total: int
    sentiments: dict[str, int]
    themes: list[ThemeCount]  # the most frequent first

    def share(self, sentiment: str) -> float:
        return self.sentiments.get(sentiment, 0) / self.total if self.total else 0.0

    @property
    def positive_share(self) -> float:
        return self.share(POSITIVE)

    @property
    def neutral_share(self) -> float:
        return self.share(NEUTRAL)

    @property
    def negative_share(self) -> float:
        return self.share(NEGATIVE)


def _keyword_words(keyword: str, language: str) -> tuple[frozenset[str], ...]:
    """Each word of a keyword with the forms that match it: as written, and its stem."""
    forms = []
    for word in text.words(text.clean(keyword)):
        stem = text.stem(word, language)
        accepted = {word}
        if stem not in _WEAK_STEMS and len(stem) >= 3:
            accepted.add(stem)
        forms.append(frozenset(accepted))
    return tuple(forms)


def _split_keywords(value: str | Sequence[str]) -> list[str]:
    items = value.replace("\n", ",").split(",") if isinstance(value, str) else value
    return [item.strip() for item in items if item and item.strip()]


def _expanded(weights: dict[str, float], language: str) -> dict[str, float]:
    """Stems of the lexicon's words, for words written in another form than the entry."""
    stems: dict[str, float] = {}
    for word, weight in weights.items():
        stem = text.stem(word, language)
        if stem != word and stem not in weights and stem not in lexicon.NOT_SENTIMENT_STEMS:
            stems.setdefault(stem, weight)
    return stems


def _code_fingerprint() -> str:
    """What reading a comment depends on besides the themes: this module, the lexicon and the
    text functions as installed, the stemmers' releases and the Unicode tables of `text.clean`."""
    releases = [importlib.metadata.version(name) for name in ("PySastrawi", "snowballstemmer")]
    digest = hashlib.sha256(repr([*releases, unicodedata.unidata_version]).encode())
    for module in (sys.modules[__name__], lexicon, text):
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()


_CODE_FINGERPRINT = _code_fingerprint()


class CommentAnalyser:
    def __init__(self, themes: Iterable[ThemeSpec]):
        self.themes = list(themes)
        # Two analysers with the same fingerprint read every comment alike.
        self.fingerprint = hashlib.sha256(
            repr([_CODE_FINGERPRINT, *(astuple(theme) for theme in self.themes)]).encode()
        ).hexdigest()
        self.labels = {theme.key: theme.label for theme in self.themes}
        self._order = {theme.key: position for position, theme in enumerate(self.themes)}
        # first word's form -> [(theme key, the forms of every word of the keyword)]
        self._index: dict[str, list[tuple[str, tuple[frozenset[str], ...]]]] = {}
        for theme in self.themes:
            for language, keywords in (("id", theme.keywords_id), ("en", theme.keywords_en)):
                for keyword in _split_keywords(keywords):
                    forms = _keyword_words(keyword, language)
                    if not forms:
                        continue
                    for first in forms[0]:
                        entries = self._index.setdefault(first, [])
                        if (theme.key, forms) not in entries:
                            entries.append((theme.key, forms))
        self._surface = {**lexicon.SENTIMENT_EN, **lexicon.SENTIMENT_ID}
        self._lexicons = {"id": lexicon.SENTIMENT_ID, "en": lexicon.SENTIMENT_EN}
        self._stems = {"id": _expanded(lexicon.SENTIMENT_ID, "id"), "en": _expanded(lexicon.SENTIMENT_EN, "en")}

    # --- sentiment

    def _weight(self, token: str, stem: str, language: str) -> float:
        if token in self._surface:
            return self._surface[token]
        if stem in self._lexicons[language]:
            return self._lexicons[language][stem]
        return self._stems[language].get(stem, 0.0)

    def _clause_score(self, tokens: list[str], stems: list[str], language: str) -> float:
        request = 0.0
        if any(token in lexicon.COMPARATIVES for token in tokens):
            request = min((lexicon.REQUEST_MARKERS[t] for t in tokens if t in lexicon.REQUEST_MARKERS), default=0.0)
        weights: list[float] = []
        last_at = -10  # where the last sentiment word was
        negation, negation_left, negator_alone = None, 0, 0.0
        intensity, intensity_left = 1.0, 0
        index = 0
        while index < len(tokens):
            token = tokens[index]
            following = tokens[index + 1] if index + 1 < len(tokens) else ""
            phrase = lexicon.PHRASES.get((token, following))
            if phrase is not None:
                weight, index = phrase, index + 2
            elif token in lexicon.NEGATORS and following == "ada" and index + 2 >= len(tokens):
                # "apresiasi hampir tidak ada": the negation reaches back to what it denies
                if weights and weights[-1] > 0:
                    weights[-1] *= lexicon.NEGATORS[token][0]
                break
            elif following in lexicon.NOT_NEGATION_AFTER.get(token, ()):
                index += 2  # "kurang lebih" (about), "tidak hanya" (not only): no sentiment
                continue
            elif token in lexicon.NEGATORS and following not in lexicon.NOT_NEGATION_AFTER.get(token, ()):
                if negation is not None and negator_alone:
                    weights.append(negator_alone)
                negation, negation_left = lexicon.NEGATORS[token], lexicon.NEGATION_WINDOW
                negator_alone = self._surface.get(token, 0.0) if token in ("kurang", "minim", "lack") else 0.0
                index += 1
                continue
            elif token in lexicon.INTENSIFIERS:
                factor = lexicon.INTENSIFIERS[token]
                if token in lexicon.POST_INTENSIFIERS and weights and index - last_at <= 2:
                    weights[-1] *= factor
                else:
                    intensity, intensity_left = factor, 2
                index += 1
                continue
            else:
                weight, index = self._weight(token, stems[index], language), index + 1
            if weight == 0.0:
                negation_left, intensity_left = negation_left - 1, intensity_left - 1
                if negation is not None and negation_left <= 0:
                    if negator_alone:
                        weights.append(negator_alone)
                    negation = None
                if intensity_left <= 0:
                    intensity = 1.0
                continue
            weight *= intensity
            intensity, intensity_left = 1.0, 0
            if negation is not None:
                weight *= negation[0] if weight > 0 else negation[1]
                negation, negator_alone = None, 0.0
            elif request and weight > 0:
                weight *= request
            weights.append(weight)
            last_at = index - 1
        if negation is not None and negator_alone:
            weights.append(negator_alone)
        return sum(weights)

    def _score(self, clauses: list[list[str]], stems: list[list[str]], language: str, raw: str) -> float:
        total = 0.0
        for tokens, clause_stems in zip(clauses, stems, strict=True):
            concession = any(token in lexicon.CONCESSION_WORDS for token in tokens)
            start = 0
            for position, token in enumerate(tokens):
                if token in lexicon.CONTRAST_WORDS:
                    total += self._clause_score(tokens[start:position], clause_stems[start:position], language)
                    total *= lexicon.BEFORE_CONTRAST
                    start = position + 1
            part = self._clause_score(tokens[start:], clause_stems[start:], language)
            if start:
                part *= lexicon.AFTER_CONTRAST
            total += part * (lexicon.CONCESSION if concession else 1.0)
        positive = sum(character in lexicon.EMOJI_POSITIVE for character in raw)
        negative = sum(character in lexicon.EMOJI_NEGATIVE for character in raw)
        return total + lexicon.EMOJI_WEIGHT * (min(positive, 3) - min(negative, 3))

    # --- themes

    def _themes(self, tokens: list[str], stems: list[str]) -> tuple[str, ...]:
        hits: Counter[str] = Counter()
        keys = [{token, stem, text.SLANG.get(stem, stem)} for token, stem in zip(tokens, stems, strict=True)]
        for position, forms in enumerate(keys):
            found: set[str] = set()
            for form in forms:
                for theme, words in self._index.get(form, ()):
                    if theme in found or position + len(words) > len(keys):
                        continue
                    if all(keys[position + offset] & words[offset] for offset in range(1, len(words))):
                        found.add(theme)
            hits.update(found)
        return tuple(sorted(hits, key=lambda theme: (-hits[theme], self._order[theme])))

    def analyse(self, comment: str) -> CommentAnalysis:
        clauses = text.clauses(comment or "")
        flat = [token for clause in clauses for token in clause]
        language = text.language_of(flat)
        stems = [[text.stem(token, language) for token in clause] for clause in clauses]
        score = round(self._score(clauses, stems, language, (comment or "")[: text.ANALYSED_CHARACTERS]), 4)
        if score >= lexicon.POSITIVE_FROM:
            sentiment = POSITIVE
        elif score <= lexicon.NEGATIVE_FROM:
            sentiment = NEGATIVE
        else:
            sentiment = NEUTRAL
        return CommentAnalysis(language, score, sentiment, self._themes(flat, [s for c in stems for s in c]))

    def summarise(
        self, comments: Iterable[str], *, top: int = 3, examples: int = 2, rng: random.Random | None = None
    ) -> CommentSummary:
        """Sentiment counts and the `top` themes most written about, each with up to
        `examples` of its comments drawn at random (never in the order they were written)."""
        texts = [comment for comment in comments if isinstance(comment, str) and comment.strip()]
        read = [(analysis.sentiment, analysis.themes) for analysis in map(self.analyse, texts)]
        return self.summary_of(texts, read, top=top, examples=examples, rng=rng)

    def summary_of(
        self,
        comments: Sequence[str],
        read: Sequence[tuple[str, Sequence[str]]],
        *,
        top: int = 3,
        examples: int = 2,
        rng: random.Random | None = None,
    ) -> CommentSummary:
        """`summarise` of comments this analyser has read already: `read` holds each comment's
        sentiment and themes, in the comments' order."""
        rng = rng or random.SystemRandom()
        sentiments = Counter(sentiment for sentiment, _themes in read)
        by_theme: dict[str, list[str]] = {}
        for comment, (_sentiment, themes) in zip(comments, read, strict=True):
            for theme in themes:
                by_theme.setdefault(theme, []).append(comment)
        ranked = sorted(by_theme, key=lambda theme: (-len(by_theme[theme]), self._order[theme]))[:top]
        themes = [
            ThemeCount(
                key=theme,
                label=self.labels[theme],
                count=len(by_theme[theme]),
                examples=rng.sample(by_theme[theme], min(examples, len(by_theme[theme]))),
            )
            for theme in ranked
        ]
        return CommentSummary(total=len(comments), sentiments=dict(sentiments), themes=themes)


def default_analyser() -> CommentAnalyser:
    """The analyser over the shipped themes (`feedback.defaults`), labelled in English."""
    from feedback.defaults import THEMES

    return CommentAnalyser(
        ThemeSpec(key, name_en, tuple(_split_keywords(words_id)), tuple(_split_keywords(words_en)))
        for key, name_en, _name_id, _driver, _element, words_id, words_en in THEMES
    )

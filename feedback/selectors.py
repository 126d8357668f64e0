"""Reads: the themes as the analyser needs them, the people directory as a name index, and
group summaries of comments for the pages and the API."""

import json
from collections.abc import Sequence
from threading import Lock

from django.core.cache import cache
from django.db.models import Count, Max
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from employees.models import User
from feedback.analysis import CommentAnalyser, CommentSummary, ThemeSpec
from feedback.models import Theme
from feedback.redaction import PLACEHOLDER, NameIndex

_analysers: dict[tuple, CommentAnalyser] = {}
_lock = Lock()


def theme_list():
    return Theme.objects.select_related("driver").order_by("position", "key")


def analyser() -> CommentAnalyser:
    """The analyser over HR's active themes, compiled once per version of the list (one query
    to learn the version)."""
    version = tuple(Theme.objects.filter(is_active=True).aggregate(n=Count("id"), at=Max("updated_at")).values())
    with _lock:
        found = _analysers.get(version)
        if found is None:
            themes = Theme.objects.filter(is_active=True).order_by("position", "key")
            found = CommentAnalyser(ThemeSpec(t.key, t.name_en, t.keywords_id, t.keywords_en) for t in themes)
            _analysers.clear()
            _analysers[version] = found
    return found


_name_indexes: dict[int, NameIndex] = {}


def name_index() -> NameIndex:
    """Everyone's first and last names, as written in the people directory (one query).
    Former colleagues stay in: their names should not appear in comments either. The index
    (half a second to build at 50,000 people) is kept while the names stay the same."""
    names = tuple(User.objects.values_list("first_name", "last_name").distinct().order_by("first_name", "last_name"))
    fingerprint = hash(names)
    with _lock:
        found = _name_indexes.get(fingerprint)
        if found is None:
            found = NameIndex(names)
            _name_indexes.clear()
            _name_indexes[fingerprint] = found
    return found


def shown(comments: Sequence[str], index: NameIndex | None = None) -> list[str]:
    """Comments as a page, the API or an export shows them: every name taken out once more
    (comments are redacted when stored; this guards against names added to the directory
    since) and the placeholder in the reader's language."""
    index = index or name_index()
    placeholder = _("[name]")
    return [index.redact(comment).replace(PLACEHOLDER, placeholder) for comment in comments]


class ShownComments(Sequence):
    """A list of comments redacted as they are read, for a paginator over thousands of them:
    only the page shown is redacted."""

    def __init__(self, comments: Sequence[str]):
        self._comments = comments
        self._index: NameIndex | None = None

    def __len__(self) -> int:
        return len(self._comments)

    def __getitem__(self, item):
        chosen = self._comments[item] if isinstance(item, slice) else [self._comments[item]]
        if not chosen:
            return []
        if self._index is None:
            self._index = name_index()
        redacted = shown(chosen, self._index)
        return redacted if isinstance(item, slice) else redacted[0]


# How long each comment's reading is kept: the whole audience's thousands of comments are read
# once, not on every view of the results page and the dashboard (170 ms of a 215 ms page at
# 50,000 people). The key names the comments and the analyser (HR's themes, Prima's lexicon).
READINGS_TIMEOUT = 7 * 24 * 3600


def readings_key(found: CommentAnalyser, texts: list[str]) -> str:
    # JSON, not a join: no character a comment may hold can make two lists of comments one key
    digest = salted_hmac(
        "prima.feedback.readings", json.dumps([found.fingerprint, texts]), algorithm="sha256"
    ).hexdigest()
    return f"prima:comment-readings:{digest}"


def _read(found: CommentAnalyser, texts: list[str]) -> list[tuple[str, tuple[str, ...]]]:
    """Each comment's sentiment and themes as `found` reads them, from the cache when the
    same analyser has read the same comments before. The key is a keyed hash (under the site's
    secret), so it tells nothing of the comments; the value holds no word of them."""
    key = readings_key(found, texts)
    read = cache.get(key)
    if read is None:
        read = [(analysis.sentiment, analysis.themes) for analysis in map(found.analyse, texts)]
        cache.set(key, read, timeout=READINGS_TIMEOUT)
    return read


def comment_summary(comments: Sequence[str], *, minimum: int) -> CommentSummary | None:
    """Sentiment shares, the three themes most written about and a few of their comments at
    random, in the reader's language; None for fewer than `minimum` comments (too few to say
    anything a reader could not pin on someone)."""
    texts = [comment for comment in comments if isinstance(comment, str) and comment.strip()]
    if len(texts) < max(minimum, 1):
        return None
    found = analyser()
    summary = found.summary_of(texts, _read(found, texts))
    names = {theme.key: theme.name for theme in Theme.objects.filter(key__in=[t.key for t in summary.themes])}
    index = name_index()
    for theme in summary.themes:
        theme.label = names.get(theme.key, theme.label)
        theme.examples = shown(theme.examples, index)
    return summary


def summary_as_dict(summary: CommentSummary | None) -> dict | None:
    """The summary for the API."""
    if summary is None:
        return None
    return {
        "comments": summary.total,
        "sentiment": {
            "positive": round(summary.positive_share, 4),
            "neutral": round(summary.neutral_share, 4),
            "negative": round(summary.negative_share, 4),
        },
        "themes": [
            {"key": theme.key, "name": theme.label, "count": theme.count, "examples": theme.examples}
            for theme in summary.themes
        ],
    }

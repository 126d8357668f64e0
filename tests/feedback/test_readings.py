"""A group's comments are read once: the summary of the same comments by the same themes comes
from the cache, and the cache holds no word of them."""

import random
import uuid

import pytest
from django.core.cache import cache

from feedback import selectors
from feedback.analysis import CommentAnalyser, default_analyser
from feedback.models import Theme
from feedback.services import theme_save

pytestmark = pytest.mark.django_db


def _comments() -> list[str]:
    # a word of its own in each test, so that no earlier test's readings are in the cache
    token = uuid.uuid4().hex
    return [
        f"Aplikasinya sering error dan lemot {token}",
        "Beban kerja terlalu berat, cuti susah disetujui",
        "Atasan sangat mendukung dan ramah",
        "The leave system is slow and confusing",
        "Pelatihan bagus, saya puas",
        "Gaji dan bonus tidak adil",
    ]


@pytest.fixture
def reads(monkeypatch):
    """The comments the analyser actually reads, in order."""
    seen = []
    analyse = CommentAnalyser.analyse

    def counted(self, comment):
        seen.append(comment)
        return analyse(self, comment)

    monkeypatch.setattr(CommentAnalyser, "analyse", counted)
    return seen


def _essence(summary):
    return summary.total, summary.sentiments, [(theme.key, theme.count) for theme in summary.themes]


def test_the_same_comments_are_read_once_and_summarised_alike(org, reads):
    comments = _comments()
    first = selectors.comment_summary(comments, minimum=3)
    assert reads == comments
    second = selectors.comment_summary(comments, minimum=3)
    assert reads == comments  # nothing read again
    assert _essence(second) == _essence(first)
    assert first.total == 6 and sum(first.sentiments.values()) == 6 and first.themes


def test_a_changed_theme_list_reads_the_comments_again(org, reads):
    comments = _comments()
    selectors.comment_summary(comments, minimum=3)
    before = cache.get(selectors.readings_key(selectors.analyser(), comments))
    # "Gaji dan bonus tidak adil" speaks of pay alone; HR makes "bonus" a mark of recognition too
    theme = Theme.objects.get(key="recognition")
    theme_save(theme=theme, actor=org.hana, keywords_id=f"{theme.keywords_id}, bonus")
    selectors.comment_summary(comments, minimum=3)
    after = cache.get(selectors.readings_key(selectors.analyser(), comments))
    assert reads == comments + comments
    assert before[5][1] == ("pay",) and set(after[5][1]) == {"pay", "recognition"}
    assert before[:5] == after[:5]


def test_the_cache_holds_no_word_of_the_comments(org):
    comments = _comments()
    selectors.comment_summary(comments, minimum=3)
    found = selectors.analyser()
    key = selectors.readings_key(found, comments)
    kept = cache.get(key)
    # a sentiment and theme keys per comment, nothing else
    assert len(kept) == len(comments)
    keys = set(Theme.objects.values_list("key", flat=True))
    for sentiment, themes in kept:
        assert sentiment in {"positive", "neutral", "negative"}
        assert set(themes) <= keys
    assert key.startswith("prima:comment-readings:") and len(key) == len("prima:comment-readings:") + 64


def test_a_summary_of_comments_read_before_equals_the_summary_read_now():
    analyser = default_analyser()
    comments = _comments() * 3
    read = [(analysis.sentiment, analysis.themes) for analysis in map(analyser.analyse, comments)]
    now = analyser.summarise(comments, rng=random.Random(7))
    before = analyser.summary_of(comments, read, rng=random.Random(7))
    assert _essence(before) == _essence(now)
    assert [theme.examples for theme in before.themes] == [theme.examples for theme in now.themes]


def test_lists_of_comments_that_join_alike_have_keys_of_their_own(org):
    found = selectors.analyser()
    one, two = ["Kantor ramah\x1eantrian lama"], ["Kantor ramah", "antrian lama"]
    assert selectors.readings_key(found, one) != selectors.readings_key(found, two)
    assert selectors.comment_summary(one * 3, minimum=3).total == 3
    assert selectors.comment_summary(two * 3, minimum=3).total == 6

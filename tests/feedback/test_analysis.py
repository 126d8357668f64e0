"""Normalisation, stemming, negation and sentiment of single comments, and bad input."""

import random

import pytest

from feedback import text
from feedback.analysis import NEGATIVE, NEUTRAL, POSITIVE, CommentAnalyser, ThemeSpec, default_analyser


@pytest.fixture(scope="module")
def analyser():
    return default_analyser()


def test_informal_indonesian_is_written_out():
    assert text.words("yg tdk bgt krn utk dgn sdh blm lg jg aja bpk org gak ga nggak gk") == [
        "yang", "tidak", "banget", "karena", "untuk", "dengan", "sudah", "belum", "lagi", "juga", "saja",
        "bapak", "orang", "tidak", "tidak", "tidak", "tidak",
    ]  # fmt: skip
    assert text.clauses("Mantaaap bgt!! kadang2 lemot") == [["mantap", "banget"], ["kadang", "lambat"]]
    assert text.clauses("don't like it, can't wait") == [["do", "not", "like", "it"], ["can", "not", "wait"]]


def test_indonesian_and_english_words_are_stemmed_and_the_stems_cached():
    text.stem_id.cache_clear()
    assert text.stem("pelayanannya", "id") == "layan"
    assert text.stem("keramahan", "id") == "ramah"
    assert text.stem("waiting", "en") == "wait"
    text.stem("pelayanannya", "id")
    assert text.stem_id.cache_info().hits == 1


@pytest.mark.parametrize(
    ("comment", "language"),
    [("Petugasnya ramah sekali", "id"), ("The staff were very friendly", "en"), ("", "id")],
)
def test_the_language_is_told_from_the_words(comment, language):
    assert text.language_of([w for c in text.clauses(comment) for w in c]) == language


@pytest.mark.parametrize(
    ("comment", "sentiment"),
    [
        ("Saya puas dengan pelayanannya", POSITIVE),
        ("Saya tidak puas dengan pelayanannya", NEGATIVE),
        ("petugasnya ramah", POSITIVE),
        ("petugasnya kurang ramah", NEGATIVE),
        ("informasinya jelas", POSITIVE),
        ("informasinya gak jelas", NEGATIVE),
        ("pelayanannya tidak lambat", POSITIVE),
        ("I am happy with the service", POSITIVE),
        ("I am not happy with the service", NEGATIVE),
        ("The bus is always on time", POSITIVE),
        ("The staff are never on time", NEGATIVE),
        ("not bad", POSITIVE),
        ("Mohon petugas lebih ramah", NEGATIVE),
        ("Antre lama, tapi petugasnya ramah sekali", POSITIVE),
        ("Petugasnya ramah, tapi antrenya lama sekali dan sistemnya error", NEGATIVE),
        ("kurang lebih dua jam", NEUTRAL),
    ],
)
def test_negation_request_and_contrast_turn_the_sentiment(analyser, comment, sentiment):
    assert analyser.analyse(comment).sentiment == sentiment


@pytest.mark.parametrize("comment", ["", "   ", "😊", "😡😡", "x" * 10_000, "ramah " * 2_000, "\x00\u200b", "1234 !!!"])
def test_bad_input_is_read_without_error(analyser, comment):
    analysis = analyser.analyse(comment)
    assert analysis.sentiment in (POSITIVE, NEUTRAL, NEGATIVE)
    summary = analyser.summarise([comment, comment])
    assert summary.total == (2 if comment.strip() else 0)


def test_emoji_alone_carry_their_sentiment(analyser):
    assert analyser.analyse("😊👍").sentiment == POSITIVE
    assert analyser.analyse("😡😡").sentiment == NEGATIVE
    assert analyser.analyse("").sentiment == NEUTRAL


def test_themes_match_stems_and_phrases_in_both_languages():
    analyser = CommentAnalyser(
        [
            ThemeSpec("growth", "Training", ("pelatihan",), ("training",)),
            ThemeSpec("workload", "Workload", ("beban kerja",), ("workload",)),
        ]
    )
    assert analyser.analyse("Kami jarang dilatih").themes == ("growth",)
    assert analyser.analyse("Beban kerjanya berat").themes == ("workload",)
    assert analyser.analyse("kerja di sini berat").themes == ()  # "kerja" alone is not the phrase
    assert analyser.analyse("More trainings please, the workload is fine").themes == ("growth", "workload")


def test_a_summary_counts_sentiments_and_ranks_the_top_three_themes_with_shuffled_examples(analyser):
    comments = [f"Pembagian bonus tidak transparan {n}" for n in range(6)]
    comments += [f"Aplikasi error lagi hari {n}" for n in range(4)]
    comments += ["Petugas ramah", "Ruang tunggu bersih", "Atasan mendukung", ""]
    summary = analyser.summarise(comments, rng=random.Random(7))
    assert summary.total == 13
    assert [theme.key for theme in summary.themes][:2] == ["pay", "systems"]
    assert len(summary.themes) == 3
    assert summary.themes[0].count == 6
    assert summary.sentiments[NEGATIVE] == 10
    assert summary.positive_share + summary.neutral_share + summary.negative_share == pytest.approx(1.0)
    # the examples are drawn at random, not taken in the order written
    drawn = {tuple(analyser.summarise(comments, rng=random.Random(seed)).themes[0].examples) for seed in range(20)}
    assert len(drawn) > 1
    assert all(set(examples) <= set(comments[:6]) for examples in drawn)

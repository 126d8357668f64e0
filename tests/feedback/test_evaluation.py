"""The analysis measured on the labelled evaluation set (docs/COMMENTS.md gives the figures).

The evaluation set (data/comments_labelled.csv) was written apart from the development set the
lexicon was built from (data/comments_development.csv) and is never used to choose a word or a
weight; the floors sit a little below the accuracy measured when it was written."""

import csv
from pathlib import Path

import pytest

from feedback.analysis import NEGATIVE, NEUTRAL, POSITIVE, default_analyser
from feedback.defaults import THEMES

DATA = Path(__file__).parent / "data"
# measured: theme 0.855, sentiment 0.752 (id 0.851 / 0.764, en 0.860 / 0.733), 234 comments
THEME_FLOOR, SENTIMENT_FLOOR = 0.82, 0.72
FLOORS_BY_LANGUAGE = {"id": (0.82, 0.73), "en": (0.82, 0.70)}


def _rows(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


@pytest.fixture(scope="module")
def labelled():
    return _rows("comments_labelled.csv")


def test_the_labelled_set_is_large_labelled_in_both_languages_and_apart_from_the_development_set(labelled):
    development = _rows("comments_development.csv")
    keys = {theme[0] for theme in THEMES} | {""}
    assert len(labelled) >= 200
    assert {row["language"] for row in labelled} == {"id", "en"}
    assert all(row["theme"] in keys and row["sentiment"] in (POSITIVE, NEUTRAL, NEGATIVE) for row in labelled)
    assert not {row["text"].lower() for row in labelled} & {row["text"].lower() for row in development}
    # informal spelling is in it
    assert any(" yg " in f" {row['text']} " or " gak " in f" {row['text']} " for row in labelled)


def _accuracy(rows: list[dict]) -> tuple[float, float]:
    analyser = default_analyser()
    results = [analyser.analyse(row["text"]) for row in rows]
    theme = sum(result.theme == row["theme"] for result, row in zip(results, rows, strict=True)) / len(rows)
    sentiment = sum(result.sentiment == row["sentiment"] for result, row in zip(results, rows, strict=True))
    return theme, sentiment / len(rows)


def test_theme_and_sentiment_accuracy_stay_above_their_floors(labelled):
    theme, sentiment = _accuracy(labelled)
    assert theme >= THEME_FLOOR
    assert sentiment >= SENTIMENT_FLOOR


@pytest.mark.parametrize("language", ["id", "en"])
def test_each_language_stays_above_its_floor(labelled, language):
    theme, sentiment = _accuracy([row for row in labelled if row["language"] == language])
    assert theme >= FLOORS_BY_LANGUAGE[language][0]
    assert sentiment >= FLOORS_BY_LANGUAGE[language][1]

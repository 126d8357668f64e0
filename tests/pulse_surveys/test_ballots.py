"""Sealed ballots: they open with the key they were sealed with, also after a key change that
keeps the old key among the fallbacks, only for their own round, and otherwise say what to do."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from pulse_surveys.ballots import ballot_open, ballot_seal

ITEMS = [(1, 4, ""), (2, 5, ""), (3, None, "Loket ramai, petugas ramah")]


def test_a_ballot_opens_into_what_was_sealed(settings):
    settings.PRIMA_BALLOT_KEY = "ballot-key-one"
    sealed = ballot_seal(round_id=7, size=512, department_id=12, items=ITEMS)
    assert len(sealed) > 512 and b"ramah" not in sealed
    assert ballot_open(sealed, round_id=7) == (12, ITEMS)


def test_after_a_key_change_the_old_key_among_the_fallbacks_still_opens_it(settings):
    settings.PRIMA_BALLOT_KEY = ""
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "secret-before", []
    sealed = ballot_seal(round_id=7, size=512, department_id=None, items=ITEMS)
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "secret-after", ["secret-before"]
    assert ballot_open(sealed, round_id=7) == (None, ITEMS)
    # and new ballots are sealed with the new key: they open without the fallback
    again = ballot_seal(round_id=7, size=512, department_id=None, items=ITEMS)
    settings.SECRET_KEY_FALLBACKS = []
    assert ballot_open(again, round_id=7) == (None, ITEMS)


def test_without_the_old_key_or_in_another_round_a_ballot_does_not_open(settings):
    settings.PRIMA_BALLOT_KEY = "ballot-key-one"
    sealed = ballot_seal(round_id=7, size=512, department_id=12, items=ITEMS)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY_FALLBACKS"):
        ballot_open(sealed, round_id=8)
    settings.PRIMA_BALLOT_KEY = "ballot-key-two"
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY_FALLBACKS"):
        ballot_open(sealed, round_id=7)

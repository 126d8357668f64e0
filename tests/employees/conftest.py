"""The pulse question bank, for tests that show a move leaves closed rounds alone."""

from tests.pulse_surveys.conftest import bank  # noqa: F401 - a fixture, shared

"""The pulse reminder goes through `core.notifications`: each person reads it in the language
they chose, whatever the site's is, sent through Django's real mail outbox."""

import datetime as dt

import pytest
from django.test import TestCase
from django.utils import timezone
from django.utils.translation import gettext as _

from core.notifications import notification_send
from employees.models import User
from pulse_surveys import services
from pulse_surveys.models import Round
from tests.pulse_surveys.conftest import open_round


@pytest.mark.parametrize("site_language", ["en", "id"])
def test_the_same_reminder_reaches_each_person_in_their_own_language(org, bank, mailoutbox, settings, site_language):
    # given the site in either language, ani prefers Indonesian, andi English, bayu nothing
    settings.LANGUAGE_CODE = site_language
    User.objects.filter(pk=org.ani.pk).update(language="id")
    User.objects.filter(pk=org.andi.pk).update(language="en")
    survey = services.survey_create(title="Pulse", questions=[bank["enps"]], reminder_days=[1], anonymity_threshold=3)
    pulse_round = open_round(survey, days=1)
    tomorrow_noon = dt.datetime.combine(
        timezone.localdate() + dt.timedelta(days=1), dt.time(12), timezone.get_current_timezone()
    )
    Round.objects.filter(pk=pulse_round.pk).update(closes_at=tomorrow_noon)
    # when the day's reminders go out
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.reminders_plan(today=timezone.localdate())
    # then
    mail = {message.to[0].split("@")[0]: message for message in mailoutbox}
    assert mail["ani"].subject == "Pengingat: survei pulse Anda"
    assert "Survei pulse singkat menunggu jawaban Anda:" in mail["ani"].body
    assert mail["andi"].subject == "Reminder: your pulse survey"
    assert "A short pulse survey is waiting for your answers:" in mail["andi"].body
    site_subject = {"en": "Reminder: your pulse survey", "id": "Pengingat: survei pulse Anda"}[site_language]
    assert mail["bayu"].subject == site_subject


def test_one_notification_to_both_goes_out_once_per_language(org, mailoutbox, settings):
    settings.LANGUAGE_CODE = "en"
    User.objects.filter(pk=org.ani.pk).update(language="id")
    User.objects.filter(pk=org.andi.pk).update(language="en")
    people = list(User.objects.filter(pk__in=[org.ani.pk, org.andi.pk, org.bayu.pk]).order_by("username"))
    sent = notification_send(people, lambda: (_("Reminder: your pulse survey"), "-"))
    assert sent == 2
    by_subject = {message.subject: sorted(message.to) for message in mailoutbox}
    assert by_subject == {
        "Pengingat: survei pulse Anda": [org.ani.email],
        "Reminder: your pulse survey": sorted([org.andi.email, org.bayu.email]),
    }

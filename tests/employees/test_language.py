"""A person's language for e-mails: chosen on their profile or with the header's language
switch, filled from the directory at sign-in, and read by `core.notifications`."""

import pytest
from django.urls import reverse

from core.models import AuditEntry
from core.notifications import language_of
from employees.directory import DirectoryIdentity, directory_sign_in
from employees.models import User

pytestmark = pytest.mark.django_db


def _language(person) -> str:
    return User.objects.values_list("language", flat=True).get(pk=person.pk)


def test_a_person_chooses_their_language_on_their_profile(client, org, settings):
    settings.LANGUAGE_CODE = "en"
    client.force_login(org.ani)
    page = client.get(reverse("employees:profile"))
    assert page.status_code == 200
    assert 'name="language"' in page.content.decode()
    # when
    response = client.post(reverse("employees:profile"), {"language": "id"})
    # then
    assert response.status_code == 302 and response["Location"] == reverse("employees:profile")
    assert _language(org.ani) == "id"
    assert language_of(User.objects.get(pk=org.ani.pk)) == "id"
    assert AuditEntry.objects.filter(action="employees.language", target_id=str(org.ani.pk)).exists()
    # and back to the site's language
    client.post(reverse("employees:profile"), {"language": ""})
    assert _language(org.ani) == ""
    assert language_of(User.objects.get(pk=org.ani.pk)) == "en"


def test_a_language_prima_does_not_write_in_is_refused_on_the_profile(client, org):
    User.objects.filter(pk=org.ani.pk).update(language="en")
    client.force_login(org.ani)
    response = client.post(reverse("employees:profile"), {"language": "fr"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert _language(org.ani) == "en"


def test_the_language_switch_also_keeps_a_signed_in_persons_choice(client, org, settings):
    client.force_login(org.andi)
    response = client.post(reverse("set_language"), {"language": "id", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "id"
    assert _language(org.andi) == "id"
    # someone signed out switches the page only
    client.logout()
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert _language(org.andi) == "id"
    # an unknown language changes nothing
    client.force_login(org.andi)
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert _language(org.andi) == "id"


@pytest.mark.parametrize(("locale", "stored"), [("id-ID", "id"), ("en_US", "en"), ("fr-FR", ""), ("", "")])
def test_the_directorys_locale_fills_an_empty_language_and_never_refuses(org, locale, stored):
    User.objects.filter(pk=org.ani.pk).update(employee_number="5001")
    identity = DirectoryIdentity(method="oidc", subject="ani-sub", employee_number="5001", language=locale)
    assert directory_sign_in(identity=identity) == org.ani
    assert _language(org.ani) == stored


def test_a_signed_in_person_reads_prima_in_their_own_language_on_a_new_browser(client, org, settings):
    settings.LANGUAGE_CODE = "en"
    User.objects.filter(pk=org.ani.pk).update(language="id")
    client.force_login(User.objects.get(pk=org.ani.pk))
    # on a browser that never chose a language, the person's own language is used and remembered
    first = client.get(reverse("employees:profile"), headers={"accept-language": "en"})
    assert first.status_code == 200
    assert '<html lang="id"' in first.content.decode()
    assert first.cookies[settings.LANGUAGE_COOKIE_NAME].value == "id"
    # and a choice the browser made with the switch keeps its say
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    second = client.get(reverse("employees:profile"))
    assert '<html lang="en"' in second.content.decode()
    assert settings.LANGUAGE_COOKIE_NAME not in second.cookies
    # and someone without a stored language reads the browser's
    client.cookies.clear()
    client.force_login(org.andi)
    third = client.get(reverse("employees:profile"), headers={"accept-language": "en"})
    assert '<html lang="en"' in third.content.decode()
    assert settings.LANGUAGE_COOKIE_NAME not in third.cookies

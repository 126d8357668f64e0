"""Lists of people too long to send whole: the form holds the person chosen, the directory
answers as one types, and nobody learns of a person their form could not choose."""

import re

import pytest

from rewards.models import Recognition
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _choices(client, kind: str, query: str):
    return client.get(f"/people/choices/{kind}/", {"q": query})


def _names(response) -> list[str]:
    return [person["label"].split(" · ")[0] for person in response.json()["results"]]


def test_a_colleague_is_found_by_every_word_of_name_department_or_number(org, client):
    client.force_login(org.bayu)
    ani = org.ani.get_full_name()
    assert ani in _names(_choices(client, "colleagues", org.ani.first_name))
    assert ani in _names(_choices(client, "colleagues", f"{org.ani.first_name} pelanggan"))
    assert ani in _names(_choices(client, "colleagues", org.ani.employee_number))
    assert ani not in _names(_choices(client, "colleagues", f"{org.ani.first_name} perizinan"))
    label = next(p["label"] for p in _choices(client, "colleagues", org.ani.employee_number).json()["results"])
    assert label == f"{ani} · Layanan Pelanggan · {org.ani.employee_number}"
    # one letter finds nobody; nor does the person find themselves
    assert _choices(client, "colleagues", "a").json() == {"results": []}
    assert org.bayu.get_full_name() not in _names(_choices(client, "colleagues", org.bayu.employee_number))


def test_people_who_cannot_be_chosen_are_not_found(org, client):
    from employees.models import User

    gone = UserFactory(first_name="Zulkarnain", last_name="Qzx", department=org.cs)
    admin = UserFactory(first_name="Zulfikar", last_name="Qzx", department=org.cs)
    here = UserFactory(first_name="Zulaikha", last_name="Qzx", department=org.cs)
    User.objects.filter(pk=gone.pk).update(is_active=False)
    User.objects.filter(pk=admin.pk).update(is_superuser=True)
    client.force_login(org.bayu)
    assert _names(_choices(client, "colleagues", "zul qzx")) == [here.get_full_name()]


def test_a_manager_finds_only_the_people_they_may_read(org, client):
    outsider = UserFactory(first_name="Yohana", last_name="Qzy", department=org.hrd)
    member = UserFactory(first_name="Yosef", last_name="Qzy", department=org.cs, manager=org.budi)
    client.force_login(org.budi)
    assert _names(_choices(client, "readable", "qzy")) == [member.get_full_name()]
    client.force_login(org.hana)
    assert set(_names(_choices(client, "readable", "qzy"))) == {member.get_full_name(), outsider.get_full_name()}


@pytest.mark.parametrize(("persona", "status"), [("hana", 200), ("budi", 404), ("ani", 404)])
def test_only_hr_chooses_from_everyone(org, client, persona, status):
    client.force_login(getattr(org, persona))
    assert _choices(client, "everyone", "an").status_code == status


def test_an_unknown_list_is_not_found_and_a_visitor_signs_in_first(org, client):
    assert _choices(client, "colleagues", "an").status_code == 302
    client.force_login(org.ani)
    assert _choices(client, "wages", "an").status_code == 404


def test_at_most_twenty_people_are_found(org, client):
    for _ in range(25):
        UserFactory(first_name="Wulan", last_name="Qzw", department=org.cs)
    client.force_login(org.ani)
    assert len(_names(_choices(client, "colleagues", "wulan qzw"))) == 20


def test_a_list_too_long_to_send_holds_only_the_person_chosen(org, client, settings):
    # given more colleagues than a list holds
    settings.PRIMA_PEOPLE_LISTED = 2
    client.force_login(org.andi)
    # when the recognition form is shown
    page = client.get("/rewards/").content.decode()
    select = re.search(r'<select name="recipient"[^>]*>(.*?)</select>', page, re.S)
    # then it holds no colleague, and says where to ask
    assert 'data-search-url="/people/choices/colleagues/"' in select.group(0)
    assert re.findall(r'<option value="(\d+)"', select.group(1)) == []
    # and a colleague found through the directory is recognised all the same
    response = client.post(
        "/rewards/", {"recipient": org.ani.pk, "dimension": "courtesy", "message": "Terima kasih", "points": 0}
    )
    assert response.status_code == 302
    assert Recognition.objects.filter(giver=org.andi, recipient=org.ani).exists()


def test_a_form_shown_again_keeps_the_person_chosen(org, client, settings):
    settings.PRIMA_PEOPLE_LISTED = 2
    client.force_login(org.andi)
    page = client.post("/rewards/", {"recipient": org.ani.pk, "dimension": "courtesy", "message": ""}).content.decode()
    select = re.search(r'<select name="recipient"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert re.findall(r'<option value="(\d+)"[^>]*selected', select) == [str(org.ani.pk)]


def test_a_short_list_holds_everyone(org, client):
    client.force_login(org.andi)
    page = client.get("/rewards/").content.decode()
    select = re.search(r'<select name="recipient"[^>]*>(.*?)</select>', page, re.S)
    assert "data-search-url" not in select.group(0)
    assert str(org.ani.pk) in re.findall(r'<option value="(\d+)"', select.group(1))

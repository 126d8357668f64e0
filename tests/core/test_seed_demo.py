import pytest
from django.core.management import call_command

from core.demo import DEMO_LOGINS, DEMO_PASSWORD
from employees.models import Department, Role, User

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_the_organisation_once(settings):
    call_command("seed_demo", verbosity=0)
    counts = (Department.objects.count(), User.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (Department.objects.count(), User.objects.count()) == counts
    assert 150 <= counts[1] <= 180
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert Department.objects.filter(is_service_unit=True).count() >= 5


def test_every_demo_login_works(client):
    call_command("seed_demo", verbosity=0)
    for username in DEMO_LOGINS:
        assert client.login(username=username, password=DEMO_PASSWORD), username
        client.logout()
    assert User.objects.get(username="admin").is_superuser

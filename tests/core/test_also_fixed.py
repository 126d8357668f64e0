"""Faults found by trying Prima as a new user would, each pinned by a test."""

import re

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["manager", "hr"])
def test_every_link_between_survey_results_answers(world, client, role):
    """The "up" link led a manager to the parent of their department, outside what they read (404);
    HR, who read the parent, keep it."""
    client.force_login(world.personas[role])
    page = client.get("/pulse/results/?round={closed_round}&department={cs}".format(**world.ids)).content.decode()
    links = set(re.findall(r'href="(\?round=[^"]+)"', page))
    for link in links:
        assert client.get("/pulse/results/" + link.replace("&amp;", "&")).status_code == 200, link
    assert ("↑" in page) == (role == "hr")

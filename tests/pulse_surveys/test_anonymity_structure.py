"""Nothing in the schema or the admin links a response or an answer to a person.

Walks every installed model and every admin registration: `Response` and `Answer` may refer
only to group-level things (the round, a question, the department snapshot, each other), no
other model may refer to them, their keys are random UUIDs (no counter that follows the order
of submission), and they carry no time at all.
"""

import uuid

from django.apps import apps
from django.contrib import admin
from django.db import models

from employees.models import Department
from pulse_surveys.models import Answer, Ballot, Participation, Question, Response, Round

ANONYMOUS = {Response, Answer, Ballot}
# What an anonymous row may point at: things that describe a group, never a person.
GROUP_LEVEL = {Round, Question, Department, Response}


def relations(model):
    return [field for field in model._meta.get_fields() if field.is_relation]


def test_responses_and_answers_point_only_at_group_level_things():
    for model in ANONYMOUS:
        for field in relations(model):
            if field.auto_created and not field.concrete:
                continue  # reverse relations are checked from the other side below
            assert field.related_model in GROUP_LEVEL, f"{model.__name__}.{field.name} → {field.related_model}"


def test_no_model_points_at_a_response_or_an_answer_except_an_answer_at_its_response():
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            if not field.concrete or not field.is_relation:
                continue
            if field.related_model in ANONYMOUS:
                assert (model, field.name) == (Answer, "response"), f"{model.__name__}.{field.name}"


def test_anonymous_rows_have_random_keys_and_no_time():
    for model in {*ANONYMOUS, Participation}:
        pk = model._meta.pk
        assert isinstance(pk, models.UUIDField) and pk.default is uuid.uuid4, model
        timed = [f.name for f in model._meta.concrete_fields if isinstance(f, (models.DateTimeField, models.TimeField))]
        assert timed == [], model
        assert not model._meta.ordering, model  # nothing sorts them in submission order
    for model in ANONYMOUS:
        dated = [f.name for f in model._meta.concrete_fields if isinstance(f, models.DateField)]
        assert dated == [], model  # a day plus a department can single out a person


def test_participation_and_response_share_nothing_but_the_round():
    def columns(model):
        return {f.column for f in model._meta.concrete_fields} - {"id"}

    assert columns(Participation) & columns(Response) == {"round_id"}


def test_no_admin_screen_shows_a_response_an_answer_or_a_participation():
    for model, model_admin in admin.site._registry.items():
        assert model not in {*ANONYMOUS, Participation}, model
        for inline in getattr(model_admin, "inlines", []):
            assert inline.model not in {*ANONYMOUS, Participation}, (model, inline)


def test_no_person_model_can_reach_a_response_through_a_foreign_key_chain():
    """From any model that names a person, following foreign keys never arrives at a response."""
    user_model = apps.get_model("employees", "User")
    for model in apps.get_models():
        names_a_person = any(f.related_model is user_model for f in relations(model) if f.concrete)
        if not names_a_person:
            continue
        seen, frontier = set(), [model]
        while frontier:
            current = frontier.pop()
            if current in seen:
                continue
            seen.add(current)
            assert current not in ANONYMOUS, f"{model.__name__} reaches {current.__name__}"
            frontier.extend(f.related_model for f in relations(current) if f.concrete and f.related_model)

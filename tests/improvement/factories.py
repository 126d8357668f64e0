"""Improvement factories: they write through the services, as the product does."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from improvement import services
from improvement.models import Action, Training


class ActionFactory(factory.django.DjangoModelFactory):
    """An action on a dimension of a service unit, planned by `actor` (pass one who may)."""

    class Meta:
        model = Action

    title = factory.Sequence(lambda n: f"Improvement {n}")
    dimension = "u3"
    driver = ""
    due_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.action_create(**kwargs)


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Training

    topic = factory.Sequence(lambda n: f"Pelatihan {n}")
    date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=10))
    hours = Decimal("4.00")
    trainer = "BPSDM"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.training_create(**kwargs)


def backdate(action: Action, *, start_date: dt.date, due_date: dt.date, completed_on: dt.date | None = None) -> Action:
    """Moves an action into the past (history a test needs; the service refuses past due dates)."""
    fields = {"start_date": start_date, "due_date": due_date}
    if completed_on is not None:
        fields.update(status="done", completed_on=completed_on)
    Action.objects.filter(pk=action.pk).update(**fields)
    action.refresh_from_db()
    return action

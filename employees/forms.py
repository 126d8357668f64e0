"""Form fields about people that other apps' forms use."""

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from employees.selectors import PERSON_CHOICE_KINDS, person_label


class PersonSelect(forms.Select):
    field: "PersonChoiceField | None" = None

    def get_context(self, name, value, attrs):
        field = self.field
        # beyond `PRIMA_PEOPLE_LISTED` people (a 50,000-person organisation's list was 4 MB and
        # took seconds to draw), the person chosen only; the script asks the directory
        if field is not None and field.queryset.count() > settings.PRIMA_PEOPLE_LISTED:
            chosen = [str(item) for item in self.format_value(value) if str(item).isdigit()]
            people = field.queryset.filter(pk__in=chosen) if chosen else []
            self.choices = [("", field.empty_label or ""), *((person.pk, person_label(person)) for person in people)]
            attrs = {**(attrs or {}), "data-search-url": reverse("employees:person-choices", args=[field.kind])}
        return super().get_context(name, value, attrs)


class PersonChoiceField(forms.ModelChoiceField):
    """A person named with their department and number, chosen from the people of `kind`
    (`employees.selectors.person_choices`). The page's script adds a box above the list that
    narrows it as one types, by name, department or number; a list too long to send whole is
    filled from the directory instead."""

    widget = PersonSelect

    def __init__(self, *args, kind: str, **kwargs):
        if kind not in PERSON_CHOICE_KINDS:
            raise ValueError(f"unknown kind of people: {kind}")
        self.kind = kind
        super().__init__(*args, **kwargs)
        self.widget.attrs["data-searchable"] = _("Search by name, department or number")

    def _set_queryset(self, queryset):
        super()._set_queryset(queryset)
        self.widget.field = self

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def __deepcopy__(self, memo):
        copied = super().__deepcopy__(memo)
        copied.widget.field = copied
        return copied

    def label_from_instance(self, person) -> str:
        return person_label(person)

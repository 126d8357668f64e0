"""Forms of the rewards pages. They only parse input; the services decide."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.money import MONEY_MAX_DIGITS
from core.periods import Period
from employees.forms import PersonChoiceField
from employees.models import Department, User
from employees.permissions import employees_visible_to, is_hr
from employees.selectors import colleagues
from rewards.models import BonusKind, RecognitionReason, RewardKind


class PeriodInput(forms.CharField):
    """`YYYY-MM` (a month input in browsers that have one)."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM", "pattern": r"\d{4}-\d{2}"})

    def to_python(self, value) -> dt.date | None:
        value = super().to_python(value)
        return Period.parse(value).first_day if value else None


def _money_field(**kwargs) -> forms.DecimalField:
    return forms.DecimalField(max_digits=MONEY_MAX_DIGITS, decimal_places=2, **kwargs)


class RecognitionForm(forms.Form):
    recipient = PersonChoiceField(label=_("Colleague"), queryset=User.objects.none(), kind="colleagues")
    dimension = forms.ChoiceField(label=_("For"), choices=RecognitionReason.choices)
    message = forms.CharField(label=_("Message"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    points = forms.IntegerField(label=_("Points"), min_value=0, initial=0, required=False)

    def __init__(self, *args, giver: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = colleagues().exclude(pk=giver.pk)


class BonusForm(forms.Form):
    employee = PersonChoiceField(label=_("Employee"), queryset=User.objects.none(), kind="readable")
    kind = forms.ChoiceField(label=_("Kind"), choices=BonusKind.choices)
    amount = _money_field(label=_("Amount (IDR)"))
    period = PeriodInput(label=_("Period"))
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    submit = forms.BooleanField(label=_("Submit for approval now"), required=False, initial=True)

    def __init__(self, *args, proposer: User, **kwargs):
        super().__init__(*args, **kwargs)
        people = employees_visible_to(proposer, User.objects.filter(is_active=True)).exclude(pk=proposer.pk)
        if not is_hr(proposer):
            self.fields["kind"].choices = [c for c in BonusKind.choices if c[0] != BonusKind.THR]
        self.fields["employee"].queryset = people.select_related("department").order_by(
            "first_name", "last_name", "username"
        )


class BudgetForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.order_by("name"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    amount = _money_field(label=_("Amount (IDR)"), min_value=0)


class BulkBonusForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.order_by("name"))
    include_subdepartments = forms.BooleanField(label=_("Include its sub-departments"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[c for c in BonusKind.choices if c[0] != BonusKind.THR])
    period = PeriodInput(label=_("Period"))
    amount = _money_field(label=_("Fixed amount (IDR)"), required=False)
    percent_of_wage = forms.DecimalField(
        label=_("or % of monthly wage"), max_digits=6, decimal_places=2, required=False
    )
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False)
    submit = forms.BooleanField(label=_("Submit for approval now"), required=False)

    def clean(self):
        data = super().clean()
        if (data.get("amount") is None) == (data.get("percent_of_wage") is None):
            raise ValidationError(_("Give either a fixed amount or a percentage of the monthly wage."))
        return data


class ThrForm(forms.Form):
    holiday_date = forms.DateField(label=_("Holiday"), widget=forms.DateInput(attrs={"type": "date"}))
    department = forms.ModelChoiceField(
        label=_("Department (and its sub-departments)"),
        queryset=Department.objects.order_by("name"),
        required=False,
        empty_label=_("Everyone"),
    )


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class RewardForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=RewardKind.choices)
    points_cost = forms.IntegerField(label=_("Points"), min_value=1)
    leave_days = forms.DecimalField(label=_("Days of leave"), max_digits=4, decimal_places=1, required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

"""Page forms. They only collect input; the services decide, and their errors are shown on the
fields they name."""

from django import forms
from django.utils.translation import gettext_lazy as _

from improvement import targets
from improvement.models import ActionStatus

# A target travels in one form field as "driver:<key>" or "dimension:<key>".
DRIVER_PREFIX, DIMENSION_PREFIX = "driver:", "dimension:"


def target_choices(*, blank: bool) -> list:
    names = targets.driver_names()
    drivers = [(f"{DRIVER_PREFIX}{key}", names.get(key, key)) for key in targets.driver_keys()]
    skm = [(f"{DIMENSION_PREFIX}{key}", targets.dimension_label(key)) for key in targets.skm_element_keys()]
    prima = [
        (f"{DIMENSION_PREFIX}{key}", targets.dimension_label(key))
        for key in targets.dimension_keys()
        if not targets.is_skm_element(key)
    ]
    choices = [
        (_("Pulse drivers"), drivers),
        (_("SKM elements (service units)"), skm),
        (_("Service dimensions (service units)"), prima),
    ]
    return [("", _("— none —")), *choices] if blank else choices


def split_target(value: str) -> dict[str, str]:
    """ "driver:teamwork" → {"driver": "teamwork", "dimension": ""}."""
    if value.startswith(DRIVER_PREFIX):
        return {"driver": value.removeprefix(DRIVER_PREFIX), "dimension": ""}
    if value.startswith(DIMENSION_PREFIX):
        return {"driver": "", "dimension": value.removeprefix(DIMENSION_PREFIX)}
    return {"driver": "", "dimension": ""}


def join_target(*, driver: str = "", dimension: str = "") -> str:
    if driver:
        return f"{DRIVER_PREFIX}{driver}"
    return f"{DIMENSION_PREFIX}{dimension}" if dimension else ""


# A service names the target of an action or training as `driver` or `dimension`; the form has
# one `target` field for both.
TARGET_FIELDS = {"driver": "target", "dimension": "target"}


class DateInput(forms.DateInput):
    input_type = "date"


class ActionForm(forms.Form):
    department = forms.ModelChoiceField(queryset=None, label=_("Department"))
    target = forms.ChoiceField(label=_("What it should improve"))
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    owner = forms.ModelChoiceField(queryset=None, label=_("Owner"))
    members = forms.ModelMultipleChoiceField(queryset=None, label=_("Team members"), required=False)
    start_date = forms.DateField(label=_("Start date"), widget=DateInput, required=False)
    due_date = forms.DateField(label=_("Due date"), widget=DateInput)
    suggestion = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, departments, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["owner"].queryset = people
        self.fields["members"].queryset = people
        self.fields["target"].choices = target_choices(blank=False)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=ActionStatus.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, allowed=None, **kwargs):
        super().__init__(*args, **kwargs)
        if allowed is not None:  # only the statuses the action may move to
            self.fields["status"].choices = [(v, label) for v, label in ActionStatus.choices if v in allowed]


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Progress note"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class TrainingForm(forms.Form):
    topic = forms.CharField(label=_("Topic"), max_length=200)
    department = forms.ModelChoiceField(
        queryset=None, label=_("Department"), help_text=_("Its people and the units below it are the audience.")
    )
    target = forms.ChoiceField(label=_("Linked driver or dimension"), required=False)
    date = forms.DateField(label=_("Date"), widget=DateInput)
    hours = forms.DecimalField(label=_("Hours"), max_digits=5, decimal_places=2, min_value=0)
    trainer = forms.CharField(label=_("Trainer"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    attendees = forms.ModelMultipleChoiceField(queryset=None, label=_("Attendees"), required=False)

    def __init__(self, *args, departments, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["attendees"].queryset = people
        self.fields["target"].choices = target_choices(blank=True)


class AttendanceForm(forms.Form):
    """One "came" box per registered person."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = list(rows)
        for row in self.rows:
            self.fields[f"attended_{row.employee_id}"] = forms.BooleanField(
                label=str(row.employee), required=False, initial=bool(row.attended)
            )

    def attendance(self) -> dict:
        return {row.employee: self.cleaned_data[f"attended_{row.employee_id}"] for row in self.rows}

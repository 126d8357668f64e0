"""Forms of the leave pages. They only shape input; the services decide."""

from django import forms
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from employees.forms import PersonChoiceField
from employees.models import User
from leave.models import DAYS, Holiday, LeavePolicy, LeaveType
from leave.services import LEAVE_TYPE_FIELDS

BY_NAME = ("first_name", "last_name", "id")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class LeaveTypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} — {obj.policy.name}"


class LeaveRequestForm(forms.Form):
    leave_type = forms.ModelChoiceField(label=_("Leave type"), queryset=LeaveType.objects.none())
    start_date = forms.DateField(label=_("From"), widget=DateInput())
    end_date = forms.DateField(label=_("To"), widget=DateInput())
    half_day = forms.BooleanField(label=_("Half day"), required=False)
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    attachment = forms.FileField(
        label=_("Attachment"), required=False, help_text=_("PDF, JPG or PNG up to 5 MB, e.g. a doctor's note.")
    )

    def __init__(self, *args, leave_types=None, **kwargs):
        super().__init__(*args, **kwargs)
        if leave_types is not None:
            self.fields["leave_type"].queryset = leave_types


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason for rejection"), max_length=500)


class LeaveTypeForm(forms.ModelForm):
    class Meta:
        model = LeaveType
        fields = [field for field in LEAVE_TYPE_FIELDS if field != "code"]


class LeaveTypeCreateForm(forms.ModelForm):
    class Meta:
        model = LeaveType
        fields = ["policy", *LEAVE_TYPE_FIELDS]


class WorkWeekField(forms.MultipleChoiceField):
    """The working weekdays as named check boxes, kept as the policy's digits (`12345`)."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.pop("max_length", None)
        kwargs.pop("empty_value", None)
        super().__init__(choices=[(str(day + 1), name) for day, name in WEEKDAYS.items()], **kwargs)

    def prepare_value(self, value):
        return list(value) if isinstance(value, str) else value

    def clean(self, value) -> str:
        return "".join(sorted(super().clean(value)))


class PolicyForm(forms.ModelForm):
    work_week = WorkWeekField(label=_("Working days"))

    class Meta:
        model = LeavePolicy
        fields = ["name", "work_week", "collective_leave_reduces_annual"]


class PolicyDefaultForm(forms.Form):
    policy = forms.ModelChoiceField(label=_("Organisation default"), queryset=LeavePolicy.objects.all())


class PolicyAssignForm(forms.Form):
    employee = PersonChoiceField(
        label=_("Employee"),
        queryset=User.objects.filter(is_active=True).select_related("department").order_by(*BY_NAME),
        kind="everyone",
    )
    policy = forms.ModelChoiceField(
        label=_("Policy"), queryset=LeavePolicy.objects.all(), required=False, empty_label=_("(organisation default)")
    )


class HolidayForm(forms.ModelForm):
    class Meta:
        model = Holiday
        fields = ["date", "name", "is_collective_leave", "is_day_off"]
        widgets = {"date": DateInput()}


class AllocationForm(forms.Form):
    employee = PersonChoiceField(
        label=_("Employee"),
        queryset=User.objects.filter(is_active=True).select_related("department").order_by(*BY_NAME),
        kind="everyone",
    )
    leave_type = LeaveTypeChoiceField(
        label=_("Leave type"), queryset=LeaveType.objects.filter(tracks_balance=True).select_related("policy")
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    days = forms.DecimalField(label=_("Days"), **DAYS)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class AdjustmentForm(AllocationForm):
    note = None
    reason = forms.CharField(label=_("Reason"), max_length=300)

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods
from django.views.i18n import set_language

from core.csv_files import csv_response
from core.errors import Conflict
from core.uploads import UploadRefused, read_bounded
from core.web import form_errors_from, page_for
from employees import selectors, services
from employees.importing import COLUMNS
from employees.models import Department, ImportKind, ImportMode, ImportStatus
from employees.permissions import can_see_wage, is_hr, is_manager
from employees.selectors import SEARCH_MIN_LENGTH, can_search, employee_list, org_import_list, search

PEOPLE_PER_PAGE = 50


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the e-mails Prima sends you"),
        choices=[("", gettext_lazy("The site's language")), *settings.LANGUAGES],
        required=False,
    )


@require_http_methods(["GET", "POST"])
@login_required
def profile(request):
    """A person's own details; they choose the language of their e-mails here."""
    user = request.user
    form = LanguageForm(request.POST or None, initial={"language": user.language})
    if request.method == "POST" and form.is_valid():
        try:
            services.employee_language_set(employee=user, language=form.cleaned_data["language"], actor=user)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Your language for e-mails is saved."))
            return redirect("employees:profile")
    context = {"person": user, "show_wage": can_see_wage(user, user), "language_form": form}
    return render(request, "employees/profile.html", context)


def language_switch(request):
    """The header's language switch (Django's `set_language`); a signed-in person's choice is
    also their language for e-mails."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.employee_language_set(employee=request.user, language=language, actor=request.user, source="switch")
    return response


@require_GET
@page_for(is_hr, is_manager)
def directory(request):
    """HR sees everyone (with wages); a manager sees their own subtree."""
    people = employee_list(viewer=request.user).filter(is_active=True)
    query = request.GET.get("q", "").strip()
    if query:
        people = people.filter(
            Q(first_name__icontains=query) | Q(last_name__icontains=query) | Q(employee_number__icontains=query)
        )
    department = request.GET.get("department", "")
    if department.isdigit():
        people = people.filter(department_id=int(department))
    page = Paginator(people.select_related("department", "manager"), PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    departments = Department.objects.filter(id__in=people.values("department_id")).order_by("name")
    return render(
        request,
        "employees/directory.html",
        {
            "page": page,
            "query": query,
            "department": department,
            "departments": departments,
            "show_wages": is_hr(request.user),
        },
    )


@login_required
@require_GET
def person_choices(request, kind: str):
    """People to choose in a form, as JSON (`{"results": [{"id", "label"}]}`), for the script
    that fills a list of people too long to send whole."""
    found = selectors.person_choices(kind=kind, viewer=request.user, query=request.GET.get("q", "")[:100])
    if found is None:
        raise Http404
    return JsonResponse({"results": found})


@require_GET
@page_for(can_search)
def search_page(request):
    """People and departments by name or number, within what the person may see."""
    results = search(viewer=request.user, query=request.GET.get("q", "")[:100])
    return render(
        request,
        "employees/search.html",
        {"results": results, "min_length": SEARCH_MIN_LENGTH},
    )


# --- The organisation file (HR).

IMPORTS_PER_PAGE = 25
TEMPLATE_EXAMPLES = {
    ImportKind.DEPARTMENTS: [
        ["KP", "Kantor Pusat", "", "0"],
        ["DIT-YAN", "Direktorat Pelayanan", "KP", "0"],
        ["LOKET-1", "Loket Perizinan", "DIT-YAN", "1"],
    ],
    ImportKind.PEOPLE: [
        ["198501012010011001", "Sari", "Wulandari", "sari@example.go.id", "KP", "", "leadership", "2010-01-04",
         "25000000", "female", "1"],
        ["199002022015021002", "Dewi", "Lestari", "dewi@example.go.id", "LOKET-1", "198501012010011001", "employee",
         "2015-02-02", "7500000.00", "female", "1"],
    ],
}  # fmt: skip


class OrgImportForm(forms.Form):
    kind = forms.ChoiceField(choices=ImportKind.choices, label=gettext_lazy("What the file holds"))
    mode = forms.ChoiceField(choices=ImportMode.choices, initial=ImportMode.PARTIAL, label=gettext_lazy("Mode"))
    file = forms.FileField(label=gettext_lazy("File (CSV UTF-8 or XLSX)"))

    def clean_file(self):
        try:
            return read_bounded(self.cleaned_data["file"])
        except UploadRefused as refused:
            raise forms.ValidationError(str(refused)) from None


@page_for(is_hr)
def org_imports(request):
    form = OrgImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        org_import = services.org_import_upload(
            kind=form.cleaned_data["kind"],
            mode=form.cleaned_data["mode"],
            file_name=request.FILES["file"].name,
            content=form.cleaned_data["file"],
            actor=request.user,
        )
        return redirect("employees:org-import", pk=org_import.pk)
    page = Paginator(org_import_list(), IMPORTS_PER_PAGE).get_page(request.GET.get("page"))
    formats = [(ImportKind(kind).label, kind, ",".join(columns)) for kind, columns in COLUMNS.items()]
    return render(request, "employees/org_imports.html", {"form": form, "page": page, "formats": formats})


@require_GET
@page_for(is_hr)
def org_import_detail(request, pk: int):
    org_import = get_object_or_404(org_import_list(), pk=pk)
    labels = {
        "created": _("created"),
        "updated": _("updated"),
        "moved": _("moved"),
        "deactivated": _("deactivated"),
        "reactivated": _("reactivated"),
    }
    for change in org_import.changes:
        change["label"] = labels.get(change["action"], change["action"])
    return render(
        request,
        "employees/org_import.html",
        {
            "import": org_import,
            "progress": services.org_import_progress(org_import),
            "applying": org_import.status == ImportStatus.APPLYING,
            "ready": org_import.status == ImportStatus.CHECKED,
            "columns": ",".join(COLUMNS[org_import.kind]),
        },
    )


@page_for(is_hr, methods=["POST"])
def org_import_apply(request, pk: int):
    org_import = get_object_or_404(org_import_list(), pk=pk)
    try:
        result = services.org_import_apply_start(org_import=org_import, actor=request.user)
    except Conflict as conflict:
        messages.error(request, str(conflict.message))
    else:
        if result.status == ImportStatus.APPLIED:
            messages.success(request, _("The file was applied."))
    return redirect("employees:org-import", pk=pk)


@require_GET
@page_for(is_hr)
def org_import_template(request, kind: str):
    """The columns of a file kind with example rows, as CSV UTF-8."""
    if kind not in ImportKind.values:
        raise Http404
    return csv_response(f"prima-{kind}.csv", COLUMNS[kind], TEMPLATE_EXAMPLES[kind])

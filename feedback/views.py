"""HR's page for the comment themes: the list, and a form to change one or add one."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.web import form_errors_from, page_for
from employees.permissions import is_hr
from feedback import selectors, services
from feedback.models import Theme


class ThemeForm(forms.ModelForm):
    class Meta:
        model = Theme
        fields = list(services.THEME_FIELDS)
        widgets = {
            "keywords_id": forms.Textarea(attrs={"rows": 3}),
            "keywords_en": forms.Textarea(attrs={"rows": 3}),
        }


@require_safe
@page_for(is_hr)
def theme_list(request):
    return render(request, "feedback/themes.html", {"themes": selectors.theme_list()})


@require_http_methods(["GET", "HEAD", "POST"])
@page_for(is_hr)
def theme_edit(request, pk: int | None = None):
    theme = get_object_or_404(Theme, pk=pk) if pk is not None else None
    form = ThemeForm(request.POST or None, instance=theme)
    if request.method == "POST" and form.is_valid():
        try:
            services.theme_save(theme=theme, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The theme was saved."))
            return redirect("feedback:themes")
    return render(request, "feedback/theme_form.html", {"form": form, "theme": theme})

"""People pages."""

from django.urls import path

from employees import views

app_name = "employees"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("me/", views.profile, name="profile"),
    path("search/", views.search_page, name="search"),
    path("choices/<slug:kind>/", views.person_choices, name="person-choices"),
    path("imports/", views.org_imports, name="org-imports"),
    path("imports/<int:pk>/", views.org_import_detail, name="org-import"),
    path("imports/<int:pk>/apply/", views.org_import_apply, name="org-import-apply"),
    path("imports/template/<str:kind>.csv", views.org_import_template, name="org-import-template"),
]

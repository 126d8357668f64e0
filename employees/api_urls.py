from django.urls import path
from rest_framework.routers import DefaultRouter

from employees import api
from employees.api_audit import AuditEntryViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("departments", api.DepartmentViewSet, basename="department")
router.register("employees", api.EmployeeViewSet, basename="employee")
router.register("org/imports", api.OrgImportViewSet, basename="org-import")
router.register("audit", AuditEntryViewSet, basename="audit-entry")

urlpatterns = [
    path("me/", api.MeView.as_view(), name="me"),
    path("search/", api.SearchView.as_view(), name="search"),
    *router.urls,
]

"""Leave: pages."""

from django.urls import path

from leave import views

app_name = "leave"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("requests/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("requests/<int:pk>/decide/", views.decide, name="decide"),
    path("requests/<int:pk>/attachment/", views.attachment, name="attachment"),
    path("approvals/", views.approvals, name="approvals"),
    path("team/", views.team, name="team"),
    path("manage/types/", views.manage_types, name="manage_types"),
    path("manage/types/new/", views.manage_type_create, name="manage_type_create"),
    path("manage/types/<int:pk>/", views.manage_type_edit, name="manage_type_edit"),
    path("manage/policies/<int:pk>/", views.manage_policy_edit, name="manage_policy_edit"),
    path("manage/holidays/", views.manage_holidays, name="manage_holidays"),
    path("manage/holidays/<int:pk>/", views.manage_holiday_change, name="manage_holiday_change"),
    path("manage/allocations/", views.manage_allocations, name="manage_allocations"),
]

"""SCIM 2.0 at /scim/v2/ (RFC 7644 §3.2): the resources and the discovery endpoints."""

from django.urls import path

from employees import scim

app_name = "scim"
urlpatterns = [
    path("", scim.root, name="root"),
    path("Users", scim.users, name="users"),
    path("Users/<str:pk>", scim.user_detail, name="user"),
    path("Groups", scim.groups, name="groups"),
    path("Groups/<str:pk>", scim.group_detail, name="group"),
    path("ServiceProviderConfig", scim.service_provider_config, name="service-provider-config"),
    path("ResourceTypes", scim.resource_types, name="resource-types"),
    path("ResourceTypes/<str:pk>", scim.resource_types, name="resource-type"),
    path("Schemas", scim.schemas, name="schemas"),
    path("Schemas/<str:pk>", scim.schemas, name="schema"),
]

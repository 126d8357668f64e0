"""Rewards and bonuses: pages."""

from django.urls import path

from rewards import views

app_name = "rewards"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("redeem/<int:reward_id>/", views.redeem, name="redeem"),
    path("wall/", views.wall, name="wall"),
    path("proposals/", views.proposals, name="proposals"),
    path("bonuses/<int:pk>/<slug:step>/", views.bonus_step, name="bonus-step"),
    path("board/", views.board, name="board"),
    path("queue/", views.queue, name="queue"),
    path("export/", views.export, name="export"),
    path("thr/", views.thr, name="thr"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/<int:pk>/toggle/", views.reward_toggle, name="reward-toggle"),
    path("redemptions/<int:pk>/fulfil/", views.redemption_fulfil, name="redemption-fulfil"),
]

from __future__ import annotations

from django.urls import path

from providers import views

app_name = "providers"
urlpatterns = [
    path("providers/", views.directory, name="directory"),
    path("providers/<slug:slug>/", views.detail, name="detail"),
    path("providers/<slug:slug>/contact/", views.contact, name="contact"),
    path("providers/<slug:slug>/logo.png", views.logo, name="logo"),
    path("provider/", views.dashboard, name="dashboard"),
    path("provider/profile/", views.profile, name="profile"),
    path("provider/preview/", views.preview, name="preview"),
    path("provider/submit/", views.submit, name="submit"),
    path("provider/requests/<int:pk>/status/", views.contact_status, name="contact_status"),
    path("provider/requests/<int:pk>/reply/", views.reply, name="reply"),
    path("provider/team/", views.team, name="team"),
    path("provider/invitations/<uuid:token>/", views.invitation, name="invitation"),
]

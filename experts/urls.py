from __future__ import annotations

from django.urls import path

from experts import views

app_name = "experts"
urlpatterns = [
    path("experts/", views.panel, name="panel"),
    path("expert/", views.work, name="work"),
    path("expert/listing/", views.listing, name="listing"),
    path("expert/use-cases/<int:pk>/", views.rate, name="rate"),
    path("expert/invitation/<uuid:token>/", views.invitation, name="invitation"),
]

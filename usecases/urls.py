from __future__ import annotations

from django.urls import path

from usecases import views

app_name = "usecases"
urlpatterns = [
    path("clusters/", views.cluster_list, name="clusters"),
    path("clusters/<slug:slug>/", views.cluster_detail, name="cluster"),
    path("use-cases/<slug:slug>/", views.use_case_detail, name="use_case"),
]

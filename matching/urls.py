from __future__ import annotations

from django.urls import path

from matching import views

app_name = "matching"
urlpatterns = [
    path("", views.start, name="start"),
    path("privacy/", views.privacy, name="privacy"),
    path("results/<uuid:pk>/", views.results, name="results"),
    path("results/<uuid:pk>/rate/<slug:slug>/", views.rate, name="rate"),
    path("results/<uuid:pk>/delete/", views.delete, name="delete"),
    path("results/<uuid:pk>/results.csv", views.download_csv, name="csv"),
    path("results/<uuid:pk>/print/", views.print_view, name="print"),
    path("results/<uuid:pk>/readiness/", views.answer_readiness, name="readiness"),
    path("results/<uuid:pk>/report.pdf", views.report_pdf, name="report"),
    path("results/readiness/", views.answer_readiness_unstored, name="readiness_unstored"),
    path("results/report.pdf", views.report_pdf_unstored, name="report_unstored"),
]

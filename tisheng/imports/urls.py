from django.urls import path

from tisheng.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.upload, name="upload"),
    path("templates/<str:kind>.xlsx", views.template, name="template"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/progress/", views.progress_bar, name="progress"),
    path("<int:pk>/check/", views.recheck, name="recheck"),
    path("<int:pk>/commit/", views.commit, name="commit"),
    path("<int:pk>/errors.xlsx", views.errors_workbook, name="errors"),
]

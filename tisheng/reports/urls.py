from django.urls import path

from tisheng.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/<str:kind>/", views.request_report, name="request"),
    path("<int:pk>/status/", views.status, name="status"),
    path("<int:pk>/download/", views.download, name="download"),
    path("<int:pk>/again/", views.run_again, name="run_again"),
    path("word-templates/", views.word_templates_page, name="word_templates"),
    path("word-templates/shipped/<str:kind>/", views.shipped_template, name="shipped_template"),
    path("word-templates/<int:pk>/", views.uploaded_template, name="uploaded_template"),
    path("word-templates/<int:pk>/remove/", views.remove_template, name="remove_template"),
    path("word-templates/<str:place>/<str:kind>/upload/", views.upload_template, name="upload_template"),
]

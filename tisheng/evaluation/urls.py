from django.urls import path

from tisheng.evaluation import views

app_name = "evaluation"
urlpatterns = [
    path("", views.index, name="index"),
    path("children/<int:student_id>/", views.child_page, name="child"),
    path("<int:pk>/", views.assessment_page, name="assessment"),
    path("<int:pk>/classes/<int:class_id>/", views.class_page, name="class"),
]

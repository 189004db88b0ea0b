from django.urls import path

from tisheng.assessments import views

app_name = "assessments"
urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("new/", views.assessment_create, name="create"),
    path("knowledge-points/", views.knowledge_points, name="knowledge_points"),
    path("children/<int:student_id>/", views.child_result, name="child"),
    path("<int:pk>/", views.assessment_detail, name="detail"),
    path("<int:pk>/papers/new/", views.paper_edit, name="paper_create"),
    path("<int:pk>/papers/<int:paper_id>/edit/", views.paper_edit, name="paper_edit"),
    path("<int:pk>/papers/<int:paper_id>/", views.paper_result, name="paper"),
    path("<int:pk>/import/", views.import_start, name="import_start"),
    path("<int:pk>/import/<str:digest>/", views.import_mapping, name="import_mapping"),
    path("<int:pk>/schools/<int:school_id>/", views.school_result, name="school"),
    path("<int:pk>/classes/<int:class_id>/", views.class_result, name="class"),
    path("<int:pk>/students/", views.student_list, name="students"),
    path("<int:pk>/students/<int:student_id>/", views.student_result, name="student"),
    path("<int:pk>/scores/<int:score_id>/correct/", views.correct_score, name="correct"),
    path("<int:pk>/attention/", views.attention_list, name="attention"),
]

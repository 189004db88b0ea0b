from django.urls import path

from tisheng.roster import views

app_name = "roster"
urlpatterns = [
    path("schools/", views.SchoolList.as_view(), name="school_list"),
    path("schools/export/", views.SchoolList.as_view(export=True), name="school_export"),
    path("schools/<int:pk>/", views.school_detail, name="school_detail"),
    path("classes/", views.ClassList.as_view(), name="class_list"),
    path("classes/export/", views.ClassList.as_view(export=True), name="class_export"),
    path("classes/<int:pk>/", views.class_detail, name="class_detail"),
    path("students/", views.StudentList.as_view(), name="student_list"),
    path("students/export/", views.StudentList.as_view(export=True), name="student_export"),
    path("students/<int:pk>/", views.student_detail, name="student_detail"),
    path("teachers/", views.TeacherList.as_view(), name="teacher_list"),
    path("teachers/export/", views.TeacherList.as_view(export=True), name="teacher_export"),
    path("teachers/<int:pk>/", views.teacher_detail, name="teacher_detail"),
]

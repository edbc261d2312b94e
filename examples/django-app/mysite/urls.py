from django.contrib import admin
from django.urls import path

from notes import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("health", views.health),
    path("notes/", views.notes),
    path("notes/write", views.write),
]

from django.urls import path

from . import views

app_name = "users"
urlpatterns = [
    path("<int:user_id>/", views.UserDetail.as_view(), name="user-detail"),
    path("me/", views.current_user, name="me"),
]

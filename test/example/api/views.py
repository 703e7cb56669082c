from django.contrib.auth import get_user_model
from django.views.generic import DetailView
from rest_framework.decorators import api_view
from rest_framework.response import Response


class UserDetail(DetailView):
    model = get_user_model()
    pk_url_kwarg = "user_id"
    context_object_name = "profile"
    template_name = "api/user_detail.html"


@api_view(["GET"])
def current_user(request):
    user = request.user
    if not user.is_authenticated:
        return Response({"authenticated": False})
    return Response(
        {"authenticated": True, "id": user.pk, "username": user.username, "bio": user.bio}
    )

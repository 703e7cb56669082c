"""A URLconf for the request probe's tests: the example project's, with a view that writes and
then runs until interrupted."""

import threading
import time

from bookshop.urls import urlpatterns as project_patterns
from catalog.models import Tag
from django.core.mail import send_mail
from django.http import HttpResponse
from django.urls import path


def endless(request):
    Tag.objects.create(name="Endless", slug="endless")
    while True:
        time.sleep(0.05)
    return HttpResponse("never")


def mail_from_two_threads(request):
    """Sends one mail itself while another thread (a dev server's, say) sends another."""
    other = threading.Thread(target=lambda: send_mail("from another thread", "", None, ["a@example.com"]))
    other.start()
    other.join()
    send_mail("from the view", "", None, ["b@example.com"])
    return HttpResponse("sent", content_type="text/plain")


def chatty(request):
    print("the view prints")
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("fixtures/endless/", endless),
    path("fixtures/chatty/", chatty),
    path("fixtures/mail-from-two-threads/", mail_from_two_threads),
    *project_patterns,
]

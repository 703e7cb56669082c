import json

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from django.views.generic import ListView

from catalog.models import Book

from .models import Order


class OrderListView(LoginRequiredMixin, ListView):
    model = Order

    def get_queryset(self):
        return self.request.user.orders.all()


@login_required
@require_http_methods(["GET", "POST"])
def order_detail(request, order_id):
    order = get_object_or_404(Order, pk=order_id, customer=request.user)
    if request.method == "POST" and order.status == Order.Status.PENDING:
        # Remove one line from a pending order.
        order.lines.filter(pk=request.POST.get("line")).delete()
        return redirect(order)
    return render(request, "orders/order_detail.html", {"order": order})


@require_POST
def cancel_order(request, order_id):
    # Anonymous users have no pk, so they never match an order.
    order = get_object_or_404(Order, pk=order_id, customer__pk=request.user.pk)
    if order.status == Order.Status.PENDING:
        order.status = Order.Status.CANCELLED
        order.save(update_fields=["status"])
    return redirect(order)


class CheckoutView(View):
    http_method_names = ["get", "post"]

    def get(self, request):
        return render(request, "orders/checkout.html", {"book_list": Book.objects.all()})

    def post(self, request):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        books = Book.objects.filter(pk__in=request.POST.getlist("book"))
        if not books:
            return render(
                request,
                "orders/checkout.html",
                {"book_list": Book.objects.all(), "error": "Pick at least one book."},
            )
        order = Order.objects.create(customer=request.user)
        for book in books:
            order.lines.create(book=book)
        return redirect(order)


@method_decorator(csrf_exempt, name="dispatch")
class StatusWebhookView(View):
    """Payment provider callback. GET is disabled on purpose."""

    http_method_names = ["post", "put"]

    def get(self, request):
        return JsonResponse({"detail": "Send a POST or PUT."})

    def post(self, request):
        try:
            payload = json.loads(request.body)
            order = Order.objects.get(pk=payload["order"])
            status = Order.Status(payload["status"])
        except (ValueError, KeyError, TypeError, Order.DoesNotExist):
            return HttpResponseBadRequest("Invalid payload")
        order.status = status
        order.save(update_fields=["status"])
        return JsonResponse({"order": order.pk, "status": order.status})

    def put(self, request):
        return self.post(request)

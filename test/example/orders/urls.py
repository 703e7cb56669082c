from django.urls import path

from . import views

urlpatterns = [
    path("", views.OrderListView.as_view(), name="order-list"),
    path("<int:order_id>/", views.order_detail, name="order-detail"),
    path("<int:order_id>/cancel/", views.cancel_order, name="order-cancel"),
    path("checkout/", views.CheckoutView.as_view(), name="checkout"),
    path("webhook/", views.StatusWebhookView.as_view(), name="webhook"),
]

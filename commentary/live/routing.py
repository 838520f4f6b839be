from django.urls import path

from .fans import fan_socket

websocket_urlpatterns = [
    path("ws/matches/<int:match_id>/", fan_socket),
]

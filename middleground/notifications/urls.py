from django.urls import path

from . import unsubscribe, views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read-all/", views.mark_all_read, name="read_all"),
    path("<int:pk>/read/", views.mark_read, name="read"),
    path("<int:pk>/done/", views.mark_done, name="done"),
    path("preferences/", views.preferences, name="preferences"),
    path("follows/<int:pk>/", views.follow_update, name="follow_update"),
    path("follows/<int:pk>/unfollow/", views.unfollow, name="unfollow"),
    # other helpers: add the unsubscribe and digest routes below this line
    path("unsubscribe/<str:token>/", unsubscribe.view, name="unsubscribe"),
]

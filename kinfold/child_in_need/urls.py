app_name = "child_in_need"

urlpatterns: list = []

"""Statutory returns' pages (kinfold.returns.views)."""

from .views import app_name, urlpatterns

__all__ = ["app_name", "urlpatterns"]

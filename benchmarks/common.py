"""What the page benchmarks share: Django set up for timing pages outside the tests, and the
percentiles they report. Import it first, before anything from Django or Kinfold:

    from benchmarks.common import percentiles, setup_django
    setup_django()
"""

from __future__ import annotations

import os
import statistics
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup_django(*, debug: bool = False) -> None:
    """Django with the project's settings (demo mode unless told otherwise), DEBUG off so that
    queries are not kept, and plain static storage so pages render without collectstatic."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kinfold.settings")
    os.environ.setdefault("KINFOLD_DEMO", "1")
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import override_settings

    warnings.filterwarnings("ignore", message="No directory at")
    override_settings(
        DEBUG=debug,
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ).enable()


def percentiles(samples: list[float], digits: int = 1) -> dict[str, float]:
    """p50, p95, p99 and max in milliseconds of samples in seconds (nearest rank)."""
    ordered = sorted(samples)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000

    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, digits),
        "p95_ms": round(at(0.95), digits),
        "p99_ms": round(at(0.99), digits),
        "max_ms": round(ordered[-1] * 1000, digits),
    }

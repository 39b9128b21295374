"""The API's OpenAPI document as committed to docs/api/openapi.json."""

import json
from pathlib import Path

from django.conf import settings

DOCUMENT = Path(settings.BASE_DIR) / "docs" / "api" / "openapi.json"


def openapi_text() -> str:
    from .api import api

    return json.dumps(api.get_openapi_schema(), indent=2, ensure_ascii=False) + "\n"

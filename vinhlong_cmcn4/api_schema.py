"""Additions to the generated OpenAPI schema: the one error shape, documented on every operation."""

import copy

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {
                    "type": "string",
                    "description": gettext_noop("A stable code for machines."),
                    "enum": [
                        "invalid",
                        "malformed",
                        "not_authenticated",
                        "authentication_failed",
                        "permission_denied",
                        "not_found",
                        "method_not_allowed",
                        "not_acceptable",
                        "unsupported_media_type",
                        "throttled",
                        "conflict",
                        "error",
                    ],
                },
                "message": {"type": "string", "description": gettext_noop("The error, in Vietnamese.")},
                "fields": {
                    "type": "object",
                    "description": gettext_noop("Errors by field (field name → messages)."),
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
                "current_version": {"type": "integer", "description": gettext_noop("Conflicts only: the report's current version.")},
            },
        }
    },
    "example": {
        "error": {
            "code": "invalid",
            "message": "Dữ liệu gửi lên không hợp lệ: xem lỗi của từng trường.",
            "fields": {"progress": ["Giá trị phải nhỏ hơn hoặc bằng 100."]},
        }
    },
}
RESPONSES = {
    "400": gettext_noop("Invalid data (see `fields`)."),
    "401": gettext_noop("Not authenticated, or the token is not valid."),
    "403": gettext_noop("Not allowed."),
    "404": gettext_noop("Not found, or not yours to see."),
    "429": gettext_noop("Too many requests."),
}


CONFLICT = gettext_noop("Someone saved the report meanwhile: send it again with the new version.")


def _translated(node):
    """Descriptions in the language of the request that asks for the schema."""
    if isinstance(node, dict):
        return {key: (_(value) if key == "description" else _translated(value)) for key, value in node.items()}
    return node


def errors_document(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation answers errors as the ``Error`` component."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = _translated(copy.deepcopy(ERROR))
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status, description in RESPONSES.items():
                responses.setdefault(status, {"description": _(description), "content": reference})
            if path.startswith("/api/v1/reports/") and method in ("put", "patch"):
                responses.setdefault("409", {"description": _(CONFLICT), "content": reference})
    return result

"""Additions to the generated OpenAPI schema: the one error shape, documented on every operation."""

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
                    "description": "Mã lỗi ổn định cho máy đọc.",
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
                "message": {"type": "string", "description": "Thông báo lỗi bằng tiếng Việt."},
                "fields": {
                    "type": "object",
                    "description": "Lỗi theo từng trường (tên trường → các thông báo).",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
                "current_version": {"type": "integer", "description": "Chỉ với lỗi conflict: phiên bản hiện tại của báo cáo."},
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
    "400": "Dữ liệu không hợp lệ (xem `fields`).",
    "401": "Chưa xác thực, hoặc token không hợp lệ.",
    "403": "Không có quyền.",
    "404": "Không tìm thấy, hoặc không được xem.",
    "429": "Quá nhiều yêu cầu.",
}


def errors_document(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation answers errors as the ``Error`` component."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status, description in RESPONSES.items():
                responses.setdefault(status, {"description": description, "content": reference})
            if path.startswith("/api/v1/reports/") and method in ("put", "patch"):
                responses.setdefault("409", {"description": "Có người vừa lưu báo cáo: gửi lại với phiên bản mới.", "content": reference})
    return result

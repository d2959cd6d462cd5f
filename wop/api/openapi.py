"""The OpenAPI document, built from the registered routes so it cannot drift from them.

Request bodies come from the views' pydantic models; responses and query parameters of the
main endpoints from wop/api/schemas.py.
"""
import re

from flask import Blueprint, current_app, jsonify

from . import schemas
from .validation import MAX_ID

bp = Blueprint("openapi", __name__, url_prefix="/api")
_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
_TYPES = {"int": {"type": "integer", "minimum": 0, "maximum": MAX_ID}, "float": {"type": "number"}}
ERROR = {"content": {"application/json": {"schema": schemas.ref("Error")}}}


def _responses(endpoint: str) -> dict:
    known = schemas.RESPONSES.get(endpoint)
    if known is None:
        return {"default": {"description": "JSON; errors are {error}"}}
    responses = {status: {"description": "Success", "content": {"application/json": {"schema": schema}}}
                 for status, schema in known.items()}
    responses["default"] = {"description": "An error: {error, fields?}", **ERROR}
    return responses


def build_spec() -> dict:
    paths: dict = {}
    bodies = schemas.request_bodies()
    for rule in current_app.url_map.iter_rules():
        if not (rule.rule.startswith("/api") or rule.rule.startswith("/auth")):
            continue
        view = current_app.view_functions[rule.endpoint]
        path = _PARAM.sub(lambda m: "{" + m.group(2) + "}", rule.rule)
        params = [
            {"name": name, "in": "path", "required": True, "schema": _TYPES.get(conv or "", {"type": "string"})}
            for conv, name in _PARAM.findall(rule.rule)
        ] + schemas.QUERY.get(rule.endpoint, [])
        doc = (view.__doc__ or rule.endpoint).strip()
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            op = {"operationId": f"{rule.endpoint}.{method.lower()}", "summary": doc.splitlines()[0],
                  "parameters": params, "responses": _responses(rule.endpoint)}
            model = getattr(view, "body_model", None) or bodies.get(rule.endpoint)
            if model is not None:
                op["requestBody"] = {"required": True,
                                     "content": {"application/json": {"schema": model.model_json_schema()}}}
            paths.setdefault(path, {})[method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "Write or Perish API", "version": "1"},
        "components": {"schemas": schemas.COMPONENTS, "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer"},
            "cookie": {"type": "apiKey", "in": "cookie", "name": "session"},
        }},
        "security": [{"bearer": []}, {"cookie": []}],
        "paths": paths,
    }


@bp.get("/openapi.json")
def openapi():
    """This document."""
    return jsonify(build_spec())

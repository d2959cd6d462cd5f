"""The OpenAPI document, built from the registered routes so it cannot drift from them."""
import re

from flask import Blueprint, current_app, jsonify

bp = Blueprint("openapi", __name__, url_prefix="/api")
_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
_TYPES = {"int": "integer", "float": "number"}


def build_spec() -> dict:
    paths: dict = {}
    for rule in current_app.url_map.iter_rules():
        if not (rule.rule.startswith("/api") or rule.rule.startswith("/auth")):
            continue
        view = current_app.view_functions[rule.endpoint]
        path = _PARAM.sub(lambda m: "{" + m.group(2) + "}", rule.rule)
        params = [
            {"name": name, "in": "path", "required": True, "schema": {"type": _TYPES.get(conv or "", "string")}}
            for conv, name in _PARAM.findall(rule.rule)
        ]
        doc = (view.__doc__ or rule.endpoint).strip()
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            op = {"operationId": f"{rule.endpoint}.{method.lower()}", "summary": doc.splitlines()[0],
                  "parameters": params, "responses": {"default": {"description": "JSON; errors are {error}"}}}
            model = getattr(view, "body_model", None)
            if model is not None:
                op["requestBody"] = {"required": True,
                                     "content": {"application/json": {"schema": model.model_json_schema()}}}
            paths.setdefault(path, {})[method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "Write or Perish API", "version": "1"},
        "components": {"securitySchemes": {
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

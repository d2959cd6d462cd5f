"""Which AI model a request uses: the one asked for, else the writer's default model, else the
server's default, if it can be used now."""

from flask import current_app

from ..errors import BadRequest, InvalidFields
from ..model_catalog import Catalog, CatalogError, default_model_id, load_catalog
from ..models import User


def usable_model_id(requested: str | None, user: User | None = None) -> str:
    """The model id to run; 400 when it is not in the catalog or its provider has no API key."""
    config = current_app.config
    catalog = load_catalog(config)
    preferred = user.default_model if user is not None else None
    model_id = requested or preferred or default_model_id(config, catalog)
    problem = model_problem(model_id, catalog)
    if problem is not None:
        if not requested and preferred:
            problem += " It is your default model: choose another (PUT /api/me/preferences) or name one."
        raise BadRequest(problem)
    return model_id


def model_problem(model_id: str, catalog: Catalog | None = None) -> str | None:
    """Why `model_id` cannot be used now, or None when it can."""
    config = current_app.config
    catalog = catalog or load_catalog(config)
    try:
        spec = catalog.get(model_id)
    except CatalogError as err:
        return err.message
    if not catalog.is_usable(spec, config):
        return f"Model '{model_id}' cannot be used: its provider ({spec.provider}) has no API key configured."
    return None


def check_model_field(field: str, model_id: str) -> None:
    """422 naming `field` when `model_id` cannot be used."""
    problem = model_problem(model_id)
    if problem is not None:
        raise InvalidFields({field: problem})

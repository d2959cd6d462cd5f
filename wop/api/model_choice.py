"""Which AI model a request uses: the one asked for, else the default, if it can be used now."""

from flask import current_app

from ..errors import BadRequest
from ..model_catalog import CatalogError, default_model_id, load_catalog


def usable_model_id(requested: str | None) -> str:
    """The model id to run; 400 when it is not in the catalog or its provider has no API key."""
    config = current_app.config
    catalog = load_catalog(config)
    model_id = requested or default_model_id(config, catalog)
    try:
        spec = catalog.get(model_id)
    except CatalogError as err:
        raise BadRequest(err.message) from None
    if not catalog.is_usable(spec, config):
        raise BadRequest(
            f"Model '{model_id}' cannot be used: its provider ({spec.provider}) has no API key configured."
        )
    return model_id

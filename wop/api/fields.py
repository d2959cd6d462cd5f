"""Field types that several request bodies share."""

from typing import Annotated, Any

from pydantic import BeforeValidator, EmailStr, Field


def _blank_is_none(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip() or None
    return value


# Checked by email-validator through pydantic: syntax only, nothing is looked up on the network.
# An empty string means "no address".
OptionalEmail = Annotated[EmailStr | None, BeforeValidator(_blank_is_none)]
NewPassword = Annotated[str, Field(min_length=8, max_length=256)]

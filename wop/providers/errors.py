"""The two kinds of provider failure the job engine tells apart.

Transient failures (rate limits, 5xx, timeouts, dropped connections) are worth retrying
with backoff; permanent ones (a rejected key, a bad request, an unknown model,
undecodable audio) fail the job at once.

`message` is written for the writer who asked: what happened in their terms and what they can
do. `detail` is for administrators: which setting is wrong, what the vendor said.
"""

from ..errors import JobFailed

# What a writer is told when the fix is the operator's (a key, a model name, a quota).
UNAVAILABLE = "The AI service is not available right now — try again later, or ask the administrator."


class ProviderError(JobFailed):
    """A provider call that failed: a JobFailed the engine retries when transient."""


class TransientProviderError(ProviderError):
    transient = True


class PermanentProviderError(ProviderError):
    transient = False


def classify_sdk_error(exc: BaseException, vendor_name: str) -> ProviderError:
    """Map an exception from the `openai` or `anthropic` SDK (or their HTTP client, mid-stream),
    raised after the SDK's own retries gave up, to a transient or permanent ProviderError: a
    message for the writer, and the operator's detail.

    `vendor_name` is "OpenAI" or "Anthropic"; it names the API and its key variable.
    """
    if isinstance(exc, ProviderError):
        return exc
    import anthropic
    import httpx2
    import openai

    detail = f"{type(exc).__name__}: {exc}"
    key_var = f"{vendor_name.upper()}_API_KEY"
    if isinstance(exc, (openai.APITimeoutError, anthropic.APITimeoutError, httpx2.TimeoutException)):
        return TransientProviderError(
            "The AI service did not answer in time; it will be asked again.",
            f"The {vendor_name} API did not answer in time. {detail}",
        )
    if isinstance(exc, (openai.APIConnectionError, anthropic.APIConnectionError, httpx2.TransportError)):
        return TransientProviderError(
            "The AI service could not be reached; it will be asked again.",
            f"Could not connect to the {vendor_name} API (or the connection dropped mid-reply). {detail}",
        )

    status = getattr(exc, "status_code", None)
    if not isinstance(exc, (openai.APIStatusError, anthropic.APIStatusError)) or not isinstance(status, int):
        return PermanentProviderError(
            "The AI service failed unexpectedly. Ask the administrator if it keeps happening.",
            f"The {vendor_name} API call failed unexpectedly. {detail}",
        )
    request_id = getattr(exc, "request_id", None)
    if request_id:
        detail += f" (request id {request_id})"
    said = _vendor_message(exc)
    if status == 401:
        return PermanentProviderError(UNAVAILABLE, f"The {vendor_name} API key was rejected. Check {key_var}. {detail}")
    if status == 403:
        return PermanentProviderError(
            UNAVAILABLE, f"The {vendor_name} API refused access to this model or feature: {said} {detail}"
        )
    if status == 429:
        if getattr(exc, "code", None) == "insufficient_quota":  # OpenAI's "out of credit": retrying won't help
            return PermanentProviderError(
                UNAVAILABLE, f"The {vendor_name} account has run out of quota: {said} {detail}"
            )
        return TransientProviderError(
            "The AI service is busy right now; it will be asked again.",
            f"The {vendor_name} API is rate-limiting requests. {detail}",
        )
    if status in (408, 409) or status >= 500:
        return TransientProviderError(
            "The AI service had a temporary problem; it will be asked again.",
            f"The {vendor_name} API had a temporary problem (HTTP {status}). {detail}",
        )
    if status == 404:
        return PermanentProviderError(
            UNAVAILABLE,
            f"The {vendor_name} API does not know this model or endpoint (check the model name): {said} {detail}",
        )
    return PermanentProviderError(
        "The AI service refused this request. Ask the administrator if it keeps happening.",
        f"The {vendor_name} API rejected the request (HTTP {status}): {said} {detail}",
    )


def _vendor_message(exc: BaseException) -> str:
    """The vendor's own explanation from the error body: OpenAI's SDK keeps the inner `error`
    object as `body`, Anthropic's the whole response body."""
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        message = inner.get("message") if isinstance(inner, dict) else None
        if isinstance(message, str):
            return message[:300]
    return str(getattr(exc, "message", None) or exc)[:300]

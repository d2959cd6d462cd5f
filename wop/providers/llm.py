"""Chat with an AI model: one small class per vendor, chosen through the model catalog.

Replies are streamed: each piece goes to an `on_text` callback as the model writes it, and
closing the stream (a cancelled job) ends the vendor's work at once. The official SDKs retry
rate limits, 5xx answers, timeouts and dropped connections before the reply starts themselves
(exponential backoff with jitter, at most PROVIDER_MAX_RETRIES times); what still fails, or a
connection that drops mid-reply, is turned into a TransientProviderError or
PermanentProviderError for the job engine.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal, overload

import httpx2

if TYPE_CHECKING:  # the SDKs are imported where a call is made: processes that never call stay small
    import anthropic
    import openai
    from anthropic.types import MessageParam
    from openai.types.chat import ChatCompletionMessageParam

from ..metrics import count_tokens_used, provider_call
from ..model_catalog import ModelSpec, load_catalog, setting
from ..tokens import count_tokens
from .errors import (
    UNAVAILABLE,
    PermanentProviderError,
    TransientProviderError,
    classify_sdk_error,
)

ANTHROPIC_DEFAULT_MAX_TOKENS = 4096
# A local OpenAI-compatible server (Ollama, llama.cpp, vLLM) ignores the key, but the SDK wants one.
NO_KEY_NEEDED = "not-needed"


@dataclass
class ChatMessage:
    role: Literal["user", "assistant", "system"]
    content: str


@dataclass
class ChatResult:
    text: str
    input_tokens: int
    output_tokens: int
    total_tokens: int
    model: str  # as the vendor reports it (may be a dated snapshot of the requested model)


# Called with each piece of the reply as it arrives; it may raise (a cancelled job) to stop the stream.
OnText = Callable[[str], None]


class OpenAIChat:
    """Chat Completions, streamed. Any limit goes as `max_completion_tokens`: current OpenAI models
    reject `max_tokens`. With no limit set, none is sent, which every compatible server accepts."""

    vendor = "OpenAI"

    def __init__(self, client: openai.OpenAI, max_tokens: int | None = None):
        self.client = client
        self.max_tokens = max_tokens

    def complete(self, messages: list[ChatMessage], api_model: str, on_text: OnText | None = None) -> ChatResult:
        import openai

        extra: dict[str, Any] = {"max_completion_tokens": self.max_tokens} if self.max_tokens else {}
        pieces: list[str] = []
        usage, model = None, api_model
        try:
            stream = self.client.chat.completions.create(
                model=api_model,
                messages=[_openai_message(m) for m in messages],
                stream=True,
                stream_options={"include_usage": True},
                **extra,
            )
            with stream:  # closing it (early, on an error or a cancel) closes the HTTP response
                for chunk in stream:
                    model = chunk.model or model
                    usage = chunk.usage or usage
                    for choice in chunk.choices:
                        piece = choice.delta.content or getattr(choice.delta, "refusal", None) or ""
                        if piece:
                            pieces.append(piece)
                            if on_text is not None:
                                on_text(piece)
        except (openai.OpenAIError, httpx2.HTTPError) as exc:
            raise classify_sdk_error(exc, self.vendor) from exc
        text = "".join(pieces)
        if usage is None:  # a compatible server that does not report usage: count it ourselves
            input_tokens = sum(count_tokens(m.content) for m in messages)
            output_tokens = count_tokens(text)
            total = input_tokens + output_tokens
        else:
            input_tokens, output_tokens = usage.prompt_tokens or 0, usage.completion_tokens or 0
            total = usage.total_tokens or input_tokens + output_tokens
        return _result(self.vendor, text, input_tokens, output_tokens, total, model)


class AnthropicChat:
    """Messages API, streamed: system prompts go in the separate `system` field; `max_tokens` is required."""

    vendor = "Anthropic"

    def __init__(self, client: anthropic.Anthropic, max_tokens: int = ANTHROPIC_DEFAULT_MAX_TOKENS):
        self.client = client
        self.max_tokens = max_tokens

    def complete(self, messages: list[ChatMessage], api_model: str, on_text: OnText | None = None) -> ChatResult:
        import anthropic

        system = "\n\n".join(m.content for m in messages if m.role == "system")
        turns = [_anthropic_turn(m) for m in messages if m.role != "system"]
        extra: dict[str, Any] = {"system": system} if system else {}
        pieces: list[str] = []
        input_tokens = output_tokens = 0
        model = api_model
        try:
            stream = self.client.messages.create(
                model=api_model, max_tokens=self.max_tokens, messages=turns, stream=True, **extra
            )
            with stream:
                for event in stream:
                    if event.type == "message_start":
                        model = event.message.model or model
                        usage = event.message.usage
                        # input_tokens leaves out tokens read from or written to the prompt cache.
                        input_tokens = (
                            usage.input_tokens
                            + (usage.cache_creation_input_tokens or 0)
                            + (usage.cache_read_input_tokens or 0)
                        )
                        output_tokens = usage.output_tokens or 0
                    elif event.type == "content_block_delta" and event.delta.type == "text_delta":
                        pieces.append(event.delta.text)
                        if on_text is not None:
                            on_text(event.delta.text)
                    elif event.type == "message_delta" and event.usage is not None:
                        output_tokens = event.usage.output_tokens or output_tokens
        except (anthropic.AnthropicError, httpx2.HTTPError) as exc:
            raise classify_sdk_error(exc, self.vendor) from exc
        return _result(self.vendor, "".join(pieces), input_tokens, output_tokens, input_tokens + output_tokens, model)


def _openai_message(message: ChatMessage) -> ChatCompletionMessageParam:
    # The SDK types each role as its own dict: spelled out, so each one is checked.
    if message.role == "system":
        return {"role": "system", "content": message.content}
    if message.role == "assistant":
        return {"role": "assistant", "content": message.content}
    return {"role": "user", "content": message.content}


def _anthropic_turn(message: ChatMessage) -> MessageParam:
    if message.role == "assistant":
        return {"role": "assistant", "content": message.content}
    return {"role": "user", "content": message.content}


def _result(vendor: str, text: str, input_tokens: int, output_tokens: int, total: int, model: str) -> ChatResult:
    if not text.strip():
        raise TransientProviderError(
            "The AI service sent an empty reply; it will be asked again.", f"empty reply from {vendor} model {model}"
        )
    return ChatResult(text, input_tokens or 0, output_tokens or 0, total or 0, model)


def complete(
    messages: list[ChatMessage], model_id: str, config: Mapping[str, Any], on_text: OnText | None = None
) -> ChatResult:
    """Send the conversation to the catalog model `model_id`, streaming the reply into `on_text`
    as it is generated; raise ProviderError on failure."""
    spec = load_catalog(config).get(model_id)
    with provider_call(spec.provider, "chat"):
        result = chat_for(spec, config).complete(messages, spec.api_model, on_text)
    count_tokens_used(model_id, result.input_tokens, result.output_tokens)
    return result


def chat_for(spec: ModelSpec, config: Mapping[str, Any]) -> OpenAIChat | AnthropicChat:
    if spec.provider == "openai":
        return OpenAIChat(openai_client(config), spec.max_tokens)
    if spec.provider == "anthropic":
        return AnthropicChat(anthropic_client(config), spec.max_tokens or ANTHROPIC_DEFAULT_MAX_TOKENS)
    raise PermanentProviderError(f"Model {spec.id} has an unknown provider {spec.provider!r}.")


def openai_client(config: Mapping[str, Any]) -> openai.OpenAI:
    """The process's OpenAI client for these settings (also used for speech and transcription)."""
    key, base_url = setting(config, "OPENAI_API_KEY"), setting(config, "OPENAI_BASE_URL")
    if not key and not base_url:
        raise PermanentProviderError(UNAVAILABLE, "No OpenAI API key is configured (set OPENAI_API_KEY).")
    return _client("openai", key or NO_KEY_NEEDED, base_url, *_limits(config))


def anthropic_client(config: Mapping[str, Any]) -> anthropic.Anthropic:
    key, base_url = setting(config, "ANTHROPIC_API_KEY"), setting(config, "ANTHROPIC_BASE_URL")
    if not key:
        raise PermanentProviderError(UNAVAILABLE, "No Anthropic API key is configured (set ANTHROPIC_API_KEY).")
    return _client("anthropic", key, base_url, *_limits(config))


def _limits(config: Mapping[str, Any]) -> tuple[float, int]:
    return float(config["PROVIDER_TIMEOUT"]), int(config["PROVIDER_MAX_RETRIES"])


@overload
def _client(
    vendor: Literal["openai"], key: str, base_url: str | None, timeout: float, max_retries: int
) -> openai.OpenAI: ...
@overload
def _client(
    vendor: Literal["anthropic"], key: str, base_url: str | None, timeout: float, max_retries: int
) -> anthropic.Anthropic: ...
def _client(
    vendor: str, key: str, base_url: str | None, timeout: float, max_retries: int
) -> openai.OpenAI | anthropic.Anthropic:
    # Keyed by process id too: a client made before a fork must not share its connection
    # pool with the forked worker processes.
    return _cached_client(vendor, key, base_url, timeout, max_retries, os.getpid())


@lru_cache(maxsize=32)
def _cached_client(
    vendor: str, key: str, base_url: str | None, timeout: float, max_retries: int, _pid: int
) -> openai.OpenAI | anthropic.Anthropic:
    if vendor == "openai":
        import openai

        return openai.OpenAI(api_key=key, base_url=base_url or None, timeout=timeout, max_retries=max_retries)
    import anthropic

    return anthropic.Anthropic(api_key=key, base_url=base_url or None, timeout=timeout, max_retries=max_retries)

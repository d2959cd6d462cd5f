"""Chat with an AI model: one small class per vendor, chosen through the model catalog.

The official SDKs retry rate limits, 5xx answers, timeouts and dropped connections themselves
(exponential backoff with jitter, at most PROVIDER_MAX_RETRIES times); what still fails is
turned into a TransientProviderError or PermanentProviderError for the job engine.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import anthropic
import openai

from ..model_catalog import ModelSpec, load_catalog, setting
from .errors import PermanentProviderError, TransientProviderError, classify_sdk_error

DEFAULT_TIMEOUT = 120.0
DEFAULT_MAX_RETRIES = 3
ANTHROPIC_DEFAULT_MAX_TOKENS = 4096
# A local OpenAI-compatible server (Ollama, llama.cpp, vLLM) ignores the key, but the SDK wants one.
NO_KEY_NEEDED = "not-needed"


@dataclass
class ChatMessage:
    role: str  # "user" | "assistant" | "system"
    content: str


@dataclass
class ChatResult:
    text: str
    input_tokens: int
    output_tokens: int
    total_tokens: int
    model: str  # as the vendor reports it (may be a dated snapshot of the requested model)


class OpenAIChat:
    """Chat Completions. Any limit goes as `max_completion_tokens`: current OpenAI models
    reject `max_tokens`. With no limit set, none is sent, which every compatible server accepts."""

    vendor = "OpenAI"

    def __init__(self, client: openai.OpenAI, max_tokens: int | None = None):
        self.client = client
        self.max_tokens = max_tokens

    def complete(self, messages: list[ChatMessage], api_model: str) -> ChatResult:
        extra = {"max_completion_tokens": self.max_tokens} if self.max_tokens else {}
        try:
            response = self.client.chat.completions.create(
                model=api_model, messages=[{"role": m.role, "content": m.content} for m in messages], **extra)
        except openai.OpenAIError as exc:
            raise classify_sdk_error(exc, self.vendor) from exc
        message = response.choices[0].message if response.choices else None
        text = (message.content or message.refusal or "") if message else ""
        usage = response.usage
        input_tokens = usage.prompt_tokens if usage else 0
        output_tokens = usage.completion_tokens if usage else 0
        total = usage.total_tokens if usage and usage.total_tokens else input_tokens + output_tokens
        return _result(self.vendor, text, input_tokens, output_tokens, total, response.model or api_model)


class AnthropicChat:
    """Messages API: system prompts go in the separate `system` field; `max_tokens` is required."""

    vendor = "Anthropic"

    def __init__(self, client: anthropic.Anthropic, max_tokens: int = ANTHROPIC_DEFAULT_MAX_TOKENS):
        self.client = client
        self.max_tokens = max_tokens

    def complete(self, messages: list[ChatMessage], api_model: str) -> ChatResult:
        system = "\n\n".join(m.content for m in messages if m.role == "system")
        turns = [{"role": m.role, "content": m.content} for m in messages if m.role != "system"]
        extra = {"system": system} if system else {}
        try:
            response = self.client.messages.create(
                model=api_model, max_tokens=self.max_tokens, messages=turns, **extra)
        except anthropic.AnthropicError as exc:
            raise classify_sdk_error(exc, self.vendor) from exc
        text = "".join(block.text for block in response.content if block.type == "text")
        usage = response.usage
        # input_tokens leaves out tokens read from or written to the prompt cache.
        input_tokens = (usage.input_tokens + (usage.cache_creation_input_tokens or 0)
                        + (usage.cache_read_input_tokens or 0))
        return _result(self.vendor, text, input_tokens, usage.output_tokens,
                       input_tokens + usage.output_tokens, response.model or api_model)


def _result(vendor: str, text: str, input_tokens: int, output_tokens: int, total: int, model: str) -> ChatResult:
    if not text.strip():
        raise TransientProviderError(f"The {vendor} model returned an empty reply; the job will be retried.",
                                     f"empty reply from {model}")
    return ChatResult(text, input_tokens or 0, output_tokens or 0, total or 0, model)


def complete(messages: list[ChatMessage], model_id: str, config: Mapping) -> ChatResult:
    """Send the conversation to the catalog model `model_id`; raise ProviderError on failure."""
    spec = load_catalog(config).get(model_id)
    return chat_for(spec, config).complete(messages, spec.api_model)


def chat_for(spec: ModelSpec, config: Mapping) -> OpenAIChat | AnthropicChat:
    if spec.provider == "openai":
        return OpenAIChat(openai_client(config), spec.max_tokens)
    if spec.provider == "anthropic":
        return AnthropicChat(anthropic_client(config), spec.max_tokens or ANTHROPIC_DEFAULT_MAX_TOKENS)
    raise PermanentProviderError(f"Model {spec.id} has an unknown provider {spec.provider!r}.")


def openai_client(config: Mapping) -> openai.OpenAI:
    """The process's OpenAI client for these settings (also used for speech and transcription)."""
    key, base_url = setting(config, "OPENAI_API_KEY"), setting(config, "OPENAI_BASE_URL")
    if not key and not base_url:
        raise PermanentProviderError("No OpenAI API key is configured (set OPENAI_API_KEY).")
    return _client("openai", key or NO_KEY_NEEDED, base_url, *_limits(config))


def anthropic_client(config: Mapping) -> anthropic.Anthropic:
    key, base_url = setting(config, "ANTHROPIC_API_KEY"), setting(config, "ANTHROPIC_BASE_URL")
    if not key:
        raise PermanentProviderError("No Anthropic API key is configured (set ANTHROPIC_API_KEY).")
    return _client("anthropic", key, base_url, *_limits(config))


def _limits(config: Mapping) -> tuple[float, int]:
    timeout = setting(config, "PROVIDER_TIMEOUT")
    retries = setting(config, "PROVIDER_MAX_RETRIES")
    return (float(timeout) if timeout is not None else DEFAULT_TIMEOUT,
            int(retries) if retries is not None else DEFAULT_MAX_RETRIES)


def _client(vendor: str, key: str, base_url: str | None, timeout: float, max_retries: int):
    # Keyed by process id too: a client made before a fork must not share its connection
    # pool with the forked worker processes.
    return _cached_client(vendor, key, base_url, timeout, max_retries, os.getpid())


@lru_cache(maxsize=32)
def _cached_client(vendor, key, base_url, timeout, max_retries, _pid):
    cls = openai.OpenAI if vendor == "openai" else anthropic.Anthropic
    return cls(api_key=key, base_url=base_url or None, timeout=timeout, max_retries=max_retries)

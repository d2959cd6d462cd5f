"""The LLM providers and the model catalog, run with the real SDKs against the fake AI server."""

import concurrent.futures
import inspect
import re
import typing

import anthropic
import httpx2
import openai
import pytest

from wop import model_catalog
from wop.model_catalog import (
    CatalogError,
    ModelSpec,
    default_model_id,
    is_usable,
    load_catalog,
)
from wop.providers import llm
from wop.providers.errors import (
    UNAVAILABLE,
    PermanentProviderError,
    ProviderError,
    TransientProviderError,
    classify_sdk_error,
)
from wop.providers.llm import ChatMessage, complete
from wop.settings import Settings, load_settings

DEFAULT_IDS = ["gpt-5.5", "gpt-5.4-mini", "gpt-5.4", "claude-sonnet-5-5", "claude-opus-5-5", "claude-haiku-4-5"]
VENDORS = [  # (model id, path the request goes to, vendor name)
    ("gpt-5.5", "/v1/chat/completions", "OpenAI"),
    ("claude-sonnet-5-5", "/v1/messages", "Anthropic"),
]


def make_config(fake=None, **overrides) -> dict:
    """The settings the providers get: these values, the rest the defaults (never the environment)."""
    values: dict = {"PROVIDER_TIMEOUT": 10.0, "PROVIDER_MAX_RETRIES": 2}
    if fake is not None:
        values.update(
            OPENAI_API_KEY="test-key",
            OPENAI_BASE_URL=fake.openai_base_url,
            ANTHROPIC_API_KEY="test-key",
            ANTHROPIC_BASE_URL=fake.anthropic_base_url,
        )
    values.update(overrides)
    return Settings.of(**values).model_dump()


THREAD = [
    ChatMessage("system", "Be brief."),
    ChatMessage("user", "alice: I walked to the sea today"),
    ChatMessage("assistant", "How did the water look?"),
    ChatMessage("user", "alice: grey and calm, like a sheet of tin"),
]


def words(text: str) -> int:
    return len(text.split())


# -- happy paths -----------------------------------------------------------------------------


def test_openai_chat_sends_the_thread_in_order_and_reports_usage(fake_ai):
    result = complete(THREAD, "gpt-5.5", make_config(fake_ai))

    assert result.text == "Reply from gpt-5.5 to: alice: grey and calm, like a sheet of tin"
    assert result.model == "gpt-5.5"
    assert result.input_tokens == sum(words(m.content) for m in THREAD)
    assert result.output_tokens == words(result.text)
    assert result.total_tokens == result.input_tokens + result.output_tokens
    [request] = fake_ai.requests_to("/chat/completions")
    assert request.headers["authorization"] == "Bearer test-key"
    assert request.json["model"] == "gpt-5.5"
    assert [(m["role"], m["content"]) for m in request.json["messages"]] == [(m.role, m.content) for m in THREAD]
    assert "max_tokens" not in request.json


def test_anthropic_chat_puts_the_system_prompt_apart(fake_ai):
    result = complete(THREAD, "claude-sonnet-5-5", make_config(fake_ai))

    assert result.text == "Reply from claude-sonnet-5-5 to: alice: grey and calm, like a sheet of tin"
    assert result.input_tokens == sum(words(m.content) for m in THREAD)
    assert result.output_tokens == words(result.text)
    assert result.total_tokens == result.input_tokens + result.output_tokens
    [request] = fake_ai.requests_to("/v1/messages")
    # Older SDKs send the key as x-api-key, current ones as a bearer token.
    assert "test-key" in (request.headers.get("x-api-key"), request.headers.get("authorization", "")[7:])
    assert request.headers["anthropic-version"]
    body = request.json
    assert body["model"] == "claude-sonnet-5-5"
    assert body["system"] == "Be brief."
    assert body["max_tokens"] == 4096
    assert [(m["role"], m["content"]) for m in body["messages"]] == [(m.role, m.content) for m in THREAD[1:]]


def test_anthropic_without_system_prompt_sends_none(fake_ai):
    complete(THREAD[1:], "claude-haiku-4-5", make_config(fake_ai))
    [request] = fake_ai.requests_to("/v1/messages")
    assert "system" not in request.json
    assert request.json["model"] == "claude-haiku-4-5"


def test_a_reply_limit_goes_as_max_completion_tokens_for_openai_and_max_tokens_for_anthropic(fake_ai, tmp_path):
    models = tmp_path / "models.toml"
    models.write_text(
        '[[models]]\nid = "short"\nprovider = "openai"\napi_model = "gpt-5.5"\nmax_tokens = 50\n'
        '[[models]]\nid = "short-claude"\nprovider = "anthropic"\napi_model = "claude-opus-5-5"\nmax_tokens = 60\n'
    )
    config = make_config(fake_ai, MODELS_FILE=str(models))

    complete(THREAD, "short", config)
    complete(THREAD, "short-claude", config)

    [openai_request] = fake_ai.requests_to("/chat/completions")
    assert openai_request.json["max_completion_tokens"] == 50
    assert "max_tokens" not in openai_request.json
    [anthropic_request] = fake_ai.requests_to("/v1/messages")
    assert anthropic_request.json["max_tokens"] == 60
    assert anthropic_request.json["model"] == "claude-opus-5-5"


def test_extra_model_through_openai_compatible_server_needs_no_key(fake_ai):
    # An Ollama-style model: the name has a colon, no real key is configured.
    config = make_config(fake_ai, OPENAI_API_KEY="", EXTRA_MODELS="llama=openai:llama3.2:3b:Llama 3.2 (local)")
    spec = load_catalog(config).get("llama")
    assert (spec.api_model, spec.display_name) == ("llama3.2:3b", "Llama 3.2 (local)")
    assert is_usable(spec, config)

    # The fake accepts only test-key, so the placeholder key comes back as rejected: proof it was sent.
    with pytest.raises(PermanentProviderError) as info:
        complete(THREAD, "llama", config)
    assert info.value.message == UNAVAILABLE
    assert "The OpenAI API key was rejected. Check OPENAI_API_KEY." in info.value.detail
    [request] = fake_ai.requests_to("/chat/completions")
    assert request.json["model"] == "llama3.2:3b"
    assert request.headers["authorization"] == f"Bearer {llm.NO_KEY_NEEDED}"


# -- retries inside the SDK ------------------------------------------------------------------


@pytest.mark.parametrize(("model_id", "path", "vendor"), VENDORS)
@pytest.mark.parametrize("status", [429, 503])
def test_one_transient_error_is_retried_by_the_sdk(fake_ai, model_id, path, vendor, status):
    fake_ai.fail_next(1, status)
    result = complete(THREAD, model_id, make_config(fake_ai))
    assert result.text.startswith(f"Reply from {model_id} to:")
    assert len(fake_ai.requests_to(path)) == 2


@pytest.mark.parametrize(("model_id", "path", "vendor"), VENDORS)
def test_a_dropped_connection_is_retried_by_the_sdk(fake_ai, model_id, path, vendor):
    fake_ai.drop_next(1)
    result = complete(THREAD, model_id, make_config(fake_ai))
    assert result.text.startswith(f"Reply from {model_id} to:")
    assert len(fake_ai.requests_to(path)) == 2


@pytest.mark.parametrize(("model_id", "path", "vendor"), VENDORS)
def test_persistent_server_errors_become_transient_after_max_retries(fake_ai, model_id, path, vendor):
    fake_ai.fail_next(10, 503)
    with pytest.raises(TransientProviderError) as info:
        complete(THREAD, model_id, make_config(fake_ai, PROVIDER_MAX_RETRIES=2))
    assert info.value.message == "The AI service had a temporary problem; it will be asked again."
    assert f"The {vendor} API had a temporary problem (HTTP 503)." in info.value.detail
    assert len(fake_ai.requests_to(path)) == 3


@pytest.mark.parametrize(("model_id", "path", "vendor"), VENDORS)
def test_persistent_rate_limit_becomes_transient(fake_ai, model_id, path, vendor):
    fake_ai.fail_next(10, 429)
    with pytest.raises(TransientProviderError) as info:
        complete(THREAD, model_id, make_config(fake_ai, PROVIDER_MAX_RETRIES=1))
    assert info.value.message == "The AI service is busy right now; it will be asked again."
    assert f"The {vendor} API is rate-limiting requests." in info.value.detail
    assert len(fake_ai.requests_to(path)) == 2


@pytest.mark.parametrize(("model_id", "path", "vendor"), VENDORS)
def test_persistent_connection_drops_become_transient(fake_ai, model_id, path, vendor):
    fake_ai.drop_next(10)
    with pytest.raises(TransientProviderError) as info:
        complete(THREAD, model_id, make_config(fake_ai, PROVIDER_MAX_RETRIES=1))
    assert info.value.message == "The AI service could not be reached; it will be asked again."
    assert f"Could not connect to the {vendor} API" in info.value.detail
    assert len(fake_ai.requests_to(path)) == 2


def test_a_slow_provider_times_out_as_transient(fake_ai):
    fake_ai.set_latency(1.0)
    with pytest.raises(TransientProviderError) as info:
        complete(THREAD, "gpt-5.5", make_config(fake_ai, PROVIDER_TIMEOUT=0.2, PROVIDER_MAX_RETRIES=1))
    assert info.value.message == "The AI service did not answer in time; it will be asked again."
    assert "The OpenAI API did not answer in time." in info.value.detail
    assert len(fake_ai.requests_to("/chat/completions")) == 2


# -- permanent failures ----------------------------------------------------------------------


@pytest.mark.parametrize(("model_id", "path", "vendor"), VENDORS)
def test_a_rejected_key_fails_at_once(fake_ai, model_id, path, vendor):
    config = make_config(fake_ai, OPENAI_API_KEY="sk-wrong", ANTHROPIC_API_KEY="sk-ant-wrong")
    with pytest.raises(PermanentProviderError) as info:
        complete(THREAD, model_id, config)
    assert info.value.message == UNAVAILABLE
    assert f"The {vendor} API key was rejected. Check {vendor.upper()}_API_KEY." in info.value.detail
    assert "401" in info.value.detail
    assert len(fake_ai.requests) == 1


@pytest.mark.parametrize(("model_id", "path", "vendor"), VENDORS)
def test_not_found_and_bad_request_fail_at_once_with_the_vendors_words(fake_ai, model_id, path, vendor):
    fake_ai.fail_next(1, 404)
    with pytest.raises(PermanentProviderError) as info:
        complete(THREAD, model_id, make_config(fake_ai))
    assert info.value.message == UNAVAILABLE
    assert "check the model name" in info.value.detail
    assert ("does not exist" in info.value.detail) or ("not found" in info.value.detail)

    fake_ai.fail_next(1, 400)
    with pytest.raises(PermanentProviderError) as info:
        complete(THREAD, model_id, make_config(fake_ai))
    assert info.value.message.startswith("The AI service refused this request.")
    assert f"The {vendor} API rejected the request (HTTP 400): Invalid request." in info.value.detail
    assert len(fake_ai.requests_to(path)) == 2


def test_an_unknown_model_id_is_named_without_any_request(fake_ai):
    with pytest.raises(CatalogError) as info:
        complete(THREAD, "gpt-99", make_config(fake_ai))
    assert info.value.message.startswith("Model gpt-99 is not configured. Available models: gpt-5.5, ")
    assert "claude-haiku-4-5" in info.value.message
    assert fake_ai.requests == []


@pytest.mark.parametrize(("model_id", "vendor"), [("gpt-5.5", "OpenAI"), ("claude-opus-5-5", "Anthropic")])
def test_a_missing_key_fails_without_any_request(fake_ai, model_id, vendor):
    config = make_config(OPENAI_BASE_URL="", ANTHROPIC_BASE_URL=fake_ai.anthropic_base_url)
    with pytest.raises(PermanentProviderError) as info:
        complete(THREAD, model_id, config)
    assert info.value.message == UNAVAILABLE
    assert info.value.detail == f"No {vendor} API key is configured (set {vendor.upper()}_API_KEY)."
    assert fake_ai.requests == []


def test_classify_keeps_provider_errors_and_knows_openai_quota_exhaustion():
    own = TransientProviderError("already classified")
    assert classify_sdk_error(own, "OpenAI") is own

    response = httpx2.Response(429, request=httpx2.Request("POST", "http://127.0.0.1/v1/chat/completions"))
    quota = openai.RateLimitError(
        "Error code: 429",
        response=response,
        body={"message": "You exceeded your current quota.", "code": "insufficient_quota"},
    )
    error = classify_sdk_error(quota, "OpenAI")
    assert isinstance(error, PermanentProviderError)
    assert error.message == UNAVAILABLE
    assert "The OpenAI account has run out of quota: You exceeded your current quota." in error.detail

    weird = classify_sdk_error(ValueError("boom"), "Anthropic")
    assert isinstance(weird, PermanentProviderError) and "boom" in weird.detail


def test_clients_are_cached_per_settings(fake_ai):
    config = make_config(fake_ai)
    assert llm.openai_client(config) is llm.openai_client(dict(config))
    assert llm.anthropic_client(config) is llm.anthropic_client(dict(config))
    assert llm.openai_client(config) is not llm.openai_client({**config, "OPENAI_API_KEY": "other"})
    client = llm.anthropic_client(config)
    assert client.max_retries == 2 and str(client.base_url).startswith(fake_ai.url)


def test_sdk_base_url_environment_variable_still_works(fake_ai, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", fake_ai.openai_base_url)
    config = make_config(OPENAI_API_KEY="test-key")  # no base URL in config
    assert complete(THREAD, "gpt-5.4", config).text.startswith("Reply from gpt-5.4")
    assert len(fake_ai.requests_to("/chat/completions")) == 1


# -- catalog ---------------------------------------------------------------------------------


def test_default_catalog():
    catalog = load_catalog(make_config())
    assert [m.id for m in catalog.all()] == DEFAULT_IDS
    assert catalog.get("claude-haiku-4-5") == ModelSpec(
        "claude-haiku-4-5", "anthropic", "claude-haiku-4-5", "Claude Haiku 4.5", context_window=200_000
    )
    assert {m.provider for m in catalog.all()} == {"openai", "anthropic"}
    assert all(m.display_name and m.api_model for m in catalog.all())


def test_default_models_are_current_in_the_installed_sdks():
    """Fails when an SDK upgrade marks a default model deprecated: time to update models.toml."""
    from openai.types.shared import chat_model

    openai_source = inspect.getsource(chat_model)
    deprecated_openai = openai_source.split("Deprecated values:", 1)[1] if "Deprecated values:" in openai_source else ""
    known_openai = set(typing.get_args(chat_model.ChatModel))
    known_anthropic = set(typing.get_args(typing.get_args(anthropic.types.Model)[0]))
    try:
        from anthropic._data import DEPRECATED_MODELS
    except ImportError:
        DEPRECATED_MODELS = {}
    for spec in load_catalog(make_config()).all():
        if spec.provider == "openai":
            assert spec.api_model in known_openai
            assert f'"{spec.api_model}"' not in deprecated_openai, spec.api_model
        else:
            assert spec.api_model in known_anthropic
            assert spec.api_model not in DEPRECATED_MODELS, spec.api_model


def test_models_file_extends_and_overrides(tmp_path):
    path = tmp_path / "models.toml"
    path.write_text(
        '[[models]]\nid = "gpt-5.5"\nprovider = "openai"\napi_model = "gpt-5.5-2026-04-23"\n'
        'display_name = "GPT-5.5 (pinned)"\n'
        '[[models]]\nid = "qwen"\nprovider = "openai"\napi_model = "qwen3:8b"\n'
    )
    catalog = load_catalog(make_config(MODELS_FILE=str(path)))
    assert [m.id for m in catalog.all()] == [*DEFAULT_IDS, "qwen"]
    assert catalog.get("gpt-5.5").api_model == "gpt-5.5-2026-04-23"
    assert catalog.get("gpt-5.5").display_name == "GPT-5.5 (pinned)"
    assert catalog.get("qwen").display_name == "qwen"


def test_models_file_can_replace_the_list(tmp_path):
    path = tmp_path / "models.toml"
    path.write_text('replace = true\n[[models]]\nid = "local"\nprovider = "openai"\napi_model = "llama3.2"\n')
    catalog = load_catalog(make_config(MODELS_FILE=str(path)))
    assert [m.id for m in catalog.all()] == ["local"]
    with pytest.raises(CatalogError, match=re.escape("Model gpt-5.5 is not configured. Available models: local.")):
        catalog.get("gpt-5.5")


def test_an_edited_models_file_is_read_again_without_a_restart(tmp_path):
    path = tmp_path / "models.toml"
    path.write_text('replace = true\n[[models]]\nid = "one"\nprovider = "openai"\napi_model = "m1"\n')
    config = make_config(MODELS_FILE=str(path))
    assert [m.id for m in load_catalog(config).all()] == ["one"]
    assert load_catalog(config).get("one") is load_catalog(config).get("one")  # parsed once
    path.write_text('replace = true\n[[models]]\nid = "two"\nprovider = "openai"\napi_model = "model-2"\n')
    assert [m.id for m in load_catalog(config).all()] == ["two"]
    path.unlink()
    with pytest.raises(CatalogError, match="cannot be read"):
        load_catalog(config)


@pytest.mark.parametrize(
    "content",
    [
        '[[models]]\nid = "x"\nprovider = "google"\napi_model = "gemini"\n',
        '[[models]]\nid = "x"\nprovider = "openai"\n',
        "[[models]\nbroken",
    ],
)
def test_a_broken_models_file_is_reported(tmp_path, content):
    path = tmp_path / "models.toml"
    path.write_text(content)
    with pytest.raises(CatalogError, match="misconfigured"):
        load_catalog(make_config(MODELS_FILE=str(path)))


def test_a_missing_models_file_is_reported(tmp_path):
    with pytest.raises(CatalogError) as info:
        load_catalog(make_config(MODELS_FILE=str(tmp_path / "nope.toml")))
    assert str(tmp_path) not in info.value.message  # server paths only in the admin detail
    assert "nope.toml" in info.value.detail


def test_extra_models_parsing():
    specs = model_catalog.parse_extra_models(
        " llama=openai:llama3.2:3b:Llama 3.2 ; fast=anthropic:claude-haiku-4-5:Quick Claude;plain=openai:mistral;"
    )
    assert specs == [
        ModelSpec("llama", "openai", "llama3.2:3b", "Llama 3.2"),
        ModelSpec("fast", "anthropic", "claude-haiku-4-5", "Quick Claude"),
        ModelSpec("plain", "openai", "mistral", "plain"),
    ]
    for bad in ["nomodel", "x=openai", "x=gemini:pro:Pro", "=openai:m:M"]:
        with pytest.raises(CatalogError):
            model_catalog.parse_extra_models(bad)


def test_extra_models_extend_the_catalog_after_the_models_file(tmp_path):
    path = tmp_path / "models.toml"
    path.write_text('[[models]]\nid = "mine"\nprovider = "openai"\napi_model = "a"\n')
    catalog = load_catalog(make_config(MODELS_FILE=str(path), EXTRA_MODELS="mine=anthropic:b:Mine;new=openai:c:New"))
    assert catalog.get("mine") == ModelSpec("mine", "anthropic", "b", "Mine")
    assert [m.id for m in catalog.all()][-2:] == ["mine", "new"]


def test_settings_come_from_the_environment_through_the_settings_object(monkeypatch):
    monkeypatch.setenv("EXTRA_MODELS", "envmodel=openai:m:From env")
    assert load_catalog(load_settings().model_dump()).get("envmodel").display_name == "From env"
    # The catalogue itself reads only the settings it is given.
    with pytest.raises(CatalogError):
        load_catalog(make_config()).get("envmodel")


def test_is_usable():
    gpt = ModelSpec("g", "openai", "g", "G")
    claude = ModelSpec("c", "anthropic", "c", "C")
    assert not is_usable(gpt, make_config())
    assert is_usable(gpt, make_config(OPENAI_API_KEY="k"))
    assert is_usable(gpt, make_config(OPENAI_BASE_URL="http://127.0.0.1:11434/v1"))
    assert not is_usable(claude, make_config(OPENAI_API_KEY="k", ANTHROPIC_BASE_URL="http://127.0.0.1:1"))
    assert is_usable(claude, make_config(ANTHROPIC_API_KEY="k"))
    catalog = load_catalog(make_config())
    assert catalog.is_usable(catalog.get("claude-opus-5-5"), make_config(ANTHROPIC_API_KEY="k"))
    assert [m.id for m in catalog.usable(make_config(ANTHROPIC_API_KEY="k"))] == DEFAULT_IDS[3:]


def test_default_model_id():
    assert default_model_id(make_config(DEFAULT_LLM_MODEL="claude-opus-5-5", OPENAI_API_KEY="k")) == "claude-opus-5-5"
    assert default_model_id(make_config(ANTHROPIC_API_KEY="k")) == "claude-sonnet-5-5"
    assert default_model_id(make_config(OPENAI_API_KEY="k", ANTHROPIC_API_KEY="k")) == "gpt-5.5"
    assert default_model_id(make_config()) == "gpt-5.5"


# -- the fake itself (other suites lean on it) -----------------------------------------------


def test_fake_numbers_transcriptions_in_order_and_makes_speech_of_proportional_length(fake_ai):
    client = openai.OpenAI(api_key="test-key", base_url=fake_ai.openai_base_url, max_retries=0)
    first = client.audio.transcriptions.create(model="whisper-1", file=("one.mp3", b"a" * 10))
    fake_ai.fail_next(1, 503, path="/audio/transcriptions")
    with pytest.raises(openai.InternalServerError):
        client.audio.transcriptions.create(model="whisper-1", file=("two.mp3", b"b" * 20))
    second = client.audio.transcriptions.create(model="whisper-1", file=("two.mp3", b"b" * 20), response_format="text")
    assert first.text == "[part 1: one.mp3 10 bytes]"
    assert second.strip() == "[part 2: two.mp3 20 bytes]"
    upload = fake_ai.requests_to("/audio/transcriptions")[0]
    assert upload.form["model"] == "whisper-1" and upload.files["file"][:2] == ("one.mp3", 10)

    # wav at 24 kHz, 16 bit mono: the size gives the length exactly (1 s per 15 characters).
    wav = client.audio.speech.create(model="tts-1", voice="alloy", input="x" * 45, response_format="wav").content
    assert wav[:4] == b"RIFF"
    assert abs((len(wav) - 44) / 48000 - 3.0) < 0.05
    mp3 = client.audio.speech.create(model="tts-1", voice="alloy", input="Hello.").content
    assert mp3[:3] == b"ID3" or mp3[0] == 0xFF
    assert fake_ai.requests_to("/audio/speech")[-1].json["input"] == "Hello."


def test_fake_serves_concurrent_requests(fake_ai):
    fake_ai.set_latency(0.3)
    config = make_config(fake_ai)
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        results = list(
            pool.map(lambda i: complete([ChatMessage("user", f"n{i}")], "gpt-5.4-mini", config).text, range(16))
        )
    assert results == [f"Reply from gpt-5.4-mini to: n{i}" for i in range(16)]
    assert len(fake_ai.requests) == 16


def test_every_failure_a_job_can_meet_is_a_job_failure():
    """The engine knows one failure type: provider errors, a broken model list and unreadable
    audio all are JobFailed, transient or not."""
    from wop.audio import UnreadableAudio
    from wop.errors import JobFailed

    for kind in (CatalogError, PermanentProviderError, TransientProviderError, UnreadableAudio):
        assert issubclass(kind, JobFailed)
    assert issubclass(PermanentProviderError, ProviderError)
    assert TransientProviderError("x").transient and not PermanentProviderError("x").transient

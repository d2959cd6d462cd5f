"""The AI models people can choose: data in `models.toml`, not code.

The packaged list can be extended or replaced by a TOML file named by MODELS_FILE, and extended
by EXTRA_MODELS ("id=provider:api_model:Display Name;..."). See models.toml for the format.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from .errors import JobFailed

PROVIDERS = ("openai", "anthropic")
# For a model whose entry does not give `context_window`: the size most current models reach.
DEFAULT_CONTEXT_WINDOW = 128_000
# Room kept for the reply when a model gives no `max_tokens` (what Anthropic models get then too).
DEFAULT_REPLY_TOKENS = 4096


class CatalogError(JobFailed):
    """The model list is broken (a bad MODELS_FILE or EXTRA_MODELS), or a model is not in it."""


@dataclass(frozen=True)
class ModelSpec:
    id: str
    provider: str
    api_model: str
    display_name: str
    max_tokens: int | None = None
    context_window: int | None = None  # tokens the model reads and writes in one call

    def as_dict(self) -> dict:
        return asdict(self)

    def input_budget(self) -> int:
        """Tokens a request may send: the context window less the room kept for the reply."""
        window = self.context_window or DEFAULT_CONTEXT_WINDOW
        return max(0, window - (self.max_tokens or DEFAULT_REPLY_TOKENS))


def setting(config: Mapping, name: str) -> Any:
    """A setting's value from the app's settings (wop/settings.py); None when it is not set."""
    value = config.get(name)
    return None if value in (None, "") else value


class Catalog:
    def __init__(self, models: Iterable[ModelSpec]):
        self._models = {m.id: m for m in models}

    def get(self, model_id: str) -> ModelSpec:
        try:
            return self._models[model_id]
        except KeyError:
            available = ", ".join(self._models) or "none"
            raise CatalogError(f"Model {model_id} is not configured. Available models: {available}.") from None

    def all(self) -> list[ModelSpec]:
        return list(self._models.values())

    def usable(self, config: Mapping) -> list[ModelSpec]:
        return [m for m in self._models.values() if self.is_usable(m, config)]

    @staticmethod
    def is_usable(spec: ModelSpec, config: Mapping) -> bool:
        return is_usable(spec, config)


def is_usable(spec: ModelSpec, config: Mapping) -> bool:
    """Whether the model's provider is configured: it has a key, or (OpenAI) a base URL, since
    a local OpenAI-compatible server may need no real key."""
    if spec.provider == "openai":
        return bool(setting(config, "OPENAI_API_KEY") or setting(config, "OPENAI_BASE_URL"))
    if spec.provider == "anthropic":
        return bool(setting(config, "ANTHROPIC_API_KEY"))
    return False


def load_catalog(config: Mapping) -> Catalog:
    models = {m.id: m for m in _packaged_models()}
    path = setting(config, "MODELS_FILE")
    if path:
        replace, from_file = _read_models_file(str(path))
        if replace:
            models = {}
        models.update((m.id, m) for m in from_file)
    extra = setting(config, "EXTRA_MODELS")
    if extra:
        models.update((m.id, m) for m in _extra_models(extra))
    return Catalog(models.values())


def default_model_id(config: Mapping, catalog: Catalog | None = None) -> str:
    """DEFAULT_LLM_MODEL if set, else the first usable model, else the first model listed."""
    chosen = setting(config, "DEFAULT_LLM_MODEL")
    if chosen:
        return chosen
    catalog = catalog or load_catalog(config)
    usable = catalog.usable(config)
    if usable:
        return usable[0].id
    listed = catalog.all() or _packaged_models()
    return listed[0].id


def parse_extra_models(text: str) -> list[ModelSpec]:
    """Parse "id=provider:api_model:Display Name;...". The display name follows the last colon
    and may be left out (then it is the id) unless api_model itself has a colon, as Ollama tags
    do ("llama=openai:llama3.2:3b:Llama 3.2")."""
    specs = []
    for item in text.split(";"):
        item = item.strip()
        if not item:
            continue
        model_id, sep, rest = item.partition("=")
        provider, sep2, rest = rest.partition(":")
        if not sep or not sep2 or not rest.strip():
            raise CatalogError(
                f"The AI model list is misconfigured: EXTRA_MODELS entry {item!r} is not "
                "id=provider:api_model:Display Name."
            )
        api_model, display_name = rest, ""
        if rest.count(":") >= 1:
            api_model, _, display_name = rest.rpartition(":")
        specs.append(
            _spec(
                {
                    "id": model_id.strip(),
                    "provider": provider.strip(),
                    "api_model": api_model.strip(),
                    "display_name": display_name.strip(),
                },
                "EXTRA_MODELS",
            )
        )
    return specs


@lru_cache(maxsize=1)
def _packaged_models() -> list[ModelSpec]:
    text = resources.files("wop").joinpath("models.toml").read_text(encoding="utf-8")
    return _parse_toml(text, "models.toml")[1]


# Every AI reply and model menu asks for the catalog: the file and EXTRA_MODELS are parsed again
# only when they change (a stat per call notices an edited file without a restart).
@lru_cache(maxsize=4)
def _extra_models(text: str) -> tuple[ModelSpec, ...]:
    return tuple(parse_extra_models(text))


def _read_models_file(path: str) -> tuple[bool, tuple[ModelSpec, ...]]:
    try:
        found = os.stat(path)
    except OSError as exc:
        raise _unreadable(path, exc) from exc
    return _parsed_models_file(path, found.st_mtime_ns, found.st_size)


@lru_cache(maxsize=4)
def _parsed_models_file(path: str, _mtime_ns: int, _size: int) -> tuple[bool, tuple[ModelSpec, ...]]:
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as exc:
        raise _unreadable(path, exc) from exc
    replace, models = _parse_toml(text, f"MODELS_FILE {path}")
    return replace, tuple(models)


def _unreadable(path: str, exc: OSError) -> CatalogError:
    return CatalogError("The AI model list is misconfigured: MODELS_FILE cannot be read.", f"MODELS_FILE {path}: {exc}")


def _parse_toml(text: str, source: str) -> tuple[bool, list[ModelSpec]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(
            f"The AI model list is misconfigured: {source} is not valid TOML ({exc}).", f"{source}: {exc}"
        ) from exc
    entries = data.get("models", [])
    if not isinstance(entries, list):
        raise CatalogError(f"The AI model list is misconfigured: {source} needs [[models]] entries.")
    return bool(data.get("replace", False)), [_spec(e, source) for e in entries]


def _spec(entry: Mapping, source: str) -> ModelSpec:
    def bad(problem: str) -> CatalogError:
        return CatalogError(f"The AI model list is misconfigured: {source}: {problem}", f"{source}: {entry!r}")

    if not isinstance(entry, Mapping):
        raise bad("each model must be a table")
    model_id, provider, api_model = entry.get("id"), entry.get("provider"), entry.get("api_model")
    if not model_id or not isinstance(model_id, str):
        raise bad("a model has no id")
    if provider not in PROVIDERS:
        raise bad(f"model {model_id}: provider must be one of {', '.join(PROVIDERS)}, not {provider!r}")
    if not api_model or not isinstance(api_model, str):
        raise bad(f"model {model_id} has no api_model")
    limits = {}
    for name in ("max_tokens", "context_window"):
        value = entry.get(name)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value <= 0):
            raise bad(f"model {model_id}: {name} must be a positive integer")
        limits[name] = value
    if limits["max_tokens"] and limits["context_window"] and limits["max_tokens"] >= limits["context_window"]:
        raise bad(f"model {model_id}: max_tokens must be smaller than context_window")
    return ModelSpec(model_id, provider, api_model, entry.get("display_name") or model_id, **limits)

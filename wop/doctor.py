"""`wop doctor`: is this installation able to run, and if not, what to do about it.

Every check reads and asks; none writes. It reads the settings itself rather than building the
app, because building the app creates DATA_DIR, a secret key and tightens permissions, which
would hide the very problems it looks for.
"""

import os
import shutil
import stat
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .data_dir import _has_acl
from .queues import QUEUES
from .settings import Settings, SettingsError, load_settings

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
MIN_FREE_BYTES = 1024**3  # below this much free space under DATA_DIR, uploads and jobs start failing
WORKER_REPLY_SECONDS = 2.0  # how long workers get to answer the ping
PROVIDER_TIMEOUT_SECONDS = 10.0


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    # A warning is reported but does not fail the run: something unused or not yet a problem.
    warning: bool = False

    @property
    def failed(self) -> bool:
        return not self.ok and not self.warning


def run_checks(online: bool = False, settings: Settings | None = None) -> list[Check]:
    """Every check, in the order an operator fixes things."""
    if settings is None:
        try:
            settings = load_settings()
        except SettingsError as exc:
            fix = "Correct the variable named above in the environment or .env."
            return [Check("configuration", False, str(exc), fix)]
    checks = [Check("configuration", True, "settings are valid")]
    steps: list[Callable[[Settings], Iterator[Check]]] = [
        _database,
        _redis_and_workers,
        _programs,
        _data_dir,
    ]
    if online:
        steps.append(_providers)
    for step in steps:
        checks.extend(step(settings))
    return checks


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _database(settings: Settings) -> Iterator[Check]:
    from alembic.config import Config
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy import create_engine, text

    url = settings.database_url
    shown = url.split("@")[-1] if "@" in url else url
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        yield Check(
            "database",
            False,
            f"the SQLite database {shown} does not exist",
            "Run `wop db upgrade` (or `wop up`, which migrates first).",
        )
        return
    engine = create_engine(url, connect_args={"connect_timeout": 5} if url.startswith("postgresql") else {})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            current = set(MigrationContext.configure(conn).get_current_heads())
    except Exception as exc:
        yield Check(
            "database",
            False,
            f"cannot connect to {shown}: {_first_line(exc)}",
            "Start the database server and check DATABASE_URL (host, port, user, password, database name).",
        )
        return
    finally:
        engine.dispose()
    yield Check("database", True, f"reachable ({shown})")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    heads = set(ScriptDirectory.from_config(config).get_heads())
    if current == heads:
        yield Check("migrations", True, f"current ({', '.join(sorted(heads))})")
    else:
        at = ", ".join(sorted(current)) or "no migration applied"
        yield Check(
            "migrations",
            False,
            f"the database is at {at}; this version expects {', '.join(sorted(heads))}",
            "Back up (`wop backup`), then run `wop db upgrade`.",
        )


def _redis_and_workers(settings: Settings) -> Iterator[Check]:
    import redis

    client = redis.Redis.from_url(settings.redis_url, socket_connect_timeout=2, socket_timeout=2)
    try:
        policy = client.info("memory").get("maxmemory_policy", "unknown")
    except Exception as exc:
        yield Check(
            "redis",
            False,
            f"cannot reach {settings.redis_url}: {_first_line(exc)}",
            "Start Redis (`systemctl start redis-server`) and check REDIS_URL.",
        )
        yield Check("workers", False, "not checked: Redis is unreachable", "Fix Redis first.")
        return
    finally:
        client.close()
    yield Check("redis", True, f"reachable ({settings.redis_url})")
    if policy == "noeviction":
        yield Check("redis eviction", True, "maxmemory-policy is noeviction")
    else:
        yield Check(
            "redis eviction",
            False,
            f"maxmemory-policy is {policy}: Redis may silently drop queued jobs when memory is full",
            "Set `maxmemory-policy noeviction` in redis.conf and run "
            "`redis-cli CONFIG SET maxmemory-policy noeviction`.",
        )
    yield from _workers(settings)


def _workers(settings: Settings) -> Iterator[Check]:
    from celery import Celery

    celery = Celery("wop-doctor", broker=settings.redis_url, set_as_current=False)
    celery.conf.broker_transport_options = {"socket_connect_timeout": 2, "socket_timeout": 5}
    try:
        replies = celery.control.inspect(timeout=WORKER_REPLY_SECONDS).active_queues() or {}
    except Exception as exc:
        yield Check("workers", False, f"could not ask the workers: {_first_line(exc)}", "Check Redis, then retry.")
        return
    finally:
        celery.close()
    served = {q["name"] for queues in replies.values() for q in queues}
    if not replies:
        yield Check(
            "workers",
            False,
            f"no worker answered within {WORKER_REPLY_SECONDS:g} s",
            "Start one: `wop worker` (or `systemctl start wop-worker`).",
        )
        return
    yield Check("workers", True, f"{len(replies)} answered: {', '.join(sorted(replies))}")
    unserved = [q for q in QUEUES if q not in served]
    if unserved:
        yield Check(
            "queues",
            False,
            f"no worker serves {', '.join(unserved)}: jobs there wait forever",
            f"Start a worker for them: `wop worker --queues {','.join(unserved)}`.",
        )
    else:
        yield Check("queues", True, f"every queue has a worker ({', '.join(QUEUES)})")


def _programs(settings: Settings) -> Iterator[Check]:
    ffmpeg = shutil.which("ffmpeg")
    yield Check(
        "ffmpeg",
        bool(ffmpeg),
        ffmpeg or "not found on PATH: recordings cannot be transcribed nor read-aloud audio joined",
        "" if ffmpeg else "Install it: `apt-get install ffmpeg`.",
    )
    espeak = shutil.which("espeak-ng")
    tts = settings.TTS_PROVIDER
    local_tts = tts == "local" or (tts == "auto" and not settings.OPENAI_API_KEY)
    yield Check(
        "espeak-ng",
        bool(espeak),
        espeak or f"not found on PATH: the local read-aloud voice is unavailable (TTS_PROVIDER={tts})",
        "" if espeak else "Install it: `apt-get install espeak-ng`.",
        # Only needed when reading aloud is local.
        warning=not espeak and not local_tts,
    )


def _data_dir(settings: Settings) -> Iterator[Check]:
    data_dir = settings.DATA_DIR
    if not data_dir.exists():
        yield Check(
            "data dir",
            False,
            f"{data_dir} does not exist",
            f"Create it for the service user: `install -d -m 700 {data_dir}` (or run `wop up` once).",
        )
        return
    yield from _permissions(data_dir)
    usage = shutil.disk_usage(data_dir)
    free_gib = usage.free / 1024**3
    if usage.free < MIN_FREE_BYTES:
        yield Check(
            "disk",
            False,
            f"{free_gib:.2f} GiB free under {data_dir}",
            f"Free space there or move DATA_DIR to a larger disk; keep at least {MIN_FREE_BYTES // 1024**3} GiB free.",
        )
    else:
        yield Check("disk", True, f"{free_gib:.1f} GiB free under {data_dir}")


def _permissions(data_dir: Path) -> Iterator[Check]:
    uid = os.geteuid()
    info = data_dir.stat()
    if not os.access(data_dir, os.R_OK | os.W_OK | os.X_OK):
        yield Check(
            "permissions",
            False,
            f"{data_dir} is not writable by this user (uid {uid})",
            f"Run as the service user, or `chown -R <service user> {data_dir}`.",
        )
        return
    if info.st_mode & 0o077 and not _has_acl(data_dir):
        yield Check(
            "permissions",
            False,
            f"{data_dir} has mode {stat.filemode(info.st_mode)}: other users can look inside",
            f"`chmod 700 {data_dir}` (grant nginx access with ACLs instead, see docs/operations.md).",
        )
        return
    foreign = _first_foreign_entry(data_dir, uid)
    if foreign is not None:
        yield Check(
            "permissions",
            False,
            f"{foreign} belongs to another user: the service cannot change or delete it",
            f"`chown -R {uid} {data_dir}` (the service user's id or name).",
        )
        return
    yield Check("permissions", True, f"{data_dir} is private to uid {uid}")


def _first_foreign_entry(data_dir: Path, uid: int) -> Path | None:
    """A file or folder under DATA_DIR that the service user does not own (say, left by a
    command once run as root)."""
    for root, dirs, files in os.walk(data_dir):
        for name in (*dirs, *files):
            path = Path(root) / name
            try:
                if path.lstat().st_uid != uid:
                    return path
            except OSError:
                continue  # gone meanwhile
    return None


def _providers(settings: Settings) -> Iterator[Check]:
    """One cheap call (listing models) to each configured provider."""
    from .providers.llm import anthropic_client, openai_client

    config = {**settings.model_dump(), "PROVIDER_TIMEOUT": PROVIDER_TIMEOUT_SECONDS, "PROVIDER_MAX_RETRIES": 0}
    clients: list[tuple[str, Callable[[], Any], str]] = []
    if settings.OPENAI_API_KEY or settings.OPENAI_BASE_URL:
        clients.append(("OpenAI", lambda: openai_client(config).models.list(), "OPENAI_API_KEY and OPENAI_BASE_URL"))
    if settings.ANTHROPIC_API_KEY:
        clients.append(
            ("Anthropic", lambda: anthropic_client(config).models.list(), "ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL")
        )
    if not clients:
        yield Check(
            "providers",
            True,
            "no AI provider configured (local transcription and read-aloud only)",
            "Set OPENAI_API_KEY or ANTHROPIC_API_KEY for AI replies.",
            warning=True,
        )
    for name, call, variables in clients:
        try:
            call()
        except Exception as exc:
            yield Check(f"provider {name}", False, f"unreachable: {_first_line(exc)}", f"Check {variables}.")
        else:
            yield Check(f"provider {name}", True, "answered")


def report(checks: list[Check]) -> str:
    lines = []
    for check in checks:
        mark = "ok  " if check.ok else ("warn" if check.warning else "FAIL")
        lines.append(f"[{mark}] {check.name}: {check.detail}")
        if not check.ok and check.fix:
            lines.append(f"       fix: {check.fix}")
    failed = sum(c.failed for c in checks)
    lines.append("All checks passed." if not failed else f"{failed} problem{'s' if failed > 1 else ''} found.")
    return "\n".join(lines)


def as_json(checks: list[Check]) -> dict[str, Any]:
    return {"ok": not any(c.failed for c in checks), "checks": [asdict(c) for c in checks]}

"""Every operation of the OpenAPI document, fuzzed by schemathesis through the real gunicorn:
no request may produce a server error, and the main answers must match their declared schemas.

Bounded and repeatable: a fixed number of examples per operation, derandomized (the same
requests every run). The fuzzer is a normal user with a bearer token. The operations that end
logins or change the password (ENDS_A_LOGIN) are fuzzed too, each with an account of its own,
so they cannot cut the main run short.
"""

import requests
import schemathesis
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.helpers import unique_name

POSITIVE_EXAMPLES = 20  # data that fits the schema: reaches the views
NEGATIVE_EXAMPLES = 8  # data that does not: must be refused with a 4xx
# Each login attempt verifies a password hash on purpose (~0.3 s): fewer of those.
FEWER = {"/auth/login": 8, "/auth/token": 8, "/auth/signup": 10}
ENDS_A_LOGIN = {
    ("POST", "/auth/logout"),
    ("POST", "/auth/logout_everywhere"),
    ("POST", "/auth/password"),
    ("DELETE", "/auth/tokens/{token_id}"),
    ("DELETE", "/auth/sessions/{session_id}"),
}
CHECKS = [not_a_server_error, response_schema_conformance]
# An event stream answers until the client leaves: tests/test_events.py covers it over real HTTP.
NOT_FUZZED = {("GET", "/api/events")}


def bearer_headers(base: str) -> dict:
    name, password = unique_name("fuzz"), "fuzzing password"
    assert (
        requests.post(f"{base}/auth/signup", json={"username": name, "password": password}, timeout=30).status_code
        == 201
    )
    # Something of its own to find, so reads of existing entries are exercised too.
    token = requests.post(f"{base}/auth/token", json={"username": name, "password": password}, timeout=30)
    headers = {"Authorization": f"Bearer {token.json()['token']}"}
    assert requests.post(f"{base}/api/nodes/", json={"content": "fuzzed"}, headers=headers, timeout=30).ok
    return headers


def fuzz(operation, mode: GenerationMode, examples: int, base: str, headers: dict) -> list[str]:
    failures: list[str] = []
    declared = {status for status in operation.definition.raw.get("responses", {}) if status.startswith("5")}

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        if len(failures) >= 3:  # enough to act on; keep the run short
            return
        response = case.call(base_url=base, headers=headers, timeout=30)
        # A 5xx the document declares is the operation's contract (GET /api/ready: 503 when not ready).
        checks = CHECKS if str(response.status_code) not in declared else [response_schema_conformance]
        try:
            case.validate_response(response, checks=checks)
        except BaseExceptionGroup as exc:  # schemathesis raises one group naming every failed check
            failures.append(
                f"{operation.label} [{mode.value}]: {str(exc).strip()[:1500]}\n"
                f"  {case.as_curl_command(headers=headers)[:500]}"
            )

    run()
    return failures


def test_no_request_makes_a_server_error_and_answers_match_the_schema(live_server, worker):
    base = live_server.url
    schema = schemathesis.openapi.from_url(f"{base}/api/openapi.json")
    main = bearer_headers(base)
    failures, fuzzed = [], 0
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result.err()
        operation = result.ok()
        if (operation.method.upper(), operation.path) in NOT_FUZZED:
            continue
        ends_a_login = (operation.method.upper(), operation.path) in ENDS_A_LOGIN
        headers = bearer_headers(base) if ends_a_login else main
        for mode, examples in (
            (GenerationMode.POSITIVE, POSITIVE_EXAMPLES),
            (GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES),
        ):
            examples = min(examples, FEWER.get(operation.path, examples))
            failures += fuzz(operation, mode, examples, base, headers)
        fuzzed += 1
    assert fuzzed >= 40, f"only {fuzzed} operations in the OpenAPI document"
    # The main account was never logged out: its token still works.
    assert requests.get(f"{base}/auth/me", headers=main, timeout=30).status_code == 200
    assert not failures, "\n\n".join(failures)

"""Optional error reports to Sentry (or a compatible service such as GlitchTip), on only when
SENTRY_DSN is set: without it sentry-sdk is not even imported, and nothing is sent anywhere.

What is sent leaves out what people wrote and who they are: no request bodies, no local
variables of the failing code, no cookies, user or IP address (send_default_pii off). A report
holds the error, its stack trace (file names and lines), the route and the log line that told
of it.
"""

from typing import Any


def start_error_reports(dsn: str | None, **options: Any) -> bool:
    """Start reporting unexpected errors of the web app and of jobs; False when off."""
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.flask import FlaskIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[FlaskIntegration(), CeleryIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        traces_sample_rate=0.0,
        **options,
    )
    return True

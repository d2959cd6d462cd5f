"""Security headers on every response (deploy/nginx.conf sets the same for what nginx serves).

The web app is built to files of its own (frontend/dist): no inline script, no inline
<style>, no eval, so the policy allows only scripts and styles from this origin. React's
`style={...}` props are set through the CSSOM (element.style), which `style-src` does not
govern, so they need no 'unsafe-inline'. `data:` images are the inline SVG favicon; `blob:`
media is audio recorded in the browser before it is uploaded.
"""

from flask import Flask, Response, request

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",  # stored files are served as their type, never sniffed into HTML
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


# API answers carry private text: no browser or proxy may keep a copy, and a page reached with
# Back must ask again rather than show an entry that has since been deleted or made private.
# Stored media sets its own policy (revalidate every time, see wop/api/media.py).
PRIVATE_PREFIXES = ("/api/", "/auth/")


def with_media_origin(policy: str, origin: str | None) -> str:
    """The policy letting audio and video come from `origin` too: the object store that
    presigned redirects send the browser to (STORAGE_SERVE=redirect)."""
    if not origin:
        return policy
    return policy.replace("media-src 'self' blob:", f"media-src 'self' blob: {origin}")


def register_security_headers(app: Flask) -> None:
    headers = dict(SECURITY_HEADERS)
    if app.config.get("STORAGE_URL"):
        from .storage import make_store

        origin = make_store(app.config, "media").browser_origin()
        headers["Content-Security-Policy"] = with_media_origin(CONTENT_SECURITY_POLICY, origin)

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        if request.path.startswith(PRIVATE_PREFIXES):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

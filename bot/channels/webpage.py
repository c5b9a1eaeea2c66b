"""The web chat's page: static files from `web/dist`, sent with a strict security policy.

Served by the web chat channel (`bot.channels.webchat`) on the same origin as its
socket.io, so the page loads nothing from other sites.
"""

from __future__ import annotations

from pathlib import Path
from typing import Awaitable, Callable, Dict, Optional

from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.paths import PROJECT_ROOT

DEFAULT_WEB_DIR = PROJECT_ROOT / "web" / "dist"
"""Where `npm run build` (Makefile target `web`) puts the page and its assets."""

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".map": "application/json; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
}


def security_headers(host: str) -> Dict[str, str]:
    """Returns the headers every file of the page is sent with.

    Args:
        host: The host the page was requested from (socket.io connects back to it).
    """
    return {
        "Content-Security-Policy": (
            "default-src 'self'; script-src 'self'; style-src 'self'; "
            "img-src 'self' data:; "
            f"connect-src 'self' ws://{host} wss://{host}; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; "
            "frame-ancestors 'self'"
        ),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-cache",
    }


class WebPage:
    """Serves the files of the built page, and nothing outside its folder."""

    def __init__(self, root: Path) -> None:
        """Creates the server of one folder.

        Args:
            root: The folder with the built page.
        """
        self.root = root

    async def serve(self, request: Request, name: str) -> HTTPResponse:
        """Returns one file of the page; 503 when the page is not built, else 404."""
        root = self.root.resolve()
        path = (root / name).resolve()
        if root not in path.parents or not path.is_file():
            if name == "index.html":
                return response.text(
                    "The web chat is not built yet: run `make web` "
                    "(or `npm ci && npm run build` in web/).",
                    status=503,
                )
            return response.text("Not found", status=404)
        content_type = CONTENT_TYPES.get(path.suffix, "application/octet-stream")
        return response.raw(
            path.read_bytes(), content_type=content_type, headers=security_headers(request.host)
        )


def redirect_browsers_to(page: str) -> Callable[[Request], Awaitable[Optional[HTTPResponse]]]:
    """Returns a request middleware that sends browsers opening `/` to the chat page.

    Only browsers asking for a page are redirected; `curl /` and health checks still
    get Rasa's "Hello from Rasa" answer.
    """

    async def redirect_browsers(request: Request) -> Optional[HTTPResponse]:
        if (
            request.path == "/"
            and request.method == "GET"
            and "text/html" in request.headers.get("accept", "")
        ):
            return response.redirect(page)
        return None

    return redirect_browsers

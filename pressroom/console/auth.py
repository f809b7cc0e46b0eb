"""The console's door: nothing under /console/ answers without the configured token.

A request is let in with `Authorization: Bearer {token}` (scripts) or the session cookie the
login form sets (people). The cookie holds an expiry and an HMAC keyed by the token, so
changing the token signs everyone out and there is no session state to store. Every other
request gets 401 with the login form; POST {root}/login checks the token. Every response also
carries headers that keep the pages out of caches and frames and stop inline scripts.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "pressroom_console"
SESSION_SECONDS = 12 * 3600
MAX_FORM_BYTES = 4096


def security_headers(style_hashes: tuple[str, ...] = ()) -> list[tuple[bytes, bytes]]:
    """Headers on every response. Pages use no inline script or style (geometry is drawn
    with SVG attributes), so the policy can be strict: anything injected would not run. The
    only inline styles allowed are those whose hashes are given: the console's own stylesheet
    on the login page (served before /static/ may be read)."""
    styles = "".join(f" '{h}'" for h in style_hashes)
    csp = (
        f"default-src 'none'; img-src 'self'; style-src 'self'{styles}; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )
    return [
        (b"content-security-policy", csp.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"same-origin"),
    ]


# (root, next, error) -> the login page's HTML
LoginPage = Callable[[str, str, str | None], str]


def _digest(value: str) -> bytes:
    return hashlib.sha256(value.encode()).digest()


class TokenGate:
    def __init__(
        self,
        app: ASGIApp,
        token: str,
        login_page: LoginPage,
        style_hashes: tuple[str, ...] = (),
    ) -> None:
        if not token:
            raise ValueError("the console needs a token")
        self.app = app
        self.headers = security_headers(style_hashes)
        self._token = _digest(token)
        self._key = hashlib.sha256(b"pressroom-console-session|" + token.encode()).digest()
        self.login_page = login_page

    # -- credentials ------------------------------------------------------------------------

    def token_ok(self, token: str) -> bool:
        # Digests have one length, so the comparison's time says nothing about the token.
        return hmac.compare_digest(_digest(token), self._token)

    def session(self, now: float | None = None) -> str:
        expires = int((now or time.time()) + SESSION_SECONDS)
        return f"{expires}.{self._sign(expires)}"

    def session_ok(self, value: str) -> bool:
        expires, _, mac = value.partition(".")
        if not expires.isdigit() or int(expires) < time.time():
            return False
        return hmac.compare_digest(mac.encode(), self._sign(int(expires)).encode())

    def _sign(self, expires: int) -> str:
        return hmac.new(self._key, str(expires).encode(), hashlib.sha256).hexdigest()

    def allowed(self, scope: Scope) -> bool:
        headers = dict(scope.get("headers") or [])
        auth = headers.get(b"authorization", b"").decode("latin-1")
        scheme, _, value = auth.partition(" ")
        if scheme.lower() == "bearer" and value and self.token_ok(value.strip()):
            return True
        cookie = _cookie(headers.get(b"cookie", b"").decode("latin-1"), COOKIE)
        return bool(cookie) and self.session_ok(cookie)

    # -- ASGI ---------------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                names = {k.lower() for k, _ in headers}
                headers += [h for h in self.headers if h[0] not in names]
                if b"cache-control" not in names:
                    headers.append((b"cache-control", b"private, no-store"))
                message = {**message, "headers": headers}
            await send(message)

        root = scope.get("root_path", "")
        path = scope["path"]
        route = path[len(root):] if path.startswith(root) else path
        method = scope["method"]
        if route == "/login" and method == "POST":
            await self._login(scope, receive, send_secured, root)
        elif route == "/logout" and method == "POST":
            await _respond(send_secured, 303, b"", [
                (b"location", f"{root}/login".encode()),
                (b"set-cookie", _set_cookie("", root, 0, scope).encode()),
            ])
        elif self.allowed(scope):
            if route == "/login":
                await _respond(send_secured, 303, b"", [(b"location", f"{root}/".encode())])
            else:
                await self.app(scope, receive, send_secured)
        else:
            query = scope.get("query_string", b"").decode("latin-1")
            wanted = route + (f"?{query}" if query else "")
            await self._refuse(send_secured, root, wanted if route != "/login" else "/", None)

    async def _login(self, scope: Scope, receive: Receive, send: Send, root: str) -> None:
        form = parse_qs((await _body(receive)).decode("utf-8", "replace"))
        token = (form.get("token") or [""])[0]
        wanted = _local((form.get("next") or ["/"])[0])
        if not token or not self.token_ok(token):
            await self._refuse(send, root, wanted, "That token is not right.")
            return
        await _respond(send, 303, b"", [
            (b"location", (root + wanted).encode()),
            (b"set-cookie", _set_cookie(self.session(), root, SESSION_SECONDS, scope).encode()),
        ])

    async def _refuse(self, send: Send, root: str, wanted: str, error: str | None) -> None:
        html = self.login_page(root, _local(wanted), error).encode()
        await _respond(send, 401, html, [
            (b"content-type", b"text/html; charset=utf-8"),
            (b"www-authenticate", b'Bearer realm="pressroom console"'),
        ])


def _local(wanted: str) -> str:
    """A path inside the console to return to after login; anything else goes home."""
    if not wanted.startswith("/") or wanted.startswith("//") or "\\" in wanted:
        return "/"
    return wanted if all(c.isprintable() for c in wanted) else "/"


def _cookie(header: str, name: str) -> str:
    for part in header.split(";"):
        k, _, v = part.strip().partition("=")
        if k == name:
            return v
    return ""


def _set_cookie(value: str, root: str, max_age: int, scope: Scope) -> str:
    secure = "; Secure" if scope.get("scheme") == "https" else ""
    return f"{COOKIE}={value}; Path={root}/; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}"


async def _body(receive: Receive) -> bytes:
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_FORM_BYTES:
            return b""  # not a login form: treated as an empty (wrong) token
        chunks.append(chunk)
        if not message.get("more_body"):
            break
    return b"".join(chunks)


async def _respond(
    send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]
) -> None:
    headers = [*headers, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})

"""Stay signed in across a reload or a shared link: a signed re-login cookie with an expiry.

Streamlit keeps the signed-in user in the session, which a reload (F5) or a new tab ends. As
streamlit-authenticator does, the browser keeps a cookie holding the user's name and token, signed
with itsdangerous (Streamlit's own dependency) under a key generated per install in data/ (never in
git), with its time: a cookie older than [auth] remember_hours, altered, or signed under another key
is ignored. The token is the one app.users issues at sign-in, so a password change or a removed
account ends the re-login too (require_role checks it against the users file).

Reading uses st.context.cookies (the cookies of the session's first request); setting and clearing
write document.cookie from a one-off st.html script, because Streamlit has no API to set a cookie.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

import streamlit as st
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.users import PermissionDenied, User, UserError, require_role, users_path
from etl.config import default_config

COOKIE = "dispatch_signin"
KEY_FILE = "signin_cookie.key"
_PENDING = "_remember_pending"  # the cookie script to send on this run
_FORGOTTEN = "_remember_forgotten"  # signed out in this session: ignore the first request's cookie


def _key_path() -> Path:
    return users_path().parent / KEY_FILE


def signing_key(path: Path | None = None) -> str:
    """The install's key, made on first use (readable by this user only)."""
    path = path or _key_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip()


def max_age_seconds() -> int:
    return int(float(default_config().auth.get("remember_hours", 12)) * 3600)


def _serializer(key: str | None = None) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(key or signing_key(), salt="dispatch-signin")


def cookie_value(user: User, key: str | None = None) -> str:
    return _serializer(key).dumps({"name": user.name, "token": user.token})


def user_from_cookie(value: str | None, key: str | None = None, max_age: int | None = None) -> User | None:
    """The user the cookie names, if it is genuine, fresh, and the account still accepts its token."""
    if not value:
        return None
    try:
        data = _serializer(key).loads(value, max_age=max_age if max_age is not None else max_age_seconds())
        return require_role(User(str(data["name"]), "viewer", str(data["token"])), "viewer")
    except (BadSignature, PermissionDenied, UserError, KeyError, TypeError, ValueError):
        return None


def _script(value: str, max_age: int) -> str:
    # json.dumps quotes the value for JavaScript; the signed value itself is URL-safe base64
    cookie = f"{COOKIE}=" + value + f"; Max-Age={max_age}; Path=/; SameSite=Strict"
    return (
        "<script>document.cookie = "
        + json.dumps(cookie)
        + " + (location.protocol === 'https:' ? '; Secure' : '');</script>"
    )


def remember(user: User) -> None:
    """After a sign-in: the cookie is written on this run (see send_pending)."""
    st.session_state.pop(_FORGOTTEN, None)
    st.session_state[_PENDING] = _script(cookie_value(user), max_age_seconds())


def forget() -> None:
    """After a sign-out: clear the cookie, and ignore it for the rest of this session."""
    st.session_state[_FORGOTTEN] = True
    st.session_state[_PENDING] = _script("", 0)


def send_pending() -> None:
    script = st.session_state.pop(_PENDING, None)
    if script:
        with st.sidebar:
            st.html(script, unsafe_allow_javascript=True)


def restore() -> User | None:
    """At the start of a run without a signed-in user: the user of a valid cookie, else None."""
    if st.session_state.get(_FORGOTTEN):
        return None
    try:
        value = st.context.cookies.get(COOKIE)
    except Exception:  # no browser request behind this run (AppTest, bare mode)
        return None
    return user_from_cookie(value)

"""The signed re-login cookie (app/remember.py): a reload keeps the clerk signed in only
with a genuine, fresh cookie whose token the users file still accepts. The browser side (a reload
really stays signed in) is in tests/test_journey_clerk.py."""

from __future__ import annotations

import stat

from app import remember, users

from .office_fixtures import CLERK, PASSWORD, sign_in, users_file  # noqa: F401


def test_a_genuine_cookie_signs_the_user_in_again(users_file):  # noqa: F811
    value = remember.cookie_value(sign_in(CLERK))
    user = remember.user_from_cookie(value)
    assert user is not None and (user.name, user.role) == (CLERK, "clerk")


def test_the_key_is_made_per_install_in_data_and_private(users_file):  # noqa: F811
    key_file = users_file.parent / remember.KEY_FILE
    assert not key_file.exists()
    key = remember.signing_key()
    assert key_file.exists() and len(key) == 64 and remember.signing_key() == key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_altered_foreign_expired_or_stale_cookies_are_ignored(users_file):  # noqa: F811
    clerk = sign_in(CLERK)
    value = remember.cookie_value(clerk)
    assert remember.user_from_cookie(value[:-2] + ("A" if value[-2] != "A" else "B") + value[-1]) is None
    assert remember.user_from_cookie(remember.cookie_value(clerk, key="another install")) is None
    assert remember.user_from_cookie(value, max_age=-1) is None  # older than remember_hours
    assert remember.user_from_cookie("") is None and remember.user_from_cookie("garbage") is None
    users.set_password(CLERK, PASSWORD + "x")  # a password change ends every re-login
    assert remember.user_from_cookie(value) is None


def test_the_script_sets_and_clears_only_our_cookie():
    set_ = remember._script("abc.def", 3600)
    assert "dispatch_signin=abc.def; Max-Age=3600; Path=/; SameSite=Strict" in set_
    assert "dispatch_signin=; Max-Age=0" in remember._script("", 0)

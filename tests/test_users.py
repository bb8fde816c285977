"""Accounts, sign-in and roles (app.users) and `python -m etl user`."""

from __future__ import annotations

import dataclasses
import json
import stat

import pytest

from app import users
from app.users import LockedOut, PermissionDenied, User, UserError

from .conftest import ROOT, run_etl

PASSWORD = "correct-horse-42"


@pytest.fixture()
def users_file(tmp_path, monkeypatch):
    path = tmp_path / "users.json"
    monkeypatch.setenv("DISPATCH_USERS", str(path))
    return path


def cli(*args, stdin: str = "", env_users=None):
    return run_etl("user", *args, env={"DISPATCH_USERS": str(env_users)} if env_users else None, stdin=stdin)


def test_hash_is_salted_scrypt_and_verifies_in_constant_time_compare():
    a, b = users.hash_password(PASSWORD), users.hash_password(PASSWORD)
    assert a["salt"] != b["salt"] and a["hash"] != b["hash"]
    assert users.verify_password(PASSWORD, a) and users.verify_password(PASSWORD, b)
    assert not users.verify_password(PASSWORD + "x", a)
    assert not users.verify_password(PASSWORD, {"salt": "zz"})  # a damaged entry never verifies


def test_cli_add_list_passwd_remove(users_file):
    r = cli("add", "王芳", "--role", "clerk", "--password-stdin", stdin=PASSWORD + "\n")
    assert r.returncode == 0, r.stderr
    assert "王芳" in r.stdout and PASSWORD not in r.stdout + r.stderr
    assert stat.S_IMODE(users_file.stat().st_mode) == 0o600
    text = users_file.read_text(encoding="utf-8")
    assert PASSWORD not in text
    entry = json.loads(text)["users"]["王芳"]
    assert entry["role"] == "clerk" and set(entry) >= {"salt", "hash", "n", "r", "p"}

    assert "王芳\tclerk" in cli("list").stdout
    assert cli("add", "王芳", "--password-stdin", stdin=PASSWORD + "\n").returncode == 1  # exists
    assert cli("add", "李四", "--password-stdin", stdin="short\n").returncode == 1  # too short
    assert cli("add", "李四", "--role", "boss", "--password-stdin", stdin=PASSWORD).returncode == 2

    assert users.authenticate("王芳", PASSWORD).role == "clerk"
    assert cli("passwd", "王芳", "--password-stdin", stdin="another-password\n").returncode == 0
    with pytest.raises(UserError):
        users.authenticate("王芳", PASSWORD)
    assert users.authenticate("王芳", "another-password").name == "王芳"

    assert cli("remove", "王芳").returncode == 0
    assert cli("remove", "王芳").returncode == 1
    assert "还没有账号" in cli("list").stdout


def test_cli_role_changes_a_role_and_a_signed_in_session_follows_it(users_file):
    users.add_user("王芳", "clerk", PASSWORD)
    session = users.authenticate("王芳", PASSWORD)
    assert users.can(session, "clerk")
    r = cli("role", "王芳", "viewer")
    assert r.returncode == 0 and "viewer" in r.stdout, r.stderr
    assert "王芳\tviewer" in cli("list").stdout
    assert not users.can(session, "clerk")  # the open session lost the right at once
    assert cli("role", "王芳", "boss").returncode == 2  # not a role
    assert cli("role", "李四", "clerk").returncode == 1  # no such user
    assert users.authenticate("王芳", PASSWORD).role == "viewer"


def test_cli_users_option_beats_nothing(tmp_path):
    path = tmp_path / "elsewhere.json"
    r = cli("--users", str(path), "add", "admin1", "--role", "admin", "--password-stdin", stdin=PASSWORD)
    assert r.returncode == 0, r.stderr
    assert users.list_users(path)[0]["role"] == "admin"


def test_hint_exits_0_and_says_how_to_create_the_first_clerk(users_file):
    r = cli("hint")
    assert r.returncode == 0
    assert "python -m etl user add" in r.stdout and "--role clerk" in r.stdout
    users.add_user("只读", "viewer", PASSWORD)
    assert "--role clerk" in cli("hint").stdout  # a viewer is not a clerk
    users.add_user("张三", "clerk", PASSWORD)
    r = cli("hint")
    assert r.returncode == 0 and r.stdout == ""
    users_file.write_text("{ broken", encoding="utf-8")
    r = cli("hint")
    assert r.returncode == 0 and "损坏" in r.stderr  # `make run` must still start


def test_make_run_calls_the_hint():
    assert "python -m etl user hint" in (ROOT / "Makefile").read_text(encoding="utf-8")


def test_lockout_after_max_failures_per_name_then_released(users_file, config):
    cfg = dataclasses.replace(config, auth={**config.auth, "max_failed_logins": 3, "lockout_seconds": 60})
    users.add_user("张三", "clerk", PASSWORD)
    t = 1_000_000.0
    for i in range(2):
        with pytest.raises(UserError, match=f"再错 {2 - i} 次"):
            users.authenticate("张三", "wrong-password", config=cfg, now=t + i)
    with pytest.raises(LockedOut, match="1 分钟"):
        users.authenticate("张三", "wrong-password", config=cfg, now=t + 2)
    # locked: even the right password is refused, and the message says how long
    with pytest.raises(LockedOut) as exc:
        users.authenticate("张三", PASSWORD, config=cfg, now=t + 12)
    assert exc.value.seconds == 50 and "50 秒" in str(exc.value)
    assert users.locked_for("张三", config=cfg, now=t + 12) == pytest.approx(50)
    # another name is not affected
    users.add_user("李四", "clerk", PASSWORD)
    assert users.authenticate("李四", PASSWORD, config=cfg, now=t + 12).name == "李四"
    # after the window the name may try again, and a success clears the count
    assert users.authenticate("张三", PASSWORD, config=cfg, now=t + 63).name == "张三"
    with pytest.raises(UserError, match="再错 2 次"):
        users.authenticate("张三", "wrong-password", config=cfg, now=t + 64)


def test_unknown_names_are_rate_limited_too_and_look_the_same(users_file, config):
    cfg = dataclasses.replace(config, auth={**config.auth, "max_failed_logins": 2, "lockout_seconds": 30})
    users.add_user("张三", "clerk", PASSWORD)
    with pytest.raises(UserError) as unknown:
        users.authenticate("nobody", "whatever-pass", config=cfg, now=10)
    with pytest.raises(UserError) as known:
        users.authenticate("张三", "whatever-pass", config=cfg, now=10)
    assert str(unknown.value) == str(known.value)
    with pytest.raises(LockedOut):
        users.authenticate("nobody", "whatever-pass", config=cfg, now=11)


def test_failed_passwords_are_not_written_anywhere(users_file):
    users.add_user("张三", "clerk", PASSWORD)
    with pytest.raises(UserError):
        users.authenticate("张三", "my-secret-typo")
    for f in users_file.parent.iterdir():
        assert "my-secret-typo" not in f.read_text(encoding="utf-8", errors="replace")
        assert PASSWORD not in f.read_text(encoding="utf-8", errors="replace")


def test_require_role_checks_the_token_and_reads_the_role_from_the_file(users_file):
    users.add_user("张三", "clerk", PASSWORD)
    users.add_user("管理员", "admin", PASSWORD)
    users.add_user("只读", "viewer", PASSWORD)
    clerk = users.authenticate("张三", PASSWORD)
    admin = users.authenticate("管理员", PASSWORD)
    viewer = users.authenticate("只读", PASSWORD)

    assert users.require_role(clerk, "clerk").name == "张三"
    assert users.require_role(admin, "clerk").role == "admin"  # admin may do a clerk's work
    for who, role in ((None, "clerk"), ("张三", "clerk"), (viewer, "clerk"), (clerk, "admin")):
        with pytest.raises(PermissionDenied):
            users.require_role(who, role)
    # a crafted session state: the right name with a raised role, or a made-up token
    with pytest.raises(PermissionDenied):
        users.require_role(User("张三", "admin", clerk.token), "admin")
    with pytest.raises(PermissionDenied, match="登录已失效"):
        users.require_role(User("管理员", "admin", "0" * 64), "clerk")
    with pytest.raises(PermissionDenied, match="登录已失效"):
        users.require_role(User("ghost", "admin", admin.token), "clerk")
    # a password change or a removal signs the old session out
    users.set_password("张三", "new-password-1")
    with pytest.raises(PermissionDenied, match="登录已失效"):
        users.require_role(clerk, "clerk")
    users.remove_user("管理员")
    assert not users.can(admin, "clerk")


def test_admin_functions_need_admin(users_file):
    users.add_user("张三", "clerk", PASSWORD)
    users.add_user("管理员", "admin", PASSWORD)
    clerk, admin = users.authenticate("张三", PASSWORD), users.authenticate("管理员", PASSWORD)
    with pytest.raises(PermissionDenied):
        users.admin_add_user(clerk, "新人", "clerk", PASSWORD)
    users.admin_add_user(admin, "新人", "clerk", PASSWORD)
    users.admin_set_password(admin, "新人", "changed-password")
    assert users.authenticate("新人", "changed-password").role == "clerk"
    with pytest.raises(UserError):
        users.admin_remove_user(admin, "管理员")  # not oneself
    users.admin_remove_user(admin, "新人")
    assert [u["name"] for u in users.list_users()] == ["张三", "管理员"]
    new = users.change_own_password(clerk, PASSWORD, "clerk-new-pass")
    assert users.require_role(new, "clerk") and not users.can(clerk, "clerk")


@pytest.mark.parametrize("bad", ["", "   ", "a b", "x" * 40, "tab\tname"])
def test_bad_names_are_refused(users_file, bad):
    with pytest.raises(UserError):
        users.add_user(bad, "clerk", PASSWORD)


def test_names_are_normalised(users_file):
    users.add_user(" ＡＢＣ ", "clerk", PASSWORD)  # full-width letters
    assert users.authenticate("ABC", PASSWORD).name == "ABC"

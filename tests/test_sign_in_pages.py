"""Sign-in in the app: [auth] require_login_to_view, the 登录 page, the sidebar box, and the admin's
account management (AppTest)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from app import users
from etl.config import default_config

from .conftest import ROOT
from .office_fixtures import ADMIN, CLERK, PASSWORD, VIEWER, load_week, sign_in, users_file  # noqa: F401


@pytest.fixture()
def login_required(tmp_path, monkeypatch):
    """The project's config with require_login_to_view = true."""
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    assert "require_login_to_view = false" in text
    path = tmp_path / "config.toml"
    path.write_text(
        text.replace("require_login_to_view = false", "require_login_to_view = true"), encoding="utf-8"
    )
    monkeypatch.setenv("DISPATCH_CONFIG", str(path))
    default_config.cache_clear()
    yield path
    default_config.cache_clear()


def app(user=None, page=None):
    at = AppTest.from_file(str(ROOT / (page or "dashboard.py")), default_timeout=60)
    if user is not None:
        at.session_state["user"] = user
    return at.run()


def titles(at):
    return [t.value for t in at.title]


def test_viewing_needs_no_sign_in_by_default(db_path, users_file):
    load_week(db_path, "2023-W37")
    at = app()
    assert not at.exception
    assert titles(at) and titles(at) != ["登录"]  # the overview, open to anyone
    assert any(b.label == "登录" for b in at.sidebar.button)  # the sidebar offers sign-in


def test_require_login_to_view_shows_only_the_sign_in_page(db_path, users_file, login_required):
    load_week(db_path, "2023-W37")
    at = app()
    assert not at.exception
    assert titles(at) == ["登录"]
    # the office's pages stop on their own too, when opened directly
    for page in ("pages/submissions.py", "pages/rankings.py"):
        direct = app(page=page)
        assert any("需要登录后查看" in i.value for i in direct.info)
        assert not direct.get("download_button") and not direct.dataframe
    # a viewer account may look
    at = app(sign_in(VIEWER))
    assert titles(at) != ["登录"]
    direct = app(sign_in(VIEWER), page="pages/rankings.py")
    assert titles(direct) == ["排名导出"] and direct.get("download_button")
    # a forged session is not a viewer
    at = app(users.User("路人", "viewer", "0" * 64))
    assert titles(at) == ["登录"]


def test_sign_in_page_signs_in_and_out(users_file):
    at = app(page="pages/account.py")
    at.text_input[0].set_value(CLERK)
    at.text_input[1].set_value(PASSWORD)
    next(b for b in at.button if b.label == "登录").click()
    at.run()
    assert f"已登录：{CLERK}（报送员）" in [s.value for s in at.success]
    assert "账号管理" not in [h.value for h in at.subheader]  # not an admin
    next(b for b in at.button if b.label == "退出登录").click()
    at.run()
    assert "user" not in at.session_state


def test_lockout_message_says_how_long(users_file):
    at = app(page="pages/account.py")
    limit = int(default_config().auth["max_failed_logins"])
    for _ in range(limit):
        at.text_input[0].set_value(CLERK)
        at.text_input[1].set_value("not-the-password")
        next(b for b in at.button if b.label == "登录").click()
        at.run()
    assert any("已暂时锁定" in e.value and "分钟" in e.value for e in at.error)


def test_admin_manages_accounts_in_the_app(users_file):
    at = app(sign_in(ADMIN), page="pages/account.py")
    assert "账号管理" in [h.value for h in at.subheader]
    names = at.dataframe[0].value["用户名"].tolist()
    assert set(names) == {CLERK, ADMIN, VIEWER}
    form = [t for t in at.text_input if t.label in ("用户名", "初始密码")]
    form[0].set_value("新报送员")
    form[1].set_value("new-clerk-pass")
    next(b for b in at.button if b.label == "新建").click()
    at.run()
    assert not at.exception
    assert "已创建「新报送员」。" in [s.value for s in at.success]
    assert users.authenticate("新报送员", "new-clerk-pass").role == "clerk"

    # a clerk sees no account management, and the function refuses anyway
    clerk = sign_in(CLERK)
    assert "账号管理" not in [h.value for h in app(clerk, page="pages/account.py").subheader]
    with pytest.raises(users.PermissionDenied):
        users.admin_add_user(clerk, "x1", "admin", "whatever-pass")

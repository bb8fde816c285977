"""Sign-in for the pages: who is signed in, a sign-in form, the sidebar account box.

Only presentation lives here; app.users checks passwords and roles. The User kept in session
state is a convenience for showing controls: the work functions check it again (token and role
from the users file), so editing session state cannot grant anything.
"""

from __future__ import annotations

import streamlit as st

from app import remember
from app.labels import catalogue, label, term
from app.users import PERMISSION_LABELS, ROLE_LABELS, LockedOut, User, UserError, authenticate, can
from etl.config import default_config

USER_KEY = "user"


def t(zh: str, **values) -> str:
    """A text in the sidebar switch's language (app.ui.t, without importing the pages' helpers)."""
    return label(zh, bool(st.session_state.get("en", False)), **values)


def error_text(exc: Exception) -> str:
    """An account error for the page: its English with the switch on (a message with values has
    none in the catalogue, and is said as not done, with the Chinese beside it)."""
    text = str(exc)
    if not st.session_state.get("en", False):
        return text
    english = catalogue().get(text)
    return english if english else f"{label('未完成', True)}: {text}"


def _role(role: str) -> str:
    return term(ROLE_LABELS.get(role, role), bool(st.session_state.get("en", False)))


def role_label(user) -> str:
    """The user's role as the status line shows it; a county account names its unit
    (单位报送员·青河县, as User.role_label)."""
    return f"{_role(user.role)}·{user.unit}" if user.unit else _role(user.role)


_RESTORED = "_signin_restored"  # the re-login cookie was looked at in this session


def current_user() -> User | None:
    user = st.session_state.get(USER_KEY)
    if user is None and not st.session_state.get(_RESTORED):
        # a reload or a shared link starts a new session: sign in again from the signed cookie
        st.session_state[_RESTORED] = True
        user = remember.restore()
        if user is not None:
            st.session_state[USER_KEY] = user
    return user if isinstance(user, User) else None


def sign_out() -> None:
    st.session_state.pop(USER_KEY, None)
    remember.forget()


def sign_in_form(key: str = "signin", container=None) -> User | None:
    """A small form; on success the user is kept in session state and the app reruns."""
    box = container or st
    with box.form(key, clear_on_submit=True):  # clear: the password must not linger in the widget
        name = st.text_input(t("用户名"), key=f"{key}_name")
        password = st.text_input(t("密码"), type="password", key=f"{key}_password")
        submitted = st.form_submit_button(t("登录"), type="primary")
    if submitted:
        try:
            st.session_state[USER_KEY] = user = authenticate(name, password)
        except (LockedOut, UserError) as exc:
            box.error(str(exc))
            return None
        remember.remember(user)
        st.rerun()
    return current_user()


def account_box() -> None:
    """In the sidebar: who is signed in and a sign-out button, or a sign-in form."""
    user = current_user()
    remember.send_pending()
    with st.sidebar:
        if user:
            st.caption(t("已登录：**{name}**（{role}）", name=user.name, role=role_label(user)))
            if st.button(t("退出登录"), key="signout"):
                sign_out()
                st.rerun()
        else:
            with st.expander(t("登录（报送员）"), expanded=False):
                sign_in_form("sidebar_signin")


def require_view() -> None:
    """When [auth] require_login_to_view is on, stop the page here for anyone not signed in."""
    if not default_config().auth.get("require_login_to_view"):
        return
    if current_user() and can(current_user(), "viewer"):
        return
    st.info(t("本看板需要登录后查看。"))
    sign_in_form("view_signin")
    st.stop()


def needs_role_notice(role: str, what: str, key: str) -> bool:
    """True when the signed-in user may do `what`; otherwise says why and offers sign-in."""
    user = current_user()
    if user and can(user, role):
        return True
    if user and not can(user, "viewer"):  # account removed or password changed meanwhile
        sign_out()
        st.warning(t("登录已失效（账号被删除或密码已修改），请重新登录。"))
        user = None
    en = bool(st.session_state.get("en", False))
    needed, doing = term(PERMISSION_LABELS[role], en), term(what, en)
    if user:
        st.warning(
            t(
                "{what}需要{needed}权限；当前账号「{name}」是{role}。请联系管理员，或换一个账号登录。",
                what=doing,
                needed=needed,
                name=user.name,
                role=role_label(user),
            )
        )
    else:
        st.info(t("{what}需要以{needed}身份登录。浏览数据不需要登录。", what=doing, needed=needed))
    with st.expander(t("登录"), expanded=not user):
        sign_in_form(f"signin_{key}")
    return False


def must_sign_in() -> bool:
    """[auth] require_login_to_view is on and nobody (valid) is signed in: show only the 登录 page."""
    if not default_config().auth.get("require_login_to_view"):
        return False
    user = current_user()
    return not (user and can(user, "viewer"))

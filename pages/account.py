"""登录: sign in and out, change one's own password, and (admin) manage accounts.
Accounts are also managed from the command line: `python -m etl user …`."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import remember, signin, users
from app.labels import N_
from app.signin import t
from app.users import ROLE_LABELS, LockedOut, PermissionDenied, UserError
from etl.config import default_config

config = default_config()


def role_name(role: str) -> str:
    """查看 / 单位报送员 / 报送员 / 管理员, glossed with the switch on."""
    return t(ROLE_LABELS.get(role, role))


st.title(t("登录"))

user = signin.current_user()
if user and not users.can(user, "viewer"):
    signin.sign_out()
    st.warning(t("登录已失效（账号被删除或密码已修改），请重新登录。"))
    user = None

if not user:
    st.markdown(
        t(
            "浏览看板不需要登录。上传调度表、恢复旧版本需要**报送员**账号（各县（市、区）和市直单位的"
            "**单位报送员**只能报送本单位的）；管理账号需要**管理员**账号。"
        )
    )
    signin.sign_in_form("page_signin")
    if not users.has_role_holder():
        st.info(
            t(
                "还没有报送员账号。请在服务器上运行：`python -m etl user add 姓名 --role clerk`（或 `--role admin`）。"
            )
        )
    st.stop()

st.success(t("已登录：{name}（{role}）", name=user.name, role=signin.role_label(user)))
if st.button(t("退出登录"), key="page_signout"):
    signin.sign_out()
    st.rerun()

with st.expander(t("修改我的密码")):
    with st.form("own_password", clear_on_submit=True):
        old = st.text_input(t("原密码"), type="password")
        new = st.text_input(t("新密码（至少 {n} 个字符）", n=users.MIN_PASSWORD_CHARS), type="password")
        again = st.text_input(t("再输一次新密码"), type="password")
        if st.form_submit_button(t("修改密码")):
            try:
                if new != again:
                    raise UserError(N_("两次输入的新密码不一致"))
                st.session_state[signin.USER_KEY] = user = users.change_own_password(user, old, new)
                remember.remember(user)  # the re-login cookie carries the new token
                st.success(t("密码已修改。"))
            except (UserError, LockedOut, PermissionDenied) as exc:
                st.error(signin.error_text(exc))

if users.can(user, "admin"):
    st.subheader(t("账号管理"))
    accounts = pd.DataFrame(users.list_users(), columns=["name", "role", "unit", "created_at", "updated_at"])
    accounts["role"] = accounts["role"].map(lambda r: f"{r}（{role_name(r)}）")
    accounts["unit"] = accounts["unit"].fillna("—")
    accounts.columns = [t("用户名"), t("角色"), t("报送单位"), t("创建时间"), t("修改时间")]
    st.dataframe(accounts, hide_index=True, width="stretch")
    c1, c2 = st.columns(2)
    with c1.form("add_user", clear_on_submit=True):
        st.markdown(f"**{t('新建账号')}**")
        name = st.text_input(t("用户名"))
        role = st.selectbox(t("角色"), users.ROLES, index=2, format_func=role_name)
        unit = st.selectbox(
            t("报送单位（仅单位报送员）"), ["", *config.units], format_func=lambda u: u or "—"
        )
        password = st.text_input(t("初始密码"), type="password")
        if st.form_submit_button(t("新建")):
            try:
                users.admin_add_user(user, name, role, password, unit=unit or None)
                st.success(t("已创建「{name}」。", name=users.normalize_name(name)))
            except (UserError, PermissionDenied) as exc:
                st.error(signin.error_text(exc))
    with c2.form("manage_user", clear_on_submit=True):
        st.markdown(f"**{t('重设密码或删除')}**")
        target = st.selectbox(t("账号"), [u["name"] for u in users.list_users()])
        password = st.text_input(t("新密码（删除时不用填）"), type="password")
        reset, remove = st.columns(2)
        do_reset = reset.form_submit_button(t("重设密码"))
        do_remove = remove.form_submit_button(t("删除账号"))
        try:
            if do_reset:
                users.admin_set_password(user, target, password)
                st.success(t("已重设「{name}」的密码。", name=target))
            elif do_remove:
                users.admin_remove_user(user, target)
                st.success(t("已删除「{name}」。", name=target))
        except (UserError, PermissionDenied) as exc:
            st.error(signin.error_text(exc))
    with st.form("user_role", clear_on_submit=True):
        st.markdown(t("**修改角色**（立即生效）"))
        r1, r2, r3 = st.columns(3)
        target = r1.selectbox(t("账号"), [u["name"] for u in users.list_users()], key="role_target")
        role = r2.selectbox(t("新角色"), users.ROLES, format_func=role_name, key="role_new")
        unit = r3.selectbox(
            t("报送单位（仅单位报送员）"),
            ["", *config.units],
            format_func=lambda u: u or "—",
            key="role_unit",
        )
        if st.form_submit_button(t("修改角色")):
            try:
                users.admin_set_role(user, target, role, unit=unit or None)
                changed = f"{role_name(role)}{('（' + unit + '）') if unit else ''}"
                st.success(t("已把「{name}」的角色改为{role}。", name=target, role=changed))
            except (UserError, PermissionDenied) as exc:
                st.error(signin.error_text(exc))

"""Users, roles and sign-in for the dashboard.

Viewing needs no account (unless [auth] require_login_to_view). Roles (app.user_store keeps the
accounts): `county` uploads and restores for the one reporting unit its account is bound to,
`clerk` (the office) for every unit, `admin` also manages users. `python -m etl user …` is
app.user_cli.

A signed-in user is a `User` carrying a token (an HMAC of the name and the account's salt under
the file's secret). The functions that do the work call `require_role` / `require_submitter`,
which check the token and read the role and unit from the file again, so a forged or stale
session state (another role or unit claimed, a removed account, a changed password) cannot upload
or restore anything.

Failed sign-ins are counted per user name (also names that do not exist, so a stranger cannot
tell which names are real) in a small file next to users.json: after [auth] max_failed_logins
failures within lockout_seconds the name is locked for lockout_seconds.

Every change of an account made through the app or the CLI is written to the warehouse's audit
trail (etl.audit) right after the users file.
"""

from __future__ import annotations

import hmac
import time
from dataclasses import dataclass
from pathlib import Path

from app.labels import N_
from app.user_store import (  # noqa: F401  (the accounts' API, re-exported)
    GRANTS,
    MAX_NAME_CHARS,
    MAX_PASSWORD_CHARS,
    MIN_PASSWORD_CHARS,
    PERMISSION_LABELS,
    ROLE_LABELS,
    ROLES,
    SCRYPT,
    UserError,
    _attempts_path,
    _dummy_entry,
    _load,
    _locked,
    _read_json,
    _token,
    _write_json,
    add_user,
    check_name,
    check_password,
    check_role,
    check_unit,
    has_role_holder,
    hash_password,
    list_users,
    normalize_name,
    remove_user,
    set_password,
    set_role,
    users_path,
    verify_password,
)
from etl.config import Config, default_config


class PermissionDenied(PermissionError):
    """The user may not do this; the message says why, in Chinese."""


class LockedOut(PermissionError):
    def __init__(self, name: str, seconds: float):
        self.seconds = max(1, int(seconds + 0.999))
        super().__init__(f"「{name}」登录失败次数过多，已暂时锁定，请 {wait_text(self.seconds)}后再试。")


@dataclass(frozen=True)
class User:
    name: str
    role: str
    token: str = ""
    unit: str | None = None  # the reporting unit of a county account

    @property
    def role_label(self) -> str:
        label = ROLE_LABELS.get(self.role, self.role)
        return f"{label}·{self.unit}" if self.unit else label


def wait_text(seconds: int) -> str:
    m, s = divmod(int(seconds), 60)
    return f"{m} 分 {s} 秒" if m and s else f"{m} 分钟" if m else f"{s} 秒"


# ---------------------------------------------------------------- sign-in


def _auth(config: Config | None) -> tuple[int, int]:
    a = (config or default_config()).auth
    return int(a.get("max_failed_logins", 5)), int(a.get("lockout_seconds", 300))


def _recent(times: list, now: float, window: int) -> list[float]:
    return [t for t in times if isinstance(t, (int, float)) and now - t < window]


def locked_for(
    name: str, path: Path | None = None, config: Config | None = None, now: float | None = None
) -> float:
    """Seconds left on the lock of this name (0 when it may try)."""
    path = Path(path or users_path(config))
    limit, window = _auth(config)
    now = time.time() if now is None else now
    fails = _recent(_read_json(_attempts_path(path), {}).get(normalize_name(name), []), now, window)
    if len(fails) < limit:
        return 0.0
    return max(0.0, fails[-1] + window - now)


def authenticate(
    name: str, password: str, path: Path | None = None, config: Config | None = None, now: float | None = None
) -> User:
    """Check a name and password; a signed User, or UserError / LockedOut with a Chinese message."""
    path = Path(path or users_path(config))
    limit, window = _auth(config)
    key = normalize_name(name)
    if not key or not password:
        raise UserError(N_("请输入用户名和密码"))
    attempts_file = _attempts_path(path)
    with _locked(path):
        now = time.time() if now is None else now
        attempts = _read_json(attempts_file, {})
        if not isinstance(attempts, dict):
            attempts = {}
        fails = _recent(attempts.get(key, []), now, window)
        if len(fails) >= limit and now - fails[-1] < window:
            raise LockedOut(key, fails[-1] + window - now)
        store = _load(path)
        entry = store["users"].get(key)
        ok = verify_password(password[:MAX_PASSWORD_CHARS], entry or _dummy_entry()) and entry is not None
        # keep the file small: forget every failure older than the window
        attempts = {
            k: r for k, v in attempts.items() if isinstance(v, list) and (r := _recent(v, now, window))
        }
        if ok:
            attempts.pop(key, None)
        else:
            attempts[key] = fails + [now]
        if ok or attempts_file.exists() or attempts:
            _write_json(attempts_file, attempts)
    if not ok:
        left = limit - len(attempts[key])
        if left <= 0:
            raise LockedOut(key, window)
        raise UserError(f"用户名或密码不对（再错 {left} 次将锁定 {wait_text(window)}）")
    return User(key, entry["role"], _token(store, key, entry), entry.get("unit"))


# ---------------------------------------------------------------- permission checks


def require_role(user, role: str, path: Path | None = None) -> User:
    """The user as the users file knows it now, if the session's token is genuine and the account
    (still) has `role`; else PermissionDenied saying why. Call this in every function that changes data."""
    if not isinstance(user, User) or not user.name:
        raise PermissionDenied(f"需要以{PERMISSION_LABELS[role]}身份登录后才能进行此操作。")
    path = Path(path or users_path())
    store = _load(path)
    entry = store["users"].get(user.name)
    if entry is None or not hmac.compare_digest(str(user.token), _token(store, user.name, entry)):
        raise PermissionDenied("登录已失效（账号被删除或密码已修改），请重新登录。")
    if role not in GRANTS.get(entry["role"], set()):
        raise PermissionDenied(
            f"「{user.name}」的角色是{ROLE_LABELS.get(entry['role'], entry['role'])}，"
            f"此操作需要{PERMISSION_LABELS[role]}权限。"
        )
    return User(user.name, entry["role"], user.token, entry.get("unit"))


def require_submitter(user, unit: str | None = None, path: Path | None = None) -> tuple[User, str | None]:
    """(the user as the file knows it, the one unit they may submit for or None for every unit).

    A county account submits for its own unit only; when `unit` is named (a restore) and it is
    another one, PermissionDenied. The unit comes from the users file, never from the session."""
    user = require_role(user, "submit", path)
    if user.role != "county":
        return user, None
    if not user.unit or user.unit not in default_config().units:
        raise PermissionDenied(f"「{user.name}」没有绑定有效的报送单位，请联系管理员。")
    if unit is not None and unit != user.unit:
        raise PermissionDenied(f"「{user.name}」只能处理{user.unit}的报送，不能处理{unit}的。")
    return user, user.unit


def can(user, role: str, path: Path | None = None) -> bool:
    """For showing or hiding controls only; the work itself calls require_role."""
    try:
        require_role(user, role, path)
    except (PermissionDenied, UserError):
        return False
    return True


# ---------------------------------------------------------------- the app's user management: the
# same functions behind an admin check, each change written to the audit trail


def _unit_of(name: str, path: Path | None) -> str | None:
    return next((u["unit"] for u in list_users(path) if u["name"] == normalize_name(name)), None)


def audit_user_change(actor: str, action: str, name: str, unit: str | None, detail: str = "") -> None:
    """One audit row for a change of the users file (etl.audit, in the warehouse)."""
    from etl import audit

    audit.record_user_change(actor, action, normalize_name(name), unit=unit, detail=detail)


def admin_add_user(
    actor, name: str, role: str, password: str, path: Path | None = None, unit: str | None = None
) -> User:
    actor = require_role(actor, "admin", path)
    name = add_user(name, role, password, path, unit)
    unit = _unit_of(name, path)
    audit_user_change(actor.name, "user_add", name, unit, f"角色 {role}（{ROLE_LABELS[role]}）")
    return User(name, role, unit=unit)


def admin_set_role(actor, name: str, role: str, path: Path | None = None, unit: str | None = None) -> None:
    actor = require_role(actor, "admin", path)
    if normalize_name(name) == actor.name and role != "admin":
        raise UserError(N_("不能取消自己正在使用的账号的管理员角色"))
    set_role(name, role, path, unit)
    audit_user_change(
        actor.name, "user_role", name, _unit_of(name, path), f"角色改为 {role}（{ROLE_LABELS[role]}）"
    )


def admin_remove_user(actor, name: str, path: Path | None = None) -> None:
    actor = require_role(actor, "admin", path)
    if normalize_name(name) == actor.name:
        raise UserError(N_("不能删除自己正在使用的账号"))
    unit = _unit_of(name, path)
    remove_user(name, path)
    audit_user_change(actor.name, "user_remove", name, unit, "删除账号")


def admin_set_password(actor, name: str, password: str, path: Path | None = None) -> None:
    actor = require_role(actor, "admin", path)
    set_password(name, password, path)
    audit_user_change(actor.name, "user_password", name, _unit_of(name, path), "管理员重设密码")


def change_own_password(
    user, old: str, new: str, path: Path | None = None, config: Config | None = None
) -> User:
    """A signed-in user changes their own password; returns the new signed User."""
    user = require_role(user, "viewer", path)
    authenticate(user.name, old, path, config)
    set_password(user.name, new, path)
    audit_user_change(user.name, "user_password", user.name, user.unit, "本人修改密码")
    return authenticate(user.name, new, path, config)

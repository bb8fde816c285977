"""Users, roles and sign-in for the dashboard, and `python -m etl user …`.

Viewing needs no account (unless [auth] require_login_to_view); uploading and restoring need the
role `clerk`, managing users needs `admin` (who may also do what a clerk does). Accounts live
outside git in data/users.json ([paths] users, or $DISPATCH_USERS): name, role and an scrypt hash
with its own random salt. Passwords are never stored, printed or logged.

A signed-in user is a `User` carrying a token (an HMAC of the name and the account's salt under
the file's secret). The functions that do the work call `require_role`, which checks the token and
reads the role from the file again, so a forged or stale session state (a renamed role, a removed
account, a changed password) cannot upload or restore anything.

Failed sign-ins are counted per user name (also names that do not exist, so a stranger cannot
tell which names are real) in a small file next to users.json: after [auth] max_failed_logins
failures within lockout_seconds the name is locked for lockout_seconds.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import getpass
import hashlib
import hmac
import json
import os
import secrets
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from etl.config import Config, default_config

ROLES = ("viewer", "clerk", "admin")
ROLE_LABELS = {"viewer": "查看", "clerk": "报送员", "admin": "管理员"}
# What each role may do; admin includes everything a clerk may do.
GRANTS = {"viewer": {"viewer"}, "clerk": {"viewer", "clerk"}, "admin": {"viewer", "clerk", "admin"}}
MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_CHARS = 256
MAX_NAME_CHARS = 32
# scrypt cost: n=2**14, r=8 takes ~50 ms and 16 MiB, fine for a handful of sign-ins a day.
SCRYPT = {"n": 2**14, "r": 8, "p": 1}
DKLEN = 32


class UserError(ValueError):
    """Something about an account the caller asked for is wrong; the message is Chinese."""


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

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)


def wait_text(seconds: int) -> str:
    m, s = divmod(int(seconds), 60)
    return f"{m} 分 {s} 秒" if m and s else f"{m} 分钟" if m else f"{s} 秒"


# ---------------------------------------------------------------- where and how accounts are kept


def users_path(config: Config | None = None) -> Path:
    """$DISPATCH_USERS beats the config's [paths] users (data/users.json)."""
    env = os.environ.get("DISPATCH_USERS")
    if env:
        return Path(env)
    return (config or default_config()).resolve("users")


def _attempts_path(path: Path) -> Path:
    return path.with_name(path.name + ".attempts")


def normalize_name(name: str) -> str:
    """One spelling per name: NFKC (full-width letters to ASCII), no surrounding spaces."""
    return unicodedata.normalize("NFKC", name or "").strip()


def check_name(name: str) -> str:
    name = normalize_name(name)
    if not name:
        raise UserError("用户名不能为空")
    if len(name) > MAX_NAME_CHARS:
        raise UserError(f"用户名最长 {MAX_NAME_CHARS} 个字符")
    if any(ch.isspace() or unicodedata.category(ch).startswith("C") for ch in name):
        raise UserError("用户名不能包含空格或控制字符")
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UserError(
            f"角色只能是 {'、'.join(ROLES)}（{'、'.join(ROLE_LABELS.values())}），不能是「{role}」"
        )
    return role


def check_password(password: str) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_CHARS:
        raise UserError(f"密码至少 {MIN_PASSWORD_CHARS} 个字符")
    if len(password) > MAX_PASSWORD_CHARS:
        raise UserError(f"密码最长 {MAX_PASSWORD_CHARS} 个字符")
    return password


def hash_password(password: str, salt: bytes | None = None, **cost) -> dict:
    salt = salt or secrets.token_bytes(16)
    params = {**SCRYPT, **cost}
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=DKLEN, **params)
    return {"salt": salt.hex(), "hash": digest.hex(), **params}


def verify_password(password: str, entry: dict) -> bool:
    try:
        digest = hashlib.scrypt(
            password.encode("utf-8"),
            salt=bytes.fromhex(entry["salt"]),
            dklen=DKLEN,
            n=int(entry["n"]),
            r=int(entry["r"]),
            p=int(entry["p"]),
        )
    except (KeyError, ValueError, TypeError):
        return False
    return hmac.compare_digest(digest.hex(), str(entry.get("hash", "")))


# A hash to check against when the name does not exist, so that both cases take the same time.
_DUMMY = None


def _dummy_entry() -> dict:
    global _DUMMY
    if _DUMMY is None:
        _DUMMY = hash_password(secrets.token_hex(16))
    return _DUMMY


@contextlib.contextmanager
def _locked(path: Path):
    """An exclusive lock for read-modify-write of the users file (CLI and app may both write)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _read_json(path: Path, default):
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return default
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"账号文件已损坏，无法读取：{path}（{exc.msg}，第 {exc.lineno} 行）") from None


def _write_json(path: Path, data) -> None:
    """Atomically, readable by the owner only (it holds password hashes)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1)
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _load(path: Path) -> dict:
    data = _read_json(path, None)
    if data is None:
        return {"version": 1, "secret": secrets.token_hex(32), "users": {}}
    if not isinstance(data, dict) or not isinstance(data.get("users"), dict) or "secret" not in data:
        raise UserError(f"账号文件格式不对：{path}")
    return data


def _now() -> str:
    return dt.datetime.now().replace(microsecond=0).isoformat(sep=" ")


def _token(store: dict, name: str, entry: dict) -> str:
    # The salt changes with every password change, so changing a password signs everyone out.
    msg = f"{name}\n{entry['salt']}".encode()
    return hmac.new(bytes.fromhex(store["secret"]), msg, hashlib.sha256).hexdigest()


# ---------------------------------------------------------------- account management (no role check:
# the CLI runs with file access to data/; the app goes through the admin_* wrappers below)


def list_users(path: Path | None = None) -> list[dict]:
    """[{name, role, created_at, updated_at}] in name order; never the hashes."""
    store = _load(Path(path or users_path()))
    return [
        {"name": n, "role": e["role"], "created_at": e.get("created_at"), "updated_at": e.get("updated_at")}
        for n, e in sorted(store["users"].items())
    ]


def add_user(name: str, role: str, password: str, path: Path | None = None) -> User:
    name, role = check_name(name), check_role(role)
    check_password(password)
    path = Path(path or users_path())
    with _locked(path):
        store = _load(path)
        if name in store["users"]:
            raise UserError(f"用户「{name}」已存在（改密码用 user passwd，改角色用 user role）")
        store["users"][name] = {
            "role": role,
            **hash_password(password),
            "created_at": _now(),
            "updated_at": _now(),
        }
        _write_json(path, store)
    return User(name, role)


def remove_user(name: str, path: Path | None = None) -> None:
    name = normalize_name(name)
    path = Path(path or users_path())
    with _locked(path):
        store = _load(path)
        if name not in store["users"]:
            raise UserError(f"没有用户「{name}」")
        del store["users"][name]
        _write_json(path, store)


def set_password(name: str, password: str, path: Path | None = None) -> None:
    check_password(password)
    _update_user(normalize_name(name), path, **hash_password(password))


def set_role(name: str, role: str, path: Path | None = None) -> None:
    """A new role, in force at the user's next action (roles are read from the file every time)."""
    _update_user(normalize_name(name), path, role=check_role(role))


def _update_user(name: str, path: Path | None, **changes) -> None:
    path = Path(path or users_path())
    with _locked(path):
        store = _load(path)
        entry = store["users"].get(name)
        if entry is None:
            raise UserError(f"没有用户「{name}」")
        entry.update(changes, updated_at=_now())
        _write_json(path, store)


def has_role_holder(roles=("clerk", "admin"), path: Path | None = None) -> bool:
    return any(u["role"] in roles for u in list_users(path))


# ---------------------------------------------------------------- sign-in and permission checks


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
        raise UserError("请输入用户名和密码")
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
    return User(key, entry["role"], _token(store, key, entry))


def require_role(user, role: str, path: Path | None = None) -> User:
    """The user as the users file knows it now, if the session's token is genuine and the account
    (still) has `role`; else PermissionDenied saying why. Call this in every function that changes data."""
    if not isinstance(user, User) or not user.name:
        raise PermissionDenied(f"需要以{ROLE_LABELS[role]}身份登录后才能进行此操作。")
    path = Path(path or users_path())
    store = _load(path)
    entry = store["users"].get(user.name)
    if entry is None or not hmac.compare_digest(str(user.token), _token(store, user.name, entry)):
        raise PermissionDenied("登录已失效（账号被删除或密码已修改），请重新登录。")
    if role not in GRANTS.get(entry["role"], set()):
        raise PermissionDenied(
            f"「{user.name}」的角色是{ROLE_LABELS.get(entry['role'], entry['role'])}，"
            f"此操作需要{ROLE_LABELS[role]}权限。"
        )
    return User(user.name, entry["role"], user.token)


def can(user, role: str, path: Path | None = None) -> bool:
    """For showing or hiding controls only; the work itself calls require_role."""
    try:
        require_role(user, role, path)
    except (PermissionDenied, UserError):
        return False
    return True


# The app's user management: the same functions behind an admin check.


def admin_add_user(actor, name: str, role: str, password: str, path: Path | None = None) -> User:
    require_role(actor, "admin", path)
    return add_user(name, role, password, path)


def admin_remove_user(actor, name: str, path: Path | None = None) -> None:
    actor = require_role(actor, "admin", path)
    if normalize_name(name) == actor.name:
        raise UserError("不能删除自己正在使用的账号")
    remove_user(name, path)


def admin_set_password(actor, name: str, password: str, path: Path | None = None) -> None:
    require_role(actor, "admin", path)
    set_password(name, password, path)


def change_own_password(
    user, old: str, new: str, path: Path | None = None, config: Config | None = None
) -> User:
    """A signed-in user changes their own password; returns the new signed User."""
    user = require_role(user, "viewer", path)
    authenticate(user.name, old, path, config)
    set_password(user.name, new, path)
    return authenticate(user.name, new, path, config)


# ---------------------------------------------------------------- command line


def add_parser(sub) -> None:
    p = sub.add_parser(
        "user",
        help="管理登录账号（报送员、管理员）",
        description="管理看板的登录账号。账号保存在 data/users.json（或 $DISPATCH_USERS），"
        "不进 git；只保存密码的 scrypt 散列。角色：viewer 查看、clerk 报送员（可上传、恢复）、"
        "admin 管理员（另可管理账号）。",
    )
    p.add_argument("--users", help="账号文件（默认 data/users.json 或 $DISPATCH_USERS）")
    cmds = p.add_subparsers(dest="action", metavar="ACTION", parser_class=type(p))
    a = cmds.add_parser(
        "add",
        help="新建账号",
        description="新建账号；密码交互输入两次，或用 --password-stdin 从标准输入读一行。",
    )
    a.add_argument("name", metavar="NAME", help="用户名")
    a.add_argument("--role", default="clerk", choices=ROLES, help="角色（默认 clerk）")
    a.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（供脚本使用）")
    cmds.add_parser("list", help="列出账号", description="列出账号和角色（不显示密码）。")
    r = cmds.add_parser("remove", help="删除账号", description="删除账号。")
    r.add_argument("name", metavar="NAME")
    w = cmds.add_parser("passwd", help="重设密码", description="重设某账号的密码。")
    w.add_argument("name", metavar="NAME")
    w.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（供脚本使用）")
    o = cmds.add_parser("role", help="改角色", description="改变某账号的角色，立即生效。")
    o.add_argument("name", metavar="NAME")
    o.add_argument("role", metavar="ROLE", choices=ROLES, help="viewer、clerk 或 admin")
    cmds.add_parser(
        "hint", help="还没有报送员时，提示如何创建", description="还没有报送员账号时，打印创建方法。"
    )
    p.set_defaults(func=run, parser=p)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    first = getpass.getpass("密码：")
    if getpass.getpass("再输一次：") != first:
        raise UserError("两次输入的密码不一致")
    return first


def _hint(path: Path) -> int:
    # `make run` calls this before starting the app: it must never fail the run.
    try:
        users = list_users(path)
    except (UserError, OSError) as exc:
        print(f"注意：{exc}", file=sys.stderr)
        return 0
    if any(u["role"] in ("clerk", "admin") for u in users):
        return 0
    print(
        "提示：还没有报送员账号，看板可以浏览，但不能上传或恢复数据。创建第一个账号：\n"
        f"    .venv/bin/python -m etl user add 管理员 --role admin\n"
        f"    .venv/bin/python -m etl user add 报送员 --role clerk\n"
        f"（会提示输入密码；账号保存在 {path}）"
    )
    return 0


def run(args) -> int:
    path = Path(args.users) if args.users else users_path()
    if not args.action:
        args.parser.print_help()
        return 2
    try:
        if args.action == "hint":
            return _hint(path)
        if args.action == "list":
            users = list_users(path)
            if not users:
                print(f"还没有账号（{path}）。")
                return 0
            for u in users:
                print(f"{u['name']}\t{u['role']}（{ROLE_LABELS[u['role']]}）\t创建于 {u['created_at']}")
            return 0
        if args.action == "add":
            name, role = check_name(args.name), check_role(args.role)
            if name in {u["name"] for u in list_users(path)}:
                raise UserError(f"用户「{name}」已存在")
            add_user(name, role, _read_password(args.password_stdin), path)
            print(f"已创建账号「{name}」，角色 {role}（{ROLE_LABELS[role]}）→ {path}")
            return 0
        if args.action == "remove":
            remove_user(args.name, path)
            print(f"已删除账号「{normalize_name(args.name)}」")
            return 0
        if args.action == "role":
            set_role(args.name, args.role, path)
            print(f"已把「{normalize_name(args.name)}」的角色改为 {args.role}（{ROLE_LABELS[args.role]}）")
            return 0
        if args.action == "passwd":
            name = normalize_name(args.name)
            if name not in {u["name"] for u in list_users(path)}:
                raise UserError(f"没有用户「{name}」")
            set_password(name, _read_password(args.password_stdin), path)
            print(f"已重设「{name}」的密码（该账号已登录的会话需重新登录）")
            return 0
    except UserError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    except (EOFError, KeyboardInterrupt):
        print("\n已取消。", file=sys.stderr)
        return 1
    return 2

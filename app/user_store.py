"""Where and how accounts are kept: data/users.json ([paths] users, or $DISPATCH_USERS), outside
git, with each account's role, the reporting unit of a county account, and an scrypt hash with its
own random salt. Passwords are never stored, printed or logged.

These functions do no role check: the CLI runs with file access to data/; the app goes through
the admin_* wrappers of app.users."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import hmac
import json
import os
import secrets
import tempfile
import unicodedata
from pathlib import Path

from app.labels import N_
from etl.config import Config, default_config

ROLES = ("viewer", "county", "clerk", "admin")
ROLE_LABELS = {"viewer": "查看", "county": "单位报送员", "clerk": "报送员", "admin": "管理员"}
# What each role may do. `submit`: upload and restore, for every unit or (county) for its own one;
# `clerk`: the office's rights over every unit; admin includes everything a clerk may do.
GRANTS = {
    "viewer": {"viewer"},
    "county": {"viewer", "submit"},
    "clerk": {"viewer", "submit", "clerk"},
    "admin": {"viewer", "submit", "clerk", "admin"},
}
PERMISSION_LABELS = {**ROLE_LABELS, "submit": "报送员"}
MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_CHARS = 256
MAX_NAME_CHARS = 32
# scrypt cost: dear for someone guessing, cheap for a handful of sign-ins a day (docs/performance.md)
SCRYPT = {"n": 2**14, "r": 8, "p": 1}
DKLEN = 32


class UserError(ValueError):
    """Something about an account the caller asked for is wrong; the message is Chinese."""


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
        raise UserError(N_("用户名不能为空"))
    if len(name) > MAX_NAME_CHARS:
        raise UserError(f"用户名最长 {MAX_NAME_CHARS} 个字符")
    if any(ch.isspace() or unicodedata.category(ch).startswith("C") for ch in name):
        raise UserError(N_("用户名不能包含空格或控制字符"))
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UserError(
            f"角色只能是 {'、'.join(ROLES)}（{'、'.join(ROLE_LABELS.values())}），不能是「{role}」"
        )
    return role


def check_unit(role: str, unit: str | None, config: Config | None = None) -> str | None:
    """A county account is bound to exactly one configured reporting unit; other roles to none."""
    unit = normalize_name(unit or "") or None
    if role != "county":
        if unit:
            raise UserError(f"只有单位报送员（county）绑定报送单位；{ROLE_LABELS[role]}可以处理所有单位")
        return None
    units = (config or default_config()).units
    if not unit:
        raise UserError(N_("单位报送员必须指定报送单位（命令行用 --unit，如 --unit 青河县）"))
    if unit not in units:
        raise UserError(f"报送单位「{unit}」不在 config.toml 的单位名单中（{'、'.join(units)}）")
    return unit


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
    """[{name, role, unit, created_at, updated_at}] in name order; never the hashes."""
    store = _load(Path(path or users_path()))
    return [
        {
            "name": n,
            "role": e["role"],
            "unit": e.get("unit"),
            "created_at": e.get("created_at"),
            "updated_at": e.get("updated_at"),
        }
        for n, e in sorted(store["users"].items())
    ]


def add_user(name: str, role: str, password: str, path: Path | None = None, unit: str | None = None) -> str:
    """Create an account; returns its (normalised) name."""
    name, role = check_name(name), check_role(role)
    unit = check_unit(role, unit)
    check_password(password)
    path = Path(path or users_path())
    with _locked(path):
        store = _load(path)
        if name in store["users"]:
            raise UserError(f"用户「{name}」已存在（改密码用 user passwd，改角色用 user role）")
        store["users"][name] = {
            "role": role,
            **({"unit": unit} if unit else {}),
            **hash_password(password),
            "created_at": _now(),
            "updated_at": _now(),
        }
        _write_json(path, store)
    return name


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


def set_role(name: str, role: str, path: Path | None = None, unit: str | None = None) -> None:
    """A new role (and unit), in force at the user's next action (read from the file every time)."""
    role = check_role(role)
    _update_user(normalize_name(name), path, role=role, unit=check_unit(role, unit))


def _update_user(name: str, path: Path | None, **changes) -> None:
    path = Path(path or users_path())
    with _locked(path):
        store = _load(path)
        entry = store["users"].get(name)
        if entry is None:
            raise UserError(f"没有用户「{name}」")
        entry.update(changes, updated_at=_now())
        if entry.get("unit") is None:
            entry.pop("unit", None)
        _write_json(path, store)


def has_role_holder(roles=("clerk", "admin"), path: Path | None = None) -> bool:
    return any(u["role"] in roles for u in list_users(path))

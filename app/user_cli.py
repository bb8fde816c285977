"""`python -m etl user …`: create, list, change and remove the dashboard's accounts (app.user_store).

Each change is written to the warehouse's audit trail with the system user who ran the command."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

from app import user_store as store
from etl.cli import command


def add_parser(sub) -> None:
    p = command(
        sub,
        "user",
        run,
        help="管理登录账号（单位报送员、报送员、管理员）",
        description="管理看板的登录账号。账号保存在 data/users.json（或 $DISPATCH_USERS），"
        "不进 git；只保存密码的 scrypt 散列。角色：viewer 查看、county 单位报送员（只能报送、恢复"
        "自己单位的调度表，用 --unit 绑定单位）、clerk 报送员（办公室，可上传、恢复所有单位）、"
        "admin 管理员（另可管理账号）。每次改动都记入操作记录（python -m etl audit）。",
    )
    p.add_argument("--users", help="账号文件（默认 data/users.json 或 $DISPATCH_USERS）")
    cmds = p.add_subparsers(dest="action", metavar="ACTION", parser_class=type(p))
    a = cmds.add_parser(
        "add",
        help="新建账号",
        description="新建账号；密码交互输入两次，或用 --password-stdin 从标准输入读一行。"
        "单位报送员：--role county --unit 青河县。",
    )
    a.add_argument("name", metavar="NAME", help="用户名")
    a.add_argument("--role", default="clerk", choices=store.ROLES, help="角色（默认 clerk）")
    a.add_argument("--unit", help="单位报送员（county）的报送单位，须是 config.toml 中的单位")
    a.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（供脚本使用）")
    cmds.add_parser("list", help="列出账号", description="列出账号、角色和报送单位（不显示密码）。")
    r = cmds.add_parser("remove", help="删除账号", description="删除账号。")
    r.add_argument("name", metavar="NAME")
    w = cmds.add_parser("passwd", help="重设密码", description="重设某账号的密码。")
    w.add_argument("name", metavar="NAME")
    w.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（供脚本使用）")
    o = cmds.add_parser("role", help="改角色", description="改变某账号的角色（和报送单位），立即生效。")
    o.add_argument("name", metavar="NAME")
    o.add_argument("role", metavar="ROLE", choices=store.ROLES, help="viewer、county、clerk 或 admin")
    o.add_argument("--unit", help="改为 county 时的报送单位")
    cmds.add_parser(
        "hint", help="还没有报送员时，提示如何创建", description="还没有报送员账号时，打印创建方法。"
    )
    p.set_defaults(parser=p)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    first = getpass.getpass("密码：")
    if getpass.getpass("再输一次：") != first:
        raise store.UserError("两次输入的密码不一致")
    return first


def _hint(path: Path) -> int:
    # `make run` calls this before starting the app: it must never fail the run.
    try:
        users = store.list_users(path)
    except (store.UserError, OSError) as exc:
        print(f"注意：{exc}", file=sys.stderr)
        return 0
    if any(u["role"] in ("clerk", "admin") for u in users):
        return 0
    print(
        "提示：还没有报送员账号，看板可以浏览，但不能上传或恢复数据。创建第一个账号：\n"
        f"    .venv/bin/python -m etl user add 管理员 --role admin\n"
        f"    .venv/bin/python -m etl user add 报送员 --role clerk\n"
        f"    .venv/bin/python -m etl user add 青河县报送员 --role county --unit 青河县\n"
        f"（会提示输入密码；账号保存在 {path}）"
    )
    return 0


def _role_text(role: str, unit: str | None) -> str:
    return f"{role}（{store.ROLE_LABELS.get(role, role)}{'，' + unit if unit else ''}）"


def _audit(action: str, name: str, unit: str | None, detail: str) -> None:
    from etl import audit

    audit.record_user_change(getpass.getuser(), action, name, unit=unit, detail="命令行：" + detail)


def run(args) -> int:
    path = Path(args.users) if args.users else store.users_path()
    if not args.action:
        args.parser.print_help()
        return 2
    try:
        if args.action == "hint":
            return _hint(path)
        if args.action == "list":
            users = store.list_users(path)
            if not users:
                print(f"还没有账号（{path}）。")
                return 0
            for u in users:
                print(f"{u['name']}\t{_role_text(u['role'], u['unit'])}\t创建于 {u['created_at']}")
            return 0
        if args.action == "add":
            name, role = store.check_name(args.name), store.check_role(args.role)
            unit = store.check_unit(role, args.unit)
            if name in {u["name"] for u in store.list_users(path)}:
                raise store.UserError(f"用户「{name}」已存在")
            store.add_user(name, role, _read_password(args.password_stdin), path, unit)
            _audit("user_add", name, unit, f"角色 {_role_text(role, unit)}")
            print(f"已创建账号「{name}」，角色 {_role_text(role, unit)} → {path}")
            return 0
        if args.action == "remove":
            name = store.normalize_name(args.name)
            unit = next((u["unit"] for u in store.list_users(path) if u["name"] == name), None)
            store.remove_user(name, path)
            _audit("user_remove", name, unit, "删除账号")
            print(f"已删除账号「{name}」")
            return 0
        if args.action == "role":
            name, unit = store.normalize_name(args.name), store.check_unit(args.role, args.unit)
            store.set_role(name, args.role, path, unit)
            _audit("user_role", name, unit, f"角色改为 {_role_text(args.role, unit)}")
            print(f"已把「{name}」的角色改为 {_role_text(args.role, unit)}")
            return 0
        if args.action == "passwd":
            name = store.normalize_name(args.name)
            entry = next((u for u in store.list_users(path) if u["name"] == name), None)
            if entry is None:
                raise store.UserError(f"没有用户「{name}」")
            store.set_password(name, _read_password(args.password_stdin), path)
            _audit("user_password", name, entry["unit"], "重设密码")
            print(f"已重设「{name}」的密码（该账号已登录的会话需重新登录）")
            return 0
    except store.UserError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    except (EOFError, KeyboardInterrupt):
        print("\n已取消。", file=sys.stderr)
        return 1
    return 2

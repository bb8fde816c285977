"""`python -m etl COMMAND`: each command lives in its own module, which defines
add_parser(subparsers) and a run(args) -> exit code (0 ok, 1 some input rejected, 2 usage).

The shapes every command shares live here too: `command` (its parser), `week_output_command` (one
week written into --out: `rankings`, `bulletin`), `add_db_option`,
`week_option` (a typed week, or a usage error), and UsageError, which main turns into
"参数错误：…" and exit code 2."""

from __future__ import annotations

import argparse
import importlib
import sys

from .config import ConfigError, default_config
from .weeks import WeekError, parse_week

DB_HELP = "数据库文件（默认 data/warehouse.duckdb 或 $DISPATCH_DB）"
WEEK_HELP = "统计周，如 2023-W45"

# command -> module; imported only when used, so `--help` and small commands start fast.
COMMANDS = {
    "template": "etl.template",
    "load": "etl.load_cli",
    "demo": "etl.demo",
    "status": "etl.status",
    "rankings": "etl.export",
    "user": "app.user_cli",
    "backup": "etl.backup",
    "bulletin": "app.bulletin_cli",
    "audit": "etl.audit",
    "forms": "etl.forms_cli",
}


class UsageError(ValueError):
    """A wrong argument found while a command runs: main prints 参数错误：<message> and exits 2."""


def command(subparsers, name: str, run, *, help: str, description: str) -> argparse.ArgumentParser:
    """A command's parser, which runs `run(args)`."""
    p = subparsers.add_parser(name, help=help, description=description)
    p.set_defaults(func=run)
    return p


def week_output_command(
    subparsers, name: str, run, *, help: str, description: str, out: str
) -> argparse.ArgumentParser:
    """A command that writes what one week gives into --out: --week and --out required, --db."""
    p = command(subparsers, name, run, help=help, description=description)
    add_week_option(p, required=True)
    p.add_argument("--out", required=True, help=out)
    add_db_option(p)
    return p


def add_db_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", help=DB_HELP)


def add_week_option(p: argparse.ArgumentParser, *, required: bool = False, help: str = WEEK_HELP) -> None:
    p.add_argument("--week", required=required, help=help)


def week_option(text, config=None, *, option: str = "", within_campaign: bool = True) -> str:
    """The week a person typed for an option (etl.weeks.parse_week), or UsageError saying why not."""
    try:
        return parse_week(text, config, within_campaign=within_campaign)
    except WeekError as exc:
        raise UsageError(f"{option}：{exc}" if option else str(exc)) from None


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # usage errors exit 2, in the user's language
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: 参数错误：{message}\n")


def build_parser(commands=COMMANDS) -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m etl", description="主题教育周调度表：模板、导入、演示数据、排名导出、报送情况。"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module in commands.values():
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue  # a command whose module has not landed yet
        mod.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # a named command needs only its own module (`etl load` does not import pandas); help lists all
    named = argv[0] if argv and argv[0] in COMMANDS else None
    parser = build_parser({named: COMMANDS[named]} if named else COMMANDS)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    if not (named == "forms" and getattr(args, "forms_command", None) == "check"):
        # nothing runs on a broken config: every mistake, one line each (`forms check` lists them too)
        try:
            default_config()
        except ConfigError as exc:
            print(
                f"配置有误（{len(exc.lines)} 处），未执行。请改正后再试（可运行 python -m etl forms check）：",
                file=sys.stderr,
            )
            for line in exc.lines:
                print("  " + line, file=sys.stderr)
            return 2
    try:
        return int(args.func(args) or 0)
    except UsageError as exc:
        print(f"参数错误：{exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `python -m etl status | head`
        sys.stderr.close()
        return 0

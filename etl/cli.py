"""`python -m etl COMMAND`: each command lives in its own module, which defines
add_parser(subparsers) and a run(args) -> exit code (0 ok, 1 some input rejected, 2 usage)."""

from __future__ import annotations

import argparse
import importlib
import sys

# command -> module; imported only when used, so `--help` and small commands start fast.
COMMANDS = {
    "template": "etl.template",
    "load": "etl.load",
    "demo": "etl.demo",
    "status": "etl.status",
    "rankings": "etl.export",
    "user": "app.user_cli",
    "backup": "etl.backup",
    "bulletin": "app.bulletin",
    "audit": "etl.audit",
}


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
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `python -m etl status | head`
        sys.stderr.close()
        return 0

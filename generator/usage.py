"""Chinese wording for mistakes on the ``kb`` command line.

click words its usage errors in English. Editors who mistype an option or a
kind of entry should read what went wrong in Chinese, so each kind of usage
error is reworded here from the exception's own fields. A message this module
does not know keeps click's wording behind a Chinese lead-in.
"""

from __future__ import annotations

import re

import click

_PATH_PROBLEMS = {
    "does not exist": "不存在",
    "is a file": "是一个文件，这里需要目录",
    "is a directory": "是一个目录，这里需要文件",
    "is not readable": "无法读取",
    "is not writable": "无法写入",
}
_PATH = re.compile(r"'(?P<value>.*)' (?P<problem>" + "|".join(_PATH_PROBLEMS) + r")\.$")
_QUOTED = re.compile(r"^'(?P<value>.*?)' is not")
_NO_COMMAND = re.compile(r"^No such command '(?P<name>.*)'\.$")
_EXTRA = re.compile(r"^Got unexpected extra arguments? \((?P<args>.*)\)$")
_NO_ARGS = getattr(click.exceptions, "NoArgsIsHelpError", ())
"""Raised (click 8.2 and later) when a group is run without a command: its message is the help."""


def explain(error: click.UsageError) -> str:
    """One or two Chinese sentences saying what is wrong with the command line."""
    message = error.message
    if isinstance(error, click.NoSuchOption):
        text = f"没有 {error.option_name} 这个选项。"
        if error.possibilities:
            text += f"是不是想用 {'、'.join(sorted(error.possibilities))}？"
        return text
    if isinstance(error, click.MissingParameter):
        return f"缺少{_label(error.param)}。"
    if isinstance(error, click.BadParameter):
        return _bad_value(error)
    if isinstance(error, click.BadOptionUsage):
        if "requires an argument" in message:
            return f"选项 {error.option_name} 后面要写上它的值。"
        if "does not take a value" in message:
            return f"选项 {error.option_name} 不需要值。"
    if found := _NO_COMMAND.match(message):
        commands = _commands(error.ctx)
        return f"没有“{found['name']}”这个命令。可用的命令：{commands}。"
    if found := _EXTRA.match(message):
        return f"多出了参数：{found['args']}。"
    if message == "Missing command.":
        return f"请给出要执行的命令：{_commands(error.ctx)}。"
    return f"命令行有误（{message}）"


def _bad_value(error: click.BadParameter) -> str:
    label = _label(error.param)
    param_type = error.param.type if error.param is not None else None
    if isinstance(param_type, click.Choice):
        choices = "、".join(map(str, param_type.choices))
        found = _QUOTED.match(error.message)
        given = f"“{found['value']}”不是可用的值；" if found else ""
        return f"{given}{_spaced(label)}只能是 {choices} 之一。"
    if found := _PATH.search(error.message):
        return f"{_spaced(label)}给出的“{found['value']}”{_PATH_PROBLEMS[found['problem']]}。"
    return f"{_spaced(label)}的值有误（{error.message}）"


def _label(param: click.Parameter | None) -> str:
    if param is None:
        return "参数"
    if isinstance(param, click.Option):
        return f"选项 {max(param.opts, key=len)}"
    return f"参数“{param.human_readable_name}”"


def _spaced(label: str) -> str:
    """``label`` followed by a space when it ends in Latin text, as Chinese typesetting wants."""
    return f"{label} " if label[-1].isascii() else label


def _commands(ctx: click.Context | None) -> str:
    if ctx is None or not isinstance(ctx.command, click.Group):
        return "见 kb -h"
    return "、".join(ctx.command.list_commands(ctx))


def report(error: click.UsageError) -> str:
    """The usage line, where to find help, and the mistake, as shown on standard error."""
    if isinstance(error, _NO_ARGS):
        return error.format_message()
    lines = []
    if error.ctx is not None:
        lines.append(error.ctx.get_usage())
        lines.append(f"查看说明：{error.ctx.command_path} -h")
        lines.append("")
    lines.append(f"错误：{explain(error)}")
    return "\n".join(lines)

"""`kata cli TOOL ARGS...`: the Kafka command-line tools against the current stack.

The current stack is the `kata up` one if it runs, an external cluster when
KAFKA_BOOTSTRAP_SERVERS names one, else a throwaway stack started for this
one command. Each backend says how to run a tool (`Stack.cli_command`), and
--bootstrap-server is added when the arguments do not name a server.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from kafka_katas.kata.manifest import Manifest
from kafka_katas.stack import StackError, open_stack
from kafka_katas.stack.cli_tools import tool_name
from kafka_katas.stack.persistent import AttachedStack

#: Tools that talk to no broker (they format storage, print help...).
OFFLINE_TOOLS = {"kafka-storage"}
#: Tools whose first argument is a sub-command that takes --bootstrap-server itself.
SUBCOMMAND_FIRST = {"kafka-cluster"}
SERVER_FLAGS = ("--bootstrap-server", "--bootstrap-controller", "--broker-list")


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "cli",
        help="run a Kafka tool (kafka-topics, kafka-console-consumer, ...) on the current stack",
    )
    parser.add_argument("tool", help="kafka-topics, topics, kafka-topics.sh, ...")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="the tool's own arguments")


def main(manifest: Manifest | None, args: argparse.Namespace) -> int:
    try:
        name = tool_name(args.tool)
    except StackError as exc:
        print(f"kata cli: {exc}", file=sys.stderr)
        return 2
    root = manifest.root if manifest is not None else Path.cwd()
    stack = open_stack(root=root)
    try:
        if not isinstance(stack, AttachedStack) and stack.name != "external":
            print(
                f"(no `kata up` stack: starting a throwaway {stack.name} stack for this command; "
                "`kata up` keeps one running)",
                file=sys.stderr,
            )
        bootstrap = stack.start().bootstrap_servers
        # Containers run the tools inside the broker's container, where the
        # host-mapped port means nothing: they name their network listener.
        bootstrap = getattr(stack, "network_bootstrap", bootstrap)
        argv = stack.cli_command(name, with_bootstrap(name, args.args, bootstrap))
        return subprocess.call(argv)
    except StackError as exc:
        print(f"kata cli: {exc}", file=sys.stderr)
        return 3
    finally:
        stack.stop()


def with_bootstrap(tool: str, args: Sequence[str], bootstrap: str) -> list[str]:
    """`args` with --bootstrap-server added where the tool expects it, unless already there."""
    args = list(args)
    if tool in OFFLINE_TOOLS or any(a.split("=")[0] in SERVER_FLAGS for a in args):
        return args
    if tool in SUBCOMMAND_FIRST and args and not args[0].startswith("-"):
        return [args[0], "--bootstrap-server", bootstrap, *args[1:]]
    return ["--bootstrap-server", bootstrap, *args]

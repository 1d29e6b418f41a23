"""The `policyreport` command. Each subcommand lives in its own module, which exposes
`add_arguments(parser)` and `run(args) -> int`; errors print as one line unless --verbose."""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback

from policyreport.errors import PolicyReportError

# subcommand -> (module, one-line help). Modules are imported only when used, so `--help`
# and `check` stay fast (papermill and nbformat are slow to import).
SUBCOMMANDS = {
    "check": ("policyreport.data.check", "validate sources, facts, derived figures and coverage"),
    "scan": ("policyreport.data.scan", "list every numeric mention in a Chinese text"),
    "add-source": (
        "policyreport.data.add_source",
        "copy a page into data/sources/ with TODO records",
    ),
    "draft": ("policyreport.data.draft", "draft facts.csv rows from every number of a source"),
    "build": ("policyreport.build.pipeline", "execute the notebooks and assemble the report"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="policyreport",
        description="Reproducible policy-analysis reports from Chinese news pages.",
    )
    parser.add_argument("--verbose", action="store_true", help="show a full traceback on errors")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        sub_parser = sub.add_parser(name, help=help_text, description=help_text)
        sub_parser.set_defaults(_module=module_name)
        module = importlib.import_module(module_name)
        module.add_arguments(sub_parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    module = importlib.import_module(args._module)
    try:
        return int(module.run(args) or 0)
    except PolicyReportError as error:
        if args.verbose:
            traceback.print_exc()
        print(f"policyreport {args.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"policyreport {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

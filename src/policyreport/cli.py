"""The `policyreport` command. Each subcommand lives in its own module, which exposes
`add_arguments(parser)`, `run(args) -> int` and `EXAMPLES` (command lines with what they do,
shown under `policyreport COMMAND --help`); errors print as one line unless --verbose.

Conventions: global options (--verbose) go before or after the command's name; a wrong
option prints the usage of the command it was given to; exit codes are those of
policyreport.errors (0 ok, 1 failure, 2 bad input), listed in every --help.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback

from policyreport import __version__
from policyreport.errors import EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK, PolicyReportError

# subcommand -> (module, one-line help). Modules are imported only when used, so `--help`
# and `check` stay fast (papermill and nbformat are slow to import).
SUBCOMMANDS = {
    "check": (
        "policyreport.build.checks",
        "validate the data, coverage and built notebooks' numbers",
    ),
    "scan": ("policyreport.data.scan", "list every numeric mention in a Chinese text"),
    "add-source": (
        "policyreport.data.add_source",
        "copy a page into data/sources/ with TODO records",
    ),
    "draft": ("policyreport.data.draft", "draft facts.csv rows from every number of a source"),
    "build": ("policyreport.build.pipeline", "execute the notebooks and assemble the report"),
    "init": ("policyreport.project", "lay out a new project folder (data, notebooks, report spec)"),
    "new-topic": (
        "policyreport.authoring.topic",
        "register a topic and write its notebook from the template",
    ),
    "status": ("policyreport.build.status", "which notebook runs the cache answers, and why not"),
    "sync": ("policyreport.data.sync", "rewrite datapackage.json's enums from the vocabulary"),
}

EXIT_CODES = f"""exit codes:
  {EXIT_OK}  success
  {EXIT_FAILURE}  failure: a notebook cell raised, a report could not be rendered
  {EXIT_BAD_INPUT}  bad input: a data file, the spec, a parameter or an option is wrong
  130  interrupted (Ctrl-C)"""


def _global_options(defaults: bool) -> argparse.ArgumentParser:
    """Options every command takes, before or after its name. The top level sets their
    defaults; a subcommand only sets what it is given (SUPPRESS), so that
    `policyreport --verbose build` is not undone by build's own default."""
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument(
        "--verbose",
        action="store_true",
        default=False if defaults else argparse.SUPPRESS,
        help="show a full traceback on errors",
    )
    return options


def _epilog(examples: str) -> str:
    lines = ["examples:"] + [
        f"  {line}" if line else "" for line in examples.strip("\n").splitlines()
    ]
    return "\n".join(lines) + "\n\n" + EXIT_CODES


def build_parser() -> argparse.ArgumentParser:
    commands = "\n".join(f"  policyreport {name} --help" for name in SUBCOMMANDS)
    parser = argparse.ArgumentParser(
        prog="policyreport",
        description="Reproducible policy-analysis reports from Chinese news pages.",
        parents=[_global_options(defaults=True)],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=f"each command's options and examples:\n{commands}\n\n{EXIT_CODES}",
    )
    parser.add_argument("--version", action="version", version=f"policyreport {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        module = importlib.import_module(module_name)
        sub_parser = sub.add_parser(
            name,
            help=help_text,
            description=help_text,
            parents=[_global_options(defaults=False)],
            formatter_class=argparse.RawDescriptionHelpFormatter,
            epilog=_epilog(getattr(module, "EXAMPLES", "")),
        )
        sub_parser.set_defaults(_module=module_name, _parser=sub_parser)
        module.add_arguments(sub_parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        # argparse would report them with the top-level usage; the command's is the useful one
        args._parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    module = importlib.import_module(args._module)
    try:
        return int(module.run(args) or 0)
    except PolicyReportError as error:
        if args.verbose:
            traceback.print_exc()
        print(f"policyreport {args.command}: error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print(f"policyreport {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

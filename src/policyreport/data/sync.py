"""`policyreport sync`: copy the vocabulary's ids into datapackage.json's enums.

data/vocabulary.toml is where units, qualifiers, kinds and topics are declared; the data
package descriptor repeats their ids as Table Schema enums so that Frictionless (and any
other reader of the package) validates the CSVs the same way. After editing the vocabulary
by hand, run this; `policyreport check` only reports a descriptor that lags (it writes
nothing), and `new-topic` keeps it in step itself. The rewrite is atomic (temp + rename).
"""

from __future__ import annotations

from pathlib import Path

from policyreport import paths

EXAMPLES = """
policyreport sync
    rewrite data/datapackage.json's unit, qualifier, kind and topic enums from
    data/vocabulary.toml (after editing the vocabulary by hand)
policyreport sync --data-dir path/to/data
    the same for another data directory
"""


def add_arguments(parser) -> None:
    parser.add_argument(
        "--data-dir", default=None, help="data directory (default: the project's data/)"
    )


def run(args) -> int:
    from policyreport.data.vocabulary import sync_datapackage

    data = Path(args.data_dir) if args.data_dir else paths.DATA
    data = data if data.is_absolute() else paths.ROOT / data
    changed = sync_datapackage(data)
    if changed:
        print(f"sync: enums of {', '.join(changed)} rewritten from the vocabulary")
    else:
        print("sync: datapackage.json already in step with the vocabulary")
    return 0

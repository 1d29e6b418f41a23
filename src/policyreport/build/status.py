"""`policyreport status`: for every notebook run a build would make, whether the cache
answers it, and if not, why — which input changed (the notebook, its parameters, the
package's code, the locked environment, the data files, or a row it read)."""

from __future__ import annotations

import sys
from pathlib import Path

EXAMPLES = """
policyreport status
    every notebook run of report/report.toml: cached, or will execute and why (which input
    changed: the notebook, its parameters, the package code, the data, a row it read)
policyreport status -m NAME=V1,V2
    the same for the runs of these variants
"""


def add_arguments(parser) -> None:
    from policyreport.build import pipeline

    pipeline.add_arguments(parser)


def run_statuses(options) -> list[tuple[str, str, str]]:
    """(variant, run, status) for every run, in build order."""
    from policyreport import paths
    from policyreport.build.batch import resolve_variants
    from policyreport.build.cache import RunCache, row_hashes, shared_inputs
    from policyreport.build.execute import run_inputs_of
    from policyreport.build.pipeline import _targets, plan_jobs
    from policyreport.build.spec import load_spec, with_overrides
    from policyreport.data.assumptions import assumption_parameters

    options = options.resolved()
    spec_path = Path(options.spec) if options.spec else paths.REPORT / "report.toml"
    spec = with_overrides(load_spec(spec_path), options.languages, options.parameters)
    root, data_dir = Path(options.root), Path(options.data_dir)
    if isinstance(spec.build_parameters.get("data_dir"), str):
        data_dir = root / spec.build_parameters["data_dir"]
    names = assumption_parameters(data_dir / "assumptions.csv")
    variants = resolve_variants(spec, options.matrix, options.variants)
    cache = RunCache(Path(options.cache_dir) / "executed" if options.use_cache else None)
    shared, hashes = shared_inputs(root, data_dir), row_hashes(data_dir)
    rows = []
    for target in _targets(spec, variants):
        for job in plan_jobs(target.spec, names):
            found = cache.lookup(run_inputs_of(job, shared), hashes)
            status = "cached" if found.entry is not None else f"will execute: {found.reason}"
            rows.append((target.label, f"{job.name} ({job.lang})", status))
    return rows


def run(args) -> int:
    from policyreport.build.pipeline import options_from_args

    rows = run_statuses(options_from_args(args))
    width = max((len(run) for _, run, _ in rows), default=0)
    labels = {label for label, _, _ in rows}
    for label, name, status in rows:
        prefix = f"[{label}] " if labels != {"main"} else ""
        print(f"{prefix}{name:<{width}}  {status}")
    cached = sum(status == "cached" for _, _, status in rows)
    print(f"{cached} of {len(rows)} runs cached", file=sys.stderr)
    return 0

"""Where notebook runs execute: this machine's kernel pool (the default) or a Dask cluster.

Local: `execute.execute_all` borrows warm kernels from this process's pool
(policyreport.build.engine), one run per thread, `--jobs` at a time; `prewarm` starts them
while the build checks its data. A cluster: see policyreport.build.cluster, imported only
when --scheduler (or $POLICYREPORT_SCHEDULER) names one, so that dask.distributed is never
imported otherwise.
"""

from __future__ import annotations

from pathlib import Path


def kernel_key(root: Path, kernel_env: dict):
    from policyreport.build.cache import package_digest
    from policyreport.build.engine import KernelKey

    return KernelKey(
        kernel_name="python3",
        cwd=str(root),
        env=tuple(sorted(kernel_env.items())),
        code_version=package_digest(),
    )


def prewarm(*, root: Path, kernel_env: dict, count: int) -> None:
    """Start `count` kernels in the background (for runs the cache cannot answer)."""
    if count < 1:
        return
    from policyreport.build.engine import kernel_pool

    kernel_pool().prewarm(kernel_key(root, kernel_env), count)


def execute_on_cluster(jobs, settings, *, scheduler, kept_as, progress, say, cancel=None):
    from policyreport.build.cluster import execute_on_cluster as run

    return run(
        jobs,
        settings,
        scheduler=scheduler,
        kept_as=kept_as,
        progress=progress,
        say=say,
        cancel=cancel,
    )

"""Stage 5, make: which outputs are out of date, and building them (the stages above, then the
writers' jobs, side by side in worker processes with -j N).

    plan.py      each target's inputs by content hash, and why it must be rebuilt
    state.py     build/.publish-state.json: what each output was last built from
    schedule.py  one run: the targets' jobs in dependency order, provisions handed on
    jobs.py      running jobs in this process or in workers
    progress.py  showing a build's progress: rich bars, step lines
"""

from .build import ALL, BuildOptions, build, clean
from .schedule import Output

__all__ = ["ALL", "BuildOptions", "Output", "build", "clean"]

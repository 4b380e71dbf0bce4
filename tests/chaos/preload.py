"""Imported once by the chaos runner's fork server, before it forks any child: every module a job run
needs, and the sandbox world (seconds to generate, cached per seed and size), so each killed or clean run
starts in milliseconds instead of ten seconds of imports.

What belongs here: imports and warm-up only; nothing runs a job or opens a state file (a forked child must
not inherit open SQLite connections).
"""

from __future__ import annotations

import chaos.worker  # noqa: F401 (the child's target and everything it imports)
from resources.sandbox.world import DEFAULT_SEED, DEFAULT_SIZE, generate_world

generate_world(DEFAULT_SEED, DEFAULT_SIZE)

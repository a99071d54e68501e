"""`python -m tests.fuzz.server PORT`: the offline app (harness.offline_app) under uvicorn on 127.0.0.1, for the
schemathesis run. DATABASE_URL names the seeded database; no scheduler, a fixed clock."""

from __future__ import annotations

import os
import sys

import uvicorn

from settings import load_settings
from tests.clock import FakeClock
from tests.fuzz.harness import offline_app

if __name__ == "__main__":
    settings = load_settings(
        environ={}, database_url=os.environ["DATABASE_URL"], secret_key="fuzz-secret-key", scheduler_enabled=False,
        base_url="http://127.0.0.1",
    )  # fmt: skip
    uvicorn.run(offline_app(settings, FakeClock()), host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")

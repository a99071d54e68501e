"""`arauto sandbox`: serve the simulator with uvicorn."""

from __future__ import annotations

import uvicorn

from sandbox.app import create_sandbox_app
from sandbox.state import SandboxState


def serve(host: str, port: int, api_key: str = "sandbox-key", instances: list[str] | None = None) -> None:
    """Run until interrupted; every instance starts `open` with a generated token (see fetchInstances)."""
    names = instances or ["sandbox"]
    state = SandboxState(
        api_key=api_key,
        initial_instances=[(name, None) for name in names],
        server_url=f"http://{host}:{port}",
    )
    uvicorn.run(create_sandbox_app(state), host=host, port=port, log_level="info")

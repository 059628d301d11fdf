"""Another module can add endpoints to the sandbox without touching its platform modules."""

from __future__ import annotations

import httpx

from vidcamp.sandbox import SandboxServer
from vidcamp.sandbox.common import Request, Result, account_for, ok, route
from vidcamp.sandbox.server import ROUTE_MODULES, SandboxHTTPServer, register_module
from vidcamp.sandbox.state import SandboxState


@route("GET", "metrics.example.com", r"/v1/videos/(\w+)/views")
def views(state: SandboxState, server: SandboxHTTPServer, req: Request) -> Result:
    acct = account_for(state, req, "youtube", req.bearer())
    video = req.path.split("/")[3]
    with state.lock:
        posts = [p for p in state.posts if p["remote_id"] == video and p["account"] == acct.name]
    return ok({"video": video, "views": 7 * len(posts)})


def test_a_registered_module_serves_its_routes() -> None:
    register_module(__name__)
    assert __name__ in ROUTE_MODULES
    with SandboxServer() as server:
        entry = server.add_account("youtube", "metrics_yt")
        server.state.new_post(platform="youtube", account="metrics_yt", remote_id="abc")
        headers = {"Authorization": f"Bearer {entry['access_token']}"}
        reply = httpx.get(f"{server.url}/metrics.example.com/v1/videos/abc/views",
                          headers=headers)
        assert reply.status_code == 200
        assert reply.json() == {"video": "abc", "views": 7}
        denied = httpx.get(f"{server.url}/metrics.example.com/v1/videos/abc/views")
        assert denied.status_code == 401
    ROUTE_MODULES.remove(__name__)


def test_each_sandbox_module_imports_on_its_own() -> None:
    """No import cycle: every platform module loads first, in a fresh interpreter."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for name in ROUTE_MODULES:
        done = subprocess.run([sys.executable, "-c", f"import {name}"], cwd=root,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, (name, done.stderr)

"""The sandbox's own control endpoints (host ``_sandbox``): accounts, posts, stats, faults,
settings, reset. See ``vidcamp.sandbox.server`` for what each one takes and answers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vidcamp.sandbox.common import Request, Result, expire, ok, route
from vidcamp.sandbox.state import Answer, SandboxState

if TYPE_CHECKING:
    from vidcamp.sandbox.server import SandboxHTTPServer

CONTROL = "_sandbox"

_FAULT_KINDS = {"drop", "drop_response", "status", "rate_limit", "session_expired",
                "wrong_offset", "processing", "expire_token", "revoke", "quota", "reject"}


def add_faults(state: SandboxState, faults: list[dict[str, Any]]) -> None:
    for fault in faults:
        if fault.get("kind") not in _FAULT_KINDS:
            raise Answer(400, {"error": f"unknown fault kind {fault.get('kind')!r}"})
    with state.lock:
        for fault in faults:
            fault = dict(fault)
            fault.setdefault("count", 1)
            if fault["kind"] in ("expire_token", "revoke") and not fault.get("route"):
                for acct in state.accounts.values():
                    if fault.get("platform") in (None, acct.platform) and fault.get(
                        "account"
                    ) in (None, acct.name):
                        expire(acct, revoke=fault["kind"] == "revoke")
                continue
            state.faults.append(fault)


def public_post(post: dict[str, Any]) -> dict[str, Any]:
    """A post as ``GET /_sandbox/posts`` shows it (a copy, safe to hand out)."""
    return dict(post)


def stats(state: SandboxState) -> dict[str, Any]:
    with state.lock:
        seen: set[int] = set()
        uploads = []
        for up in state.uploads.values():
            if id(up) not in seen:
                seen.add(id(up))
                uploads.append(up.stats())
        return {"uploads": uploads, "bytes_received": dict(state.received),
                "routes": dict(state.routes)}


@route("GET", CONTROL, "/posts")
def get_posts(state: SandboxState, server: SandboxHTTPServer, req: Request) -> Result:
    with state.lock:
        return ok({"posts": [public_post(p) for p in state.posts]})


@route("GET", CONTROL, "/stats")
def get_stats(state: SandboxState, server: SandboxHTTPServer, req: Request) -> Result:
    return ok(stats(state))


@route("GET", CONTROL, "/faults")
def get_faults(state: SandboxState, server: SandboxHTTPServer, req: Request) -> Result:
    with state.lock:
        return ok({"faults": list(state.faults)})


@route("POST", CONTROL, "/faults")
def post_faults(state: SandboxState, server: SandboxHTTPServer, req: Request) -> Result:
    body = req.json()
    add_faults(state, list(body.get("faults") or []))
    return ok({"ok": True})


@route("POST", CONTROL, "/reset")
def post_reset(state: SandboxState, server: SandboxHTTPServer, req: Request) -> Result:
    state.reset()
    return ok({"ok": True})


@route("POST", CONTROL, "/settings")
def post_settings(state: SandboxState, server: SandboxHTTPServer, req: Request) -> Result:
    body = req.json()
    with state.lock:
        for key, value in body.items():
            if key not in state.settings:
                raise Answer(400, {"error": f"unknown setting {key!r}"})
            state.settings[key] = value
    return ok({"settings": dict(state.settings)})


@route("POST", CONTROL, "/accounts")
def post_accounts(state: SandboxState, server: SandboxHTTPServer, req: Request) -> Result:
    body = req.json()
    acct = state.add_account(str(body.get("platform")), str(body.get("name") or "sandbox"),
                             float(body.get("expires_in", 3600)))
    return ok(acct.entry())

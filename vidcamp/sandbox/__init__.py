"""A loopback sandbox of the four platforms' upload, post and OAuth endpoints, with faults.

    with SandboxServer() as sandbox:            # 127.0.0.1, a free port
        entry = sandbox.add_account("youtube", "yt")   # credentials-file entry
        os.environ["VIDCAMP_API_ROOT"] = sandbox.url

See ``vidcamp.sandbox.server`` for the control endpoints and the fault schema.
"""

from vidcamp.sandbox.server import SandboxServer

__all__ = ["SandboxServer"]

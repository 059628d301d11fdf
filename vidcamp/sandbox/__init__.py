"""A loopback sandbox of the four platforms' upload, post and OAuth endpoints, with faults.

    with SandboxServer() as sandbox:            # 127.0.0.1, a free port
        entry = sandbox.add_account("youtube", "yt")   # credentials-file entry
        upload(request, "yt", api_root=sandbox.url)  # or VIDCAMP_API_ROOT for a process

One module per platform, as in ``vidcamp/publish/``; ``vidcamp.sandbox.server`` documents the
control endpoints and the fault schema, ``vidcamp.sandbox.common`` how to add endpoints.
"""

from vidcamp.sandbox.server import SandboxServer

__all__ = ["SandboxServer"]

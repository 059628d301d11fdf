"""Runs one upload in a separate process for the resume tests (``python -m`` this module).

argv[1] is JSON: preset, account, file, credentials, state_out, and optionally resume (a state
file), pause_offset / pause_phase (stop and wait to be killed once the saved state gets there),
max_attempts.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any


def main() -> None:
    from vidcamp.errors import PublishError
    from vidcamp.publish import UploadRequest, upload
    from vidcamp.publish.base import RetryPolicy

    args = json.loads(sys.argv[1])
    resume = json.loads(Path(args["resume"]).read_text()) if args.get("resume") else None
    out = Path(args["state_out"])

    def on_state(state: dict[str, Any]) -> None:
        tmp = out.with_suffix(".tmp")
        tmp.write_text(json.dumps(state))
        os.replace(tmp, out)
        if args.get("pause_offset") is not None and state.get("phase") != "done" and int(
            state.get("offset") or 0
        ) >= args["pause_offset"]:
            time.sleep(600)  # the parent kills us here
        if args.get("pause_phase") == state.get("phase"):
            time.sleep(600)

    policy = RetryPolicy(sleep=lambda s: None, max_attempts=int(args.get("max_attempts", 6)))
    request = UploadRequest(Path(args["file"]), args["preset"], args.get("title", "Resumed"),
                            "from a new process")
    try:
        result = upload(request, args["account"], resume=resume, on_state=on_state,
                        credentials=Path(args["credentials"]), policy=policy,
                        chunk_size=int(args.get("chunk_size", 256 * 1024)))
    except PublishError as exc:
        print(json.dumps({"error": type(exc).__name__, "message": exc.message}))
        sys.exit(exc.exit_code)
    print(json.dumps({"remote_id": result.remote_id, "url": result.url, "state": result.state}))


if __name__ == "__main__":
    main()

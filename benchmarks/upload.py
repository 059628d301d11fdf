"""Upload a large file to each platform of the sandbox; report throughput and peak RSS.

    python benchmarks/upload.py [--size-mb 300] [--chunk-mb 8] [--platforms youtube,x]

The sandbox runs in its own process; each upload runs in a fresh process that reports its own
peak RSS (``ru_maxrss``), so the figures are the client's alone. Not a test: nothing asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRESET = {"youtube": "youtube", "facebook": "facebook_reels", "x": "x",
          "dailymotion": "dailymotion", "facebook_feed": "facebook"}


def child(args: argparse.Namespace) -> None:
    """One upload; prints seconds and peak RSS as JSON."""
    from vidcamp.publish import UploadRequest, upload

    started = time.perf_counter()
    upload(UploadRequest(Path(args.file), args.preset, "benchmark"), args.account,
           credentials=Path(args.credentials), chunk_size=args.chunk_mb * 1024 * 1024)
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "peak_rss_mb": peak_kb / 1024}))


def make_file(path: Path, size: int) -> None:
    block = os.urandom(1024 * 1024)
    with open(path, "wb") as out:
        written = 0
        while written < size:
            piece = block[: min(len(block), size - written)]
            out.write(piece)
            written += len(piece)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=300)
    parser.add_argument("--chunk-mb", type=int, default=8)
    parser.add_argument("--platforms", default="youtube,facebook,facebook_feed,x,dailymotion")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--file")
    parser.add_argument("--preset")
    parser.add_argument("--account")
    parser.add_argument("--credentials")
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        video = work / "big.mp4"
        size = args.size_mb * 1024 * 1024
        make_file(video, size)
        import hashlib

        digest = hashlib.sha256()
        with open(video, "rb") as handle:
            while block := handle.read(1 << 20):
                digest.update(block)
        creds = work / "credentials.yaml"
        seeds = [f"--seed={p.split('_')[0]}:bench_{p}" for p in args.platforms.split(",")]
        server = subprocess.Popen(
            [sys.executable, "-m", "vidcamp", "sandbox", "serve", "--port", "0",
             "--credentials", str(creds), *seeds],
            cwd=ROOT, env=env, text=True, stdout=subprocess.PIPE)
        try:
            assert server.stdout is not None
            server.stdout.readline()
            root = server.stdout.readline().split("=", 1)[1].strip()
            # faster Facebook feed chunks, as the Graph API gives for large files
            import httpx

            httpx.post(f"{root}/_sandbox/settings",
                       json={"facebook_chunk_size": args.chunk_mb * 1024 * 1024,
                             "x_check_after_secs": 0})
            print(f"file {args.size_mb} MiB, chunk {args.chunk_mb} MiB, sandbox {root}")
            print(f"{'platform':<14} {'seconds':>8} {'MB/s':>8} {'peak RSS MB':>12}  sha256")
            for platform in args.platforms.split(","):
                out = subprocess.run(
                    [sys.executable, __file__, "--child", "--file", str(video),
                     "--preset", PRESET[platform], "--account", f"bench_{platform}",
                     "--credentials", str(creds), "--chunk-mb", str(args.chunk_mb)],
                    cwd=ROOT, env={**env, "VIDCAMP_API_ROOT": root}, text=True,
                    capture_output=True, check=True)
                figures = json.loads(out.stdout.strip().splitlines()[-1])
                rate = size / 1e6 / figures["seconds"]
                post = httpx.get(f"{root}/_sandbox/posts").json()["posts"][-1]
                same = post["sha256"] == digest.hexdigest() and post["size"] == size
                print(f"{platform:<14} {figures['seconds']:>8.1f} {rate:>8.1f}"
                      f" {figures['peak_rss_mb']:>12.1f}  {'matches' if same else 'DIFFERS'}")
            status = Path(f"/proc/{server.pid}/status").read_text()
            hwm = next(line for line in status.splitlines() if line.startswith("VmHWM"))
            print(f"sandbox process peak RSS: {int(hwm.split()[1]) / 1024:.1f} MB")
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Peak memory of a generated client downloading a large body, streamed and buffered.

Generates the client of tests/fixtures/streams.yaml with the release CLI,
builds a small program on it (release) that downloads `GET /download` from a
local server on 127.0.0.1 and counts the bytes, and prints, for each run,
the client's peak resident set (VmHWM, which the program reads from
/proc/self/status after the download, so that neither this script nor the
server is counted) and its throughput. Two ways of reading the body:

- streamed: `send_stream()`, chunk by chunk (the target: a 1 GiB download
  under 64 MiB peak RSS);
- buffered: `.await` on the call, the whole body in memory (for contrast,
  with the body limit raised to the size).

It is a report: exit 0 unless it breaks, or --require is given and the
streamed peak is over the target (exit 1). Standard library only.

    python3 bench/stream_rss.py                  # 1 GiB streamed, 256 MiB buffered, 3 runs
    python3 bench/stream_rss.py --streamed-mib 4096 --runs 1
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "target" / "bench" / "stream-rss"
CLI = REPO / "target" / "release" / "openapi-rustgen"
TARGET_MIB = 64
CHUNK = bytes(range(256)) * 4096  # 1 MiB

MAIN_RS = r'''
//! Downloads `GET /download` and prints the byte count and peak RSS.
use streams_client::streams::Client;

fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut args = std::env::args().skip(1);
    let (url, mode, size): (String, String, u64) = (
        args.next().unwrap(),
        args.next().unwrap(),
        args.next().unwrap().parse().unwrap(),
    );
    let client = Client::with_base_url(url).with_max_body_size(size + 1);
    let started = std::time::Instant::now();
    let total = match mode.as_str() {
        "streamed" => {
            let mut body = client.download().send_stream().await.expect("response");
            let mut total = 0u64;
            while let Some(chunk) = body.next().await {
                total += chunk.expect("chunk").len() as u64;
            }
            total
        }
        _ => client.download().await.expect("body").len() as u64,
    };
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!(total, size, "the whole body arrived");
    println!("bytes={total} peak_rss_kib={} seconds={seconds:.3}", peak_rss_kib());
}
'''


def run(cmd: list[str], cwd: Path | None = None) -> str:
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{proc.stderr[-4000:]}")
    return proc.stdout


def serve(listener: socket.socket, size: int) -> None:
    """Answers every request with `size` bytes, written from one 1 MiB buffer."""
    while True:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        with conn:
            head = b""
            while b"\r\n\r\n" not in head:
                part = conn.recv(4096)
                if not part:
                    break
                head += part
            conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\n"
                         + f"content-length: {size}\r\nconnection: close\r\n\r\n".encode())
            left = size
            try:
                while left > 0:
                    piece = CHUNK[:min(left, len(CHUNK))]
                    conn.sendall(piece)
                    left -= len(piece)
            except OSError:
                pass


def build_program(skip_cli_build: bool) -> Path:
    if not skip_cli_build:
        run(["cargo", "build", "--release", "-q", "-p", "openapi-rustgen-cli"], cwd=REPO)
    crate = WORK / "streams-client"
    run([str(CLI), "generate", "--spec", str(REPO / "tests/fixtures/streams.yaml"),
         "--crate", str(crate), "--name", "streams-client"])
    program = WORK / "downloader"
    (program / "src").mkdir(parents=True, exist_ok=True)
    (program / "Cargo.toml").write_text(
        "[package]\nname = \"downloader\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n"
        "[dependencies]\nstreams-client = { path = \"../streams-client\" }\n"
        "tokio = { version = \"1\", features = [\"macros\", \"rt\"] }\n\n"
        "[workspace]\n")
    (program / "src" / "main.rs").write_text(MAIN_RS)
    run(["cargo", "build", "--release", "-q"], cwd=program)
    return program / "target" / "release" / "downloader"


def measure(binary: Path, mode: str, size: int, runs: int) -> list[dict[str, float]]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    threading.Thread(target=serve, args=(listener, size), daemon=True).start()
    results = []
    for _ in range(runs):
        line = run([str(binary), url, mode, str(size)]).strip()
        fields = dict(part.split("=") for part in line.split())
        results.append({"rss_mib": int(fields["peak_rss_kib"]) / 1024,
                        "seconds": float(fields["seconds"])})
    listener.close()
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--streamed-mib", type=int, default=1024, help="size of the streamed download")
    ap.add_argument("--buffered-mib", type=int, default=256,
                    help="size of the buffered download (0: skip it)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-build", action="store_true", help="use target/release's CLI as it is")
    ap.add_argument("--require", action="store_true",
                    help=f"exit 1 if the streamed peak is over {TARGET_MIB} MiB")
    args = ap.parse_args()
    binary = build_program(args.no_build)
    rows = [("streamed (`send_stream()`)", "streamed", args.streamed_mib)]
    if args.buffered_mib:
        rows.append(("buffered (`.await`)", "buffered", args.buffered_mib))
    print(f"Peak RSS of the client (VmHWM), median of {args.runs} runs; server on 127.0.0.1.\n")
    print("| read as | body MiB | peak RSS MiB (median) | min-max | MiB/s (median) |")
    print("|---|---:|---:|---:|---:|")
    streamed_peak = None
    for label, mode, mib in rows:
        results = measure(binary, mode, mib * 1024 * 1024, args.runs)
        rss = [r["rss_mib"] for r in results]
        speed = [mib / r["seconds"] for r in results]
        peak = statistics.median(rss)
        if mode == "streamed":
            streamed_peak = max(rss)
        print(f"| {label} | {mib} | {peak:.1f} | {min(rss):.1f}-{max(rss):.1f} | "
              f"{statistics.median(speed):.0f} |")
    met = streamed_peak is not None and streamed_peak < TARGET_MIB
    print(f"\nTarget: a {args.streamed_mib} MiB streamed download under {TARGET_MIB} MiB peak RSS "
          f"(every run): {'MET' if met else 'MISSED'} (highest {streamed_peak:.1f} MiB).")
    if args.require and not met:
        sys.exit(1)


if __name__ == "__main__":
    main()

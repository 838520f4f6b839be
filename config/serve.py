"""Start Diretta under an ASGI server, with the flags every recipe shares (make run, the tests, the bench, the
production recipe in docs/DEPLOY.md). One place for them, so no server is ever run without its keepalive.

    python -m config.serve [--server uvicorn|daphne|granian] [--host 127.0.0.1] [--port 8000] [--workers 1]

The default server is the one measured to serve Diretta best (docs/PERFORMANCE.md, docs/ARCHITECTURE.md).
The keepalive is what drops a fan that stopped reading under a server that buffers without limit (daphne):
DIRETTA_PING_INTERVAL / DIRETTA_PING_TIMEOUT seconds (25 / 10 by default; docs/PROTOCOL.md). Not shorter: fans
who arrive together (kick-off) are pinged together ever after, and at 10,000 fans every burst of pings held
the editor's publish ~60 ms and set off a young collection (docs/PERFORMANCE.md); 25 s still keeps a socket
that has nothing to say from going quiet for a proxy's idle timeout (60 s in nginx's default).
"""

import argparse
import os
import sys
from pathlib import Path

DEFAULT_SERVER = "uvicorn"
SERVERS = ("uvicorn", "daphne", "granian")
APP = "config.asgi:application"
UVICORN_WS = "websockets-sansio"
MAX_CLIENT_FRAME = (
    64 * 1024
)  # the server's own cap on a client frame; Diretta's is 1 KB (commentary.live.fans)


def command(
    server: str,
    *,
    host: str,
    port: int,
    workers: int = 1,
    proxy: bool = False,
    env=os.environ,
    app: str = APP,
) -> list[str]:
    """The command line that serves `app` (Diretta unless a benchmark says otherwise) with `server`, with the
    settings read from `env`. DIRETTA_UVICORN_WS picks uvicorn's websocket protocol (websockets-sansio,
    measured fastest; websockets; wsproto)."""
    bin_dir = Path(sys.executable).parent
    ping = env.get("DIRETTA_PING_INTERVAL", "25")
    timeout = env.get("DIRETTA_PING_TIMEOUT", "10")
    if server == "uvicorn":
        cmd = [
            str(bin_dir / "uvicorn"),
            app,
            "--host", host, "--port", str(port),
            "--loop", "uvloop", "--http", "httptools", "--ws", env.get("DIRETTA_UVICORN_WS", UVICORN_WS),
            "--ws-ping-interval", ping, "--ws-ping-timeout", timeout,
            "--ws-max-size", str(MAX_CLIENT_FRAME),
            # one payload for every fan: compressing per socket would cost CPU per fan per frame and a
            # compressor's memory per fan (browsers offer permessage-deflate; daphne never accepts it)
            "--ws-per-message-deflate", "false",
            "--lifespan", "off", "--no-access-log", "--backlog", "4096",
            "--timeout-graceful-shutdown", "10",
        ]  # fmt: skip
        if workers > 1:
            cmd += ["--workers", str(workers)]
        if proxy:
            cmd += [
                "--proxy-headers",
                "--forwarded-allow-ips",
                os.environ.get("TRUSTED_PROXIES", "127.0.0.1"),
            ]
        return cmd
    if server == "daphne":
        cmd = [
            str(bin_dir / "daphne"),
            "-b", host, "-p", str(port),
            "--ping-interval", ping, "--ping-timeout", timeout,
        ]  # fmt: skip
        if proxy:
            cmd += ["--proxy-headers"]
        return [*cmd, app]
    if server == "granian":
        # asginl: ASGI without the lifespan protocol, which Django does not speak (uvicorn's --lifespan off).
        # --backpressure: granian serves at most backlog/workers requests at once, and a websocket is a
        # request for its whole life: without it, fan 1,025 would wait forever.
        return [
            str(bin_dir / "granian"),
            "--interface", "asginl", "--host", host, "--port", str(port), "--ws",
            "--workers", str(workers), "--loop", "uvloop", "--no-access-log",
            "--backlog", "4096", "--backpressure", "1000000",
            app,
        ]  # fmt: skip
    raise ValueError(f"unknown server {server!r}; one of {', '.join(SERVERS)}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Serve Diretta.")
    parser.add_argument("--server", choices=SERVERS, default=os.environ.get("DIRETTA_SERVER", DEFAULT_SERVER))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--proxy", action="store_true", help="trust X-Forwarded-* from TRUSTED_PROXIES")
    args = parser.parse_args(argv)
    cmd = command(args.server, host=args.host, port=args.port, workers=args.workers, proxy=args.proxy)
    os.execv(cmd[0], cmd)


if __name__ == "__main__":
    main()

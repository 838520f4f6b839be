"""Bad input against the real servers: the documented close codes, bounded request bodies, no tracebacks."""

import json
import socket
import time

import pytest
from websockets.sync.client import connect

from commentary.live import fans
from tests.conftest import make_match
from tests.e2e.conftest import Server

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(params=["uvicorn", "daphne"])
def any_server(request, transactional_db):
    running = Server(kind=request.param).start()
    yield running
    running.stop()


def close_code_after(server, match, send) -> int:
    with connect(f"ws://127.0.0.1:{server.port}/ws/matches/{match.pk}/", origin=server.url) as ws:
        send(ws)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                ws.recv(timeout=1)
            except TimeoutError:
                continue
            except Exception:
                break
        return ws.close_code


@pytest.mark.parametrize(
    ("name", "send", "code"),
    [
        ("binary", lambda ws: ws.send(b"\x00\x01"), fans.CLOSE_BINARY),
        ("oversized", lambda ws: ws.send(json.dumps({"since": 0, "pad": "x" * 5000})), fans.CLOSE_TOO_BIG),
        ("malformed", lambda ws: ws.send("not json"), fans.CLOSE_MALFORMED),
    ],
    ids=["binary", "oversized", "malformed"],
)
def test_bad_frames_close_with_the_documented_code_and_no_traceback(any_server, name, send, code):
    match = make_match()
    assert close_code_after(any_server, match, send) == code
    time.sleep(0.3)
    log = any_server.log_text()
    assert "Traceback" not in log and "ERROR" not in log, log[-2000:]


def post_raw(port: int, head: bytes, body_chunks) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head)
        try:
            for chunk in body_chunks:
                sock.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server stopped reading: what a limit is for
        sock.settimeout(10)
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except (ConnectionResetError, TimeoutError):
            pass
        return answer


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_a_huge_body_is_refused_before_it_is_read(any_server, declared):
    if any_server.kind == "daphne":
        # Twisted reads a whole request body (into a temporary file past 100 KB, not memory) before the
        # application runs, so nothing in Diretta can stop it earlier: under daphne the limit is the
        # proxy's (client_max_body_size in deploy/nginx.conf, docs/DEPLOY.md).
        pytest.skip("daphne reads the whole body before the application runs: bounded by the proxy")
    before = any_server.rss_kb()
    megabyte = b"x" * (1024 * 1024)
    if declared:
        head = (
            f"POST /api/matches/ HTTP/1.1\r\nHost: 127.0.0.1:{any_server.port}\r\n"
            f"Content-Length: {500 * 1024 * 1024}\r\nContent-Type: application/octet-stream\r\n\r\n"
        ).encode()
        chunks = (megabyte for _ in range(40))
    else:
        head = (
            f"POST /api/matches/ HTTP/1.1\r\nHost: 127.0.0.1:{any_server.port}\r\n"
            "Transfer-Encoding: chunked\r\nContent-Type: application/octet-stream\r\n\r\n"
        ).encode()
        chunks = (b"%x\r\n" % len(megabyte) + megabyte + b"\r\n" for _ in range(40))
    answer = post_raw(any_server.port, head, chunks)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"Request too large" in answer
    assert any_server.rss_kb() - before < 20 * 1024, "the server kept the body in memory"

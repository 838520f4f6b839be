"""Lighthouse (mobile) on the four kinds of page fans read: home, a live round, a live match, a report.

    make run                                       # in another terminal: the demo round, live
    .venv/bin/python bench/lighthouse.py [--base http://127.0.0.1:8000]

Lighthouse is installed with npm into var/lighthouse the first time (it is a measuring tool, not a test
dependency); Chromium is Debian's (/usr/bin/chromium). Prints each page's four scores, the audits that
cost points, and a `RESULT {json}` line. Target (issue "The whole matchday live"): >= 0.98 everywhere.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "var" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGET = 0.98


def api(base: str, query: str) -> list[dict]:
    with urllib.request.urlopen(f"{base}/api/matches/?{query}", timeout=10) as response:
        return json.load(response)["results"]


def pages(base: str) -> dict[str, str]:
    live = api(base, "status=live&limit=50")
    if not live:
        sys.exit("no live match: start `make run` (it plays the demo round live) and run this while it plays")
    match = live[0]
    round_url = f"/competitions/{match['competition']['id']}/matchdays/{match['matchday']}/"
    try:
        urllib.request.urlopen(f"{base}{round_url}replay/", timeout=10)
        round_url += "replay/"
    except OSError:
        pass
    report = next(m for m in api(base, "status=finished&limit=200") if m["last_seq"] > 0)
    path = lambda url: urllib.parse.urlsplit(url).path  # noqa: E731 (the API's URLs are absolute)
    return {"home": "/", "round": round_url, "live match": path(match["url"]), "report": path(report["url"])}


def lighthouse() -> Path:
    binary = TOOL / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        TOOL.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--silent", "--prefix", str(TOOL), "lighthouse@13"], check=True)
    return binary


def audit(binary: Path, url: str) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run(
            [
                str(binary),
                url,
                "--quiet",
                "--form-factor=mobile",
                f"--only-categories={','.join(CATEGORIES)}",
                "--chrome-flags=--headless=new --no-sandbox",
                "--output=json",
                f"--output-path={out.name}",
            ],
            check=True,
            env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"},
            timeout=180,
        )
        return json.loads(Path(out.name).read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    base = parser.parse_args().base.rstrip("/")
    binary = lighthouse()
    result = {}
    for name, path in pages(base).items():
        report = audit(binary, base + path)
        scores = {key: report["categories"][key]["score"] for key in CATEGORIES}
        result[name] = {"url": path, **scores}
        print(f"{name:11} {path:45} " + "  ".join(f"{k} {v:.2f}" for k, v in scores.items()))
        for key in CATEGORIES:
            for ref in report["categories"][key]["auditRefs"]:
                found = report["audits"][ref["id"]]
                if ref["weight"] and found.get("score") is not None and found["score"] < 1:
                    print(f"    {key}: {ref['id']} {found['score']} {found.get('displayValue', '')}")
    lowest = min(score for page in result.values() for key, score in page.items() if key in CATEGORIES)
    print(f"lowest score {lowest:.2f} (target >= {TARGET}): {'met' if lowest >= TARGET else 'MISSED'}")
    print("RESULT " + json.dumps({"pages": result, "lowest": lowest, "target": TARGET}))


if __name__ == "__main__":
    main()

"""A release of the real records, seen as users see it: plain CSV readers, a browser on the
overview page, and a browser on Datasette (``alliance-data serve``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
import warnings
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pytest

from alliance_data_curate.build import build
from conftest import ROOT, SEEDS

pytestmark = pytest.mark.slow

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
TOKYO_2PLUS2 = "us-japan-scc-2021"  # the Tokyo 2+2 of 2021-03-16
SERVE = (
    "import sys; from pathlib import Path; from alliance_data.serve import serve; "
    "serve(Path(sys.argv[1]), '127.0.0.1', 0, lambda url: print(url, flush=True))"
)


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("real") / "0.0.0"
    return build(out, ROOT / "records", ROOT / "imported", text_dirs=[SEEDS])


def test_every_csv_reads_with_default_options(release: Path) -> None:
    paths = sorted((release / "csv").glob("*.csv"))
    assert len(paths) >= 13
    for path in paths:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a DtypeWarning (mixed types) fails too
            frame = pd.read_csv(path)
        assert len(pl.read_csv(path)) == len(frame), path.name
        assert duckdb.read_csv(str(path)).shape[0] == len(frame), path.name
    upstream = pl.read_csv(release / "csv" / "upstream_records.csv")
    assert upstream["upstream_id"].dtype == pl.String


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.skip("headless Chromium is not installed: apt-get install chromium")
    return found


def _browse(url: str, profile: Path, screenshot: Path) -> str:
    """The page's DOM after scripts ran; a screenshot of it is saved too."""
    base = [_chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
    dom = subprocess.run(
        [*base, "--dump-dom", url], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    subprocess.run(
        [*base, "--window-size=1280,1600", f"--screenshot={screenshot}", url],
        capture_output=True,
        timeout=60,
        check=True,
    )
    assert screenshot.stat().st_size > 10_000
    return dom


def test_overview_page_renders_offline(release: Path, tmp_path: Path) -> None:
    dom = _browse((release / "index.html").as_uri(), tmp_path / "profile", tmp_path / "o.png")
    assert dom.count("<svg") >= 3
    assert "Meetings per year, by kind" in dom
    assert "<td>upstream_records</td>" in dom


def _wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_datasette_shows_the_tokyo_meeting(release: Path, tmp_path: Path) -> None:
    _chromium()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [sys.executable, "-c", SERVE, str(release)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert server.stdout is not None
        base = server.stdout.readline().strip()
        assert base.startswith("http://127.0.0.1:"), server.stderr.read() if server.stderr else ""
        _wait_for(base)
        url = f"{base}/meetings?city=Tokyo&_sort_desc=start_date"
        dom = _browse(url, tmp_path / "profile", tmp_path / "datasette.png")
        assert TOKYO_2PLUS2 in dom
        assert "U.S.-Japan Security Consultative Committee (2+2), Tokyo" in dom
        assert "A meeting, call, hearing, visit or trip." in dom  # the table's description
    finally:
        server.terminate()
        server.wait(timeout=10)

"""The app in a real browser: headless Debian Chromium driven by Playwright (no `playwright install`)."""

from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from nearcoder.leaderboard.publish import ModelOverrides, publish
from nearcoder.leaderboard.synthetic import write_output_dir

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
XSS_NAME = "<img src=x onerror=alert(1)>"


@pytest.fixture
def server(tmp_path, db_url, start_server):
    write_output_dir(tmp_path / "a", "alpha", {
        "near_humaneval_js": {"pass@1": [1.0, 0.0], "bleu": [0.2, 0.4]},
        "near_questions": {"rouge1": [0.5, 0.5]}}, parameters=3_000_000_000,
        outcomes={"near_humaneval_js": [{"status": "passed", "reason": "", "exit_code": 0},
                                        {"status": "timeout", "reason": "wall-clock limit 10s", "exit_code": None}]})
    publish(db_url, [tmp_path / "a"], ModelOverrides(stage="base"))
    write_output_dir(tmp_path / "b", "beta", {"near_questions": {"rouge1": [0.1, 0.3]}}, limit=2,
                     parameters=7_000_000)
    publish(db_url, [tmp_path / "b"], ModelOverrides(stage="stage1", parent="alpha", model_type="fine-tuned"))
    write_output_dir(tmp_path / "x", XSS_NAME, {"near_questions": {"rouge1": [0.9, 0.7]}}, parameters=1_000_000)
    publish(db_url, [tmp_path / "x"])
    with start_server(db_url, tmp_path) as url:
        yield url


def _rows(page, table: str = "#leaderboard-table") -> list[str]:
    """First-column texts of a Gradio 6 Dataframe's (virtualised) body rows, in display order."""
    return page.evaluate(
        """sel => Array.from(document.querySelectorAll(sel + ' .virtual-row'))
                 .sort((a, b) => Number(a.dataset.index) - Number(b.dataset.index))
                 .map(r => (r.querySelector('[role=gridcell][data-col="0"]') || {innerText: ''}).innerText.trim())""",
        table)


def _wait_rows(page, predicate, timeout=15.0) -> list[str]:
    deadline = time.time() + timeout
    rows = _rows(page)
    while time.time() < deadline:
        rows = _rows(page)
        if predicate(rows):
            return rows
        time.sleep(0.25)
    raise AssertionError(f"table rows never matched: {rows}")


def _wait_text(page, selector: str, text: str, timeout_ms: int = 15000) -> None:
    page.wait_for_function(
        "([sel, text]) => Array.from(document.querySelectorAll(sel)).some(e => e.innerText.includes(text))",
        arg=[selector, text], timeout=timeout_ms)


@contextmanager
def _browser(width: int, height: int):
    """Headless Debian Chromium through Playwright, closed afterwards; skips when either is missing."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not installed")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser.new_page(viewport={"width": width, "height": height})
        finally:
            browser.close()


def test_load_sort_filter_open_model_and_sample(server):
    with _browser(1400, 1000) as page:
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(server)
        rows = _wait_rows(page, lambda r: "alpha" in r and "beta" in r)
        # the hostile name shows as text, never as markup
        assert XSS_NAME in rows
        assert page.locator('img[src="x"]').count() == 0 and dialogs == []
        assert "NEARCoder-3b" in rows  # seed reference row
        page.screenshot(path=str(ARTIFACTS / "leaderboard-loaded.png"), full_page=True)

        # sort by a task column, ascending: beta (0.2) < alpha (0.5) < xss (0.8)
        page.locator("#sort-by input").click()
        page.get_by_role("option", name="nearQuestions_rouge1", exact=True).click()
        page.locator("#ascending input").check()
        rows = _wait_rows(page, lambda r: r[:1] == ["beta"])
        measured = [r for r in rows if r in ("alpha", "beta", XSS_NAME)]
        assert measured == ["beta", "alpha", XSS_NAME]

        # filters: hide seed rows and partial runs, then search by name
        page.locator("#show-seed input").uncheck()
        _wait_rows(page, lambda r: "NEARCoder-3b" not in r)
        page.locator("#show-partial input").uncheck()
        _wait_rows(page, lambda r: "beta" not in r and "alpha" in r)
        page.locator("#search textarea, #search input").first.fill("alp")
        page.locator("#search textarea, #search input").first.press("Enter")
        _wait_rows(page, lambda r: r == ["alpha"])
        page.screenshot(path=str(ARTIFACTS / "leaderboard-main.png"), full_page=True)

        # open the model from the table, then a sample
        page.locator("#leaderboard-table .virtual-row [role=gridcell]", has_text="alpha").first.click()
        _wait_text(page, "#model-header", "alpha")
        _wait_text(page, "#model-scores .virtual-row", "pass@1")
        _wait_text(page, "#samples .virtual-row", "timeout")
        page.locator("#samples .virtual-row [role=gridcell]", has_text="timeout").first.click()
        verdict = page.locator("#verdict textarea, #verdict input").first
        page.wait_for_function("el => el.value === 'timeout'", arg=verdict.element_handle(), timeout=15000)
        reason = page.locator("#reason textarea, #reason input").first.input_value()
        assert reason == "wall-clock limit 10s"
        assert page.locator("#prompt textarea").input_value().startswith("Prompt 1")
        page.screenshot(path=str(ARTIFACTS / "leaderboard-model.png"), full_page=True)

        # plots: score vs parameters and the seed's stage-by-stage lineage render as images
        page.get_by_role("tab", name="Plots").click()
        page.wait_for_selector("#plot-params img", timeout=20000)
        page.wait_for_selector("#plot-lineage img", timeout=20000)
        page.screenshot(path=str(ARTIFACTS / "leaderboard-plots.png"), full_page=True)
        page.get_by_role("tab", name="About").click()
        _wait_text(page, "body", "key_fact_recall")
        assert dialogs == []


@pytest.fixture
def stats_server(tmp_path, db_url, start_server):
    """Three comparable models (two within each other's interval), a floor row, a model on other task data."""
    n = 164
    for name, share in (("leader-7b", 0.62), ("close-3b", 0.58), ("far-1b", 0.25)):
        k = round(n * share)
        write_output_dir(tmp_path / name, name, {"near_humaneval_js": {"pass@1": [1.0] * k + [0.0] * (n - k)}},
                         parameters=1_000_000_000)
        publish(db_url, [tmp_path / name])
    write_output_dir(tmp_path / "floor", "baseline/empty-program", {"near_humaneval_js": {"pass@1": [0.0] * n}},
                     kind="baseline")
    write_output_dir(tmp_path / "other", "other-data-model", {"near_humaneval_js": {"pass@1": [1.0] * n}},
                     data_tag="-changed-items")
    publish(db_url, [tmp_path / "floor", tmp_path / "other"])
    with start_server(db_url, tmp_path) as url:
        yield url


def _cells(page, table: str, row_name: str) -> list[str]:
    return page.evaluate(
        """([sel, name]) => {
             const row = Array.from(document.querySelectorAll(sel + ' .virtual-row')).find(
               r => (r.querySelector('[role=gridcell][data-col="0"]') || {innerText: ''}).innerText.trim() === name);
             return row ? Array.from(row.querySelectorAll('[role=gridcell]')).map(c => c.innerText.trim()) : [];
           }""", [table, row_name])


def test_intervals_rank_bands_baseline_rows_and_apart_table(stats_server):
    with _browser(1600, 1100) as page:
        page.goto(stats_server)
        rows = _wait_rows(page, lambda r: "leader-7b" in r and "baseline/empty-program" in r)
        measured = [r for r in rows if r in ("leader-7b", "close-3b", "far-1b")]
        assert measured == ["leader-7b", "close-3b", "far-1b"]
        assert "other-data-model" not in rows  # not ranked with the others ...
        _wait_text(page, "#apart-table", "other-data-model")  # ... but listed apart, with the reason
        _wait_text(page, "#apart-table", "near_humaneval_js: data hash")
        page.screenshot(path=str(ARTIFACTS / "leaderboard-stats.png"), full_page=True)
        leader, close, far = (_cells(page, "#leaderboard-table", n) for n in ("leader-7b", "close-3b", "far-1b"))
        assert "1–2" in leader and "1–2" in close and "3" in far  # rank ranges
        assert "0.622 ± 0.074" in leader, " | ".join(leader)  # 102/164 ± 1.96 x stderr
        floor = _cells(page, "#leaderboard-table", "baseline/empty-program")
        assert "baseline (floor)" in floor and "0.000 ± 0.000" in floor
        # the floor row is styled apart from measured rows
        styles = page.evaluate(
            """() => Array.from(document.querySelectorAll('#leaderboard-table .virtual-row')).map(r => {
                 const c = r.querySelector('[role=gridcell][data-col="0"]');
                 return [c.innerText.trim(), getComputedStyle(c).fontStyle, getComputedStyle(c).backgroundColor];
               })""")
        by_name = {name: (font, bg) for name, font, bg in styles}
        assert by_name["baseline/empty-program"] != by_name["leader-7b"], styles


QUEUE_XSS = "<script>alert(1)</script><b>bold</b>"  # a request's model cannot hold '=' or ','


@pytest.fixture
def queue_server(tmp_path, db_url, start_server):
    """One evaluated and one self-reported model, and a queued request under a hostile name."""
    from nearcoder.leaderboard import eval_queue

    write_output_dir(tmp_path / "e", "evaluated-model", {"near_questions": {"rouge1": [0.4, 0.6]}})
    publish(db_url, [tmp_path / "e"], provenance="evaluated")
    write_output_dir(tmp_path / "s", "self-published", {"near_questions": {"rouge1": [0.7, 0.9]}})
    publish(db_url, [tmp_path / "s"])
    eval_queue.submit(db_url, QUEUE_XSS, validate=False)
    with start_server(db_url, tmp_path) as url:
        yield url


def test_submit_tab_queues_a_model_refuses_a_bad_one_and_the_evaluated_only_filter(queue_server, tiny_model,
                                                                                      tmp_path):
    with _browser(1500, 1100) as page:
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(queue_server)
        _wait_rows(page, lambda r: "evaluated-model" in r and "self-published" in r)
        page.locator("#evaluated-only input").check()
        _wait_rows(page, lambda r: r == ["evaluated-model"])
        assert "evaluated by the leaderboard" in _cells(page, "#leaderboard-table", "evaluated-model")

        page.get_by_role("tab", name="Submit").click()
        _wait_text(page, "#queue-table .virtual-row", QUEUE_XSS)  # read when the tab opens, shown as text
        assert page.locator("#queue-table b").count() == 0 and dialogs == []
        status = page.locator("#submit-status textarea, #submit-status input").first

        page.locator("#submit-model textarea, #submit-model input").first.fill(str(tiny_model))
        page.locator("#submit-precision input").click()
        page.get_by_role("option", name="float32", exact=True).click()
        page.locator("#submit-button").click()
        page.wait_for_function("el => el.value.startsWith('Queued request #2')", arg=status.element_handle(),
                               timeout=60000)
        _wait_text(page, "#queue-table .virtual-row", str(tiny_model))
        row = _cells(page, "#queue-table", "#2")
        assert str(tiny_model) in row and "float32" in row and "pending" in row and "main" in row, row
        page.screenshot(path=str(ARTIFACTS / "leaderboard-submit.png"), full_page=True)

        missing = str(tmp_path / "no-such-model")
        page.locator("#submit-model textarea, #submit-model input").first.fill(missing)
        page.locator("#submit-button").click()
        page.wait_for_function("el => el.value.startsWith('Not queued')", arg=status.element_handle(),
                               timeout=60000)
        assert "no such directory" in status.input_value() and missing in status.input_value()
        page.locator("#submit-model textarea, #submit-model input").first.fill(str(tiny_model))
        page.locator("#submit-button").click()  # the same request again: refused, pointing at request #2
        page.wait_for_function("el => el.value.includes('request #2 is pending')", arg=status.element_handle(),
                               timeout=60000)
        assert _rows(page, "#queue-table") == ["#2", "#1"]  # nothing refused was queued
        page.screenshot(path=str(ARTIFACTS / "leaderboard-submit-refused.png"), full_page=True)
        assert dialogs == []

"""The app in a real browser: headless Debian Chromium driven by Playwright (no `playwright install`)."""

from __future__ import annotations

import time
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


def test_load_sort_filter_open_model_and_sample(server):
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not installed")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
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
        browser.close()

"""The static leaderboard site, built from the committed submissions: ranked rows, offline files, accessible tables,
and (in headless Chromium) sorting, submission pages and images with no console errors."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from arena.cli import main
from arena.leaderboard.bundle import bundle_bytes
from arena.leaderboard.manifest import make_manifest
from arena.leaderboard.problems import LeaderboardError
from arena.leaderboard.site import build_site
from arena.leaderboard.validator import checked_bundle

ROOT = Path(__file__).resolve().parents[1]
SUBMISSIONS = ROOT / "leaderboard" / "submissions"
#: The committed first entries, in their expected rank order (expert 100% under All, the VLA 5%, random 0%).
ENTRIES = ["expert", "arena-vla-small", "random"]
CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")


class Page(HTMLParser):
    """Collects what the tests look at in a generated page: links, sources, table headers, row names."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.headers: list[dict[str, str | None]] = []
        self.rows: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.urls += [attributes[k] for k in ("href", "src") if attributes.get(k)]
        if tag == "th":
            self.headers.append(attributes)
        if tag == "tr" and "data-name" in attributes:
            self.rows.append(attributes["data-name"])


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site ``arena leaderboard build`` makes of the committed submissions (built once for this module)."""
    out = tmp_path_factory.mktemp("site") / "site"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main(["leaderboard", "build", str(SUBMISSIONS), "-o", str(out)]) == 0
    assert printed.getvalue().splitlines()[1:4] == [
        "  1. expert: All 100%, mean over axes 100%",
        "  2. arena-vla-small: All 5%, mean over axes 34%",
        "  3. random: All 0%, mean over axes 0%",
    ]
    return out


def test_the_index_lists_the_committed_entries_sorted_by_rank(site):
    page = Page((site / "index.html").read_text())
    assert page.rows == ENTRIES
    board = json.loads((site / "leaderboard.json").read_text())
    (track,) = board["tracks"]
    assert track["kind"] == "partial" and track["tasks"] == ["CloseBox", "CloseLaptopLid", "OpenDrawer", "TurnOvenOn"]
    assert [(e["rank"], e["name"]) for e in track["entries"]] == [(1, "expert"), (2, "arena-vla-small"), (3, "random")]
    vla = track["entries"][1]
    assert vla["all"]["value"] == pytest.approx(0.05) and vla["all"]["effective_episodes"] == pytest.approx(100)
    assert vla["relative_drop"]["All"] == pytest.approx(0.05 / 0.56 - 1)  # the report's -91%
    assert vla["cells"]["CloseBox/None"] == {"successes": 0, "episodes": 25}


def test_the_site_is_offline_and_every_local_link_resolves(site):
    pages = [site / "index.html", *sorted((site / "submissions").glob("*.html"))]
    assert len(pages) == 1 + len(ENTRIES)
    for path in pages:
        for url in Page(path.read_text()).urls:
            if url.startswith(("http://", "https://", "//")):
                pytest.fail(f"{path.name} loads or links {url}: the site must work offline")
            if url.startswith("#"):
                assert f'id="{url[1:]}"' in path.read_text(), f"{path.name} links {url}, which it lacks"
                continue
            target = (path.parent / url.split("#")[0]).resolve()
            assert target.is_file(), f"{path.name} links {url}, which is not in the site"
    for name in ENTRIES:
        assert (site / "bundles" / f"{name}.zip").read_bytes() == (SUBMISSIONS / f"{name}.zip").read_bytes()
        assert (site / "submissions" / f"{name}-heatmap.png").read_bytes().startswith(b"\x89PNG")


def test_tables_have_scoped_headers_and_rank_is_the_default_sort(site):
    headers = Page((site / "index.html").read_text()).headers
    assert all(h.get("scope") in ("col", "colgroup", "row") for h in headers)
    sorted_by = [h for h in headers if "aria-sort" in h]
    assert len(sorted_by) == 1 and sorted_by[0]["aria-sort"] == "ascending"
    text = (site / "index.html").read_text()
    assert "<button" not in text  # no dead controls without JavaScript: sort.js adds the buttons
    page = (site / "submissions" / "arena-vla-small.html").read_text()
    assert "622,087" in page and 'alt="Heatmap of arena-vla-small' in page and "CloseBox, CloseLaptopLid" in page


def test_rebuilding_replaces_the_site_and_is_reproducible(site, tmp_path):
    some = tmp_path / "some"
    some.mkdir()
    for name in ENTRIES[:2]:
        shutil.copy(SUBMISSIONS / f"{name}.zip", some)
    out = tmp_path / "site"
    shutil.copytree(site, out)
    build_site(some, out)
    assert not (out / "submissions" / "random.html").exists()  # a removed submission leaves no page behind
    assert (out / "submissions" / "expert-heatmap.png").read_bytes() == (
        site / "submissions" / "expert-heatmap.png"
    ).read_bytes()


def test_the_build_refuses_bad_folders_and_bundles(tmp_path):
    with pytest.raises(LeaderboardError, match="holds no submission bundles"):
        build_site(tmp_path, tmp_path / "out")
    (tmp_path / "notes.txt").write_text("mine")
    shutil.copy(SUBMISSIONS / "random.zip", tmp_path / "renamed.zip")
    with pytest.raises(LeaderboardError, match="submission name 'random' differs from its file name 'renamed'"):
        build_site(tmp_path, tmp_path / "out")
    (tmp_path / "renamed.zip").write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(LeaderboardError, match=r"renamed.zip: 1 problem\(s\), first <bundle>: \[archive\]"):
        build_site(tmp_path, tmp_path / "out")
    shutil.copy(SUBMISSIONS / "random.zip", tmp_path / "renamed.zip")
    (tmp_path / "renamed.zip").rename(tmp_path / "random.zip")
    with pytest.raises(LeaderboardError, match="not empty and holds no earlier leaderboard site"):
        build_site(tmp_path, tmp_path)


def test_text_from_a_bundle_is_escaped(tmp_path):
    bundle = checked_bundle(SUBMISSIONS / "random.zip")
    manifest = make_manifest(
        name="xss", team="<script>alert(1)</script>", policy="random", tasks=bundle.manifest["track"]["tasks"],
        policy_card={**bundle.manifest["policy_card"], "architecture": '"><img src=x onerror=alert(1)>'},
    )  # fmt: skip
    folder = tmp_path / "submissions"
    folder.mkdir()
    (folder / "xss.zip").write_bytes(bundle_bytes(manifest, bundle.records))
    build_site(folder, tmp_path / "site")
    for page in (tmp_path / "site" / "index.html", tmp_path / "site" / "submissions" / "xss.html"):
        text = page.read_text()
        assert "<script>alert" not in text and "<img src=x" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in (tmp_path / "site" / "index.html").read_text()


# --- in a real browser ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip("Debian's chromium and chromium-driver are not installed (scripts/setup_env.sh test installs them)")
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager never downloads a driver
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                     "--disable-extensions", "--disable-background-networking"):  # fmt: skip
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    yield driver
    driver.quit()


def console_errors(driver):
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def row_names(driver):
    return [row.get_attribute("data-name") for row in driver.find_elements("css selector", "table.sortable tbody tr")]


def broken_images(driver):
    return driver.execute_script(
        "return Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src);"
    )


def header(driver, label):
    (button,) = [b for b in driver.find_elements("css selector", "th button.sort") if b.text.strip() == label]
    return button, button.find_element("xpath", "..")


def test_the_site_renders_sorts_and_links_in_chromium(site, browser):
    from selenium.webdriver.common.keys import Keys

    browser.get((site / "index.html").as_uri())
    assert row_names(browser) == ENTRIES
    assert console_errors(browser) == []

    button, th = header(browser, "Submission")
    button.click()  # text columns sort ascending first
    assert (
        row_names(browser) == ["arena-vla-small", "expert", "random"] and th.get_attribute("aria-sort") == "ascending"
    )
    button.click()
    assert (
        row_names(browser) == ["random", "expert", "arena-vla-small"] and th.get_attribute("aria-sort") == "descending"
    )

    button, th = header(browser, "Rank")
    button.send_keys(Keys.ENTER)  # keyboard: the focused header button sorts with Enter; Rank starts ascending
    assert row_names(browser) == ENTRIES and th.get_attribute("aria-sort") == "ascending"
    button.send_keys(Keys.ENTER)
    assert row_names(browser) == ENTRIES[::-1] and th.get_attribute("aria-sort") == "descending"
    assert browser.execute_script("return document.activeElement.textContent.trim()") == "Rank"
    assert header(browser, "Submission")[1].get_attribute("aria-sort") is None
    assert browser.find_element("id", "sort-status").get_attribute("textContent") == "Sorted by Rank, descending."

    button, _ = header(browser, "ObjectColor drop")  # random has no drop (0% under None): listed last either way
    button.send_keys(Keys.SPACE)
    assert row_names(browser) == ["expert", "arena-vla-small", "random"]
    button.send_keys(Keys.SPACE)
    assert row_names(browser) == ["arena-vla-small", "expert", "random"]

    for name in ENTRIES:
        browser.get((site / "index.html").as_uri())
        browser.find_element("link text", name).click()
        assert browser.find_element("tag name", "h1").text == name
        assert len(browser.find_elements("css selector", "table.per-task tbody tr")) == 4
        assert broken_images(browser) == [] and len(browser.find_elements("tag name", "img")) == 1
        assert console_errors(browser) == []


def test_the_browser_check_notices_a_missing_image(site, browser, tmp_path):
    broken = tmp_path / "site"
    shutil.copytree(site, broken)
    (broken / "submissions" / "random-heatmap.png").unlink()
    browser.get((broken / "submissions" / "random.html").as_uri())
    assert broken_images(browser) and any("random-heatmap.png" in e for e in console_errors(browser))

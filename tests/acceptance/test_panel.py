"""The reference panel in a real browser: Debian's Chromium, driven by Playwright, against
``vidprompt serve --worker`` on the local database (the offline template writes the prompts).

Set ``VIDPROMPT_SCREENSHOTS`` to a folder to keep the panel's screenshot there as well
(``docs/screenshots`` holds the one the README shows).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from playwright.sync_api import Page, expect, sync_playwright

from vidprompt.generation import sample_image

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.acceptance.conftest import Run

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
GREEN = "rgb(21, 128, 61)"  # panel.css --green: optimal length
# Records each time the panel sets the pending indicator, and whether "Generieren" was
# disabled once that render finished. Recorded as the panel sets it (a MutationObserver
# would report a quick show-and-hide only after both).
PENDING_RECORDER = """() => {
  window.pendingSeen = [];
  const pending = document.getElementById("pending");
  const generate = document.getElementById("generate");
  const hidden = Object.getOwnPropertyDescriptor(HTMLElement.prototype, "hidden");
  Object.defineProperty(pending, "hidden", {
    get() { return hidden.get.call(this); },
    set(value) {
      hidden.set.call(this, value);
      const shown = !value;
      queueMicrotask(() => window.pendingSeen.push({
        shown, generate_disabled: generate.disabled,
      }));
    },
  });
}"""


@pytest.fixture
def panel_url(
    vidprompt: Run, project: Path, cli_env: dict[str, str], tmp_path: Path
) -> Iterator[str]:
    """``vidprompt serve --worker`` on the pushed local database, without any Gemini key."""
    vidprompt("db", "push")
    env = {k: v for k, v in cli_env.items() if not k.startswith(("GEMINI_", "SUPABASE_"))}
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "vidprompt", "serve", "--worker", "--port", str(port)],
            cwd=project,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, log.read_text()
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "serve did not answer /health in time"
            time.sleep(0.2)
        yield _printed_panel_address(log, url)
    finally:
        process.terminate()
        process.wait(timeout=60)


def _printed_panel_address(log: Path, url: str) -> str:
    """The panel's address as serve printed it, with its sign-in key: what a person opens."""
    deadline = time.monotonic() + 30
    while not (found := re.search(r"^Panel: (\S+)$", log.read_text(), re.MULTILINE)):
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.1)
    address = found.group(1)
    assert address.startswith(f"{url}/#key=")
    return address


def _origin(address: str) -> str:
    return address.split("/#", 1)[0]


def _api(url: str, page: Page, path: str) -> Any:
    """What the API says, asked with the token the panel signed in with."""
    token = page.evaluate("JSON.parse(sessionStorage.getItem('vidprompt.session')).token")
    response = httpx.get(f"{url}{path}", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    return response.json()


def _generate(page: Page, *, suggestions: list[str], camera: str, effects: list[str]) -> None:
    for text in suggestions:
        page.get_by_role("button", name=text, exact=True).click()
    page.locator("#camera-styles").get_by_role("button", name=camera, exact=True).click()
    for effect in effects:
        page.locator("#film-effects").get_by_role("button", name=effect, exact=True).click()
    page.get_by_role("button", name="Generieren").click()


@pytest.mark.usefixtures("local_database_pushed")
def test_the_panel_from_upload_to_delete_in_chromium(panel_url: str, tmp_path: Path) -> None:
    errors: list[str] = []
    image = tmp_path / "photo.png"
    image.write_bytes(sample_image())
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1180, "height": 860})
        context.grant_permissions(
            ["clipboard-read", "clipboard-write"], origin=_origin(panel_url)
        )
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        try:
            _walk_through(page, panel_url, image, tmp_path)
        finally:
            browser.close()
    assert errors == []


def _walk_through(page: Page, address: str, image: Path, tmp_path: Path) -> None:
    page.goto(address)
    url = _origin(address)
    assert "#key=" not in page.url  # the key leaves the address bar and the history
    page.get_by_label("E-Mail").fill("ada@example.test")
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_text("ada@example.test")).to_be_visible()

    # Upload: the image lands in the gallery and its panel opens.
    page.locator("#upload").set_input_files(str(image))
    expect(page.locator("#gallery li")).to_have_count(1)
    expect(page.locator("#panel")).to_be_visible()
    [uploaded] = _api(url, page, "/images")["items"]
    assert uploaded["type"] == "source"

    # Suggestions: the fixed chips; offline there are no AI ones, and the panel says why.
    chips = page.locator("#suggestions .chip")
    expect(chips).to_have_text(["lächeln", "winken", "nicken", "drehen"])
    expect(page.locator("#suggestions .chip.ai")).to_have_count(0)
    expect(page.locator("#suggestions-note")).to_contain_text("offline")

    # Chips append to the instruction with ", " and look active once in the text.
    page.get_by_role("button", name="lächeln", exact=True).click()
    page.get_by_role("button", name="winken", exact=True).click()
    expect(page.get_by_label("Was soll passieren?")).to_have_value("lächeln, winken")
    expect(chips.first).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#count")).to_have_text("0")

    # Three variants, each generated by the worker while the panel polls. The offline
    # template is quick, so what the pending state showed is recorded as it happens.
    page.evaluate(PENDING_RECORDER)
    _generate(page, suggestions=[], camera="Zoom-In", effects=["Golden Hour"])
    expect(page.locator("#position")).to_have_text("1 von 1", timeout=60_000)
    expect(page.locator("#words")).to_contain_text("Wörter", timeout=60_000)
    expect(page.locator("#pending")).to_be_hidden()
    seen = page.evaluate("window.pendingSeen")
    # Whenever the pending state is shown, "Generieren" is disabled. Whether it is shown at
    # all depends on the offline template's speed against the panel's first render.
    assert all(record["generate_disabled"] for record in seen if record["shown"]), seen
    expect(page.get_by_role("button", name="Generieren")).to_be_enabled()
    page.get_by_role("button", name="+ Neu").click()
    expect(page.get_by_label("Was soll passieren?")).to_be_focused()
    # The camera style and film effects stay chosen: a click toggles an effect.
    _generate(page, suggestions=["nicken"], camera="Orbit", effects=["Noir"])
    expect(page.locator("#position")).to_have_text("2 von 2", timeout=60_000)
    page.get_by_role("button", name="+ Neu").click()
    _generate(page, suggestions=["drehen"], camera="Dolly", effects=["Golden Hour", "Dramatisch"])
    expect(page.locator("#position")).to_have_text("3 von 3", timeout=60_000)
    expect(page.locator("#count")).to_have_text("3")
    expect(page.locator("#pending")).to_be_hidden(timeout=60_000)
    variants = _api(url, page, f"/images/{uploaded['id']}/variants")["items"]
    assert [v["status"] for v in variants] == ["completed"] * 3
    assert [v["camera_style"] for v in variants] == ["zoom_in", "orbit", "dolly"]
    assert variants[0]["user_instruction"] == "lächeln, winken"
    assert [v["film_effects"] for v in variants] == [
        ["golden_hour"],
        ["golden_hour", "noir"],
        ["noir", "dramatic"],
    ]
    assert variants[1]["user_instruction"] == "nicken"

    # Navigation with the arrows, by mouse and by keyboard.
    page.get_by_role("button", name="Vorherige Variante").click()
    expect(page.locator("#position")).to_have_text("2 von 3")
    expect(page.locator("#prompt")).to_have_text(variants[1]["prompt_text"])
    page.get_by_role("button", name="Vorherige Variante").press("Enter")
    expect(page.locator("#position")).to_have_text("1 von 3")
    page.get_by_role("button", name="Nächste Variante").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#position")).to_have_text("2 von 3")

    # Copy: the clipboard holds the shown prompt, and a toast says so.
    page.get_by_role("button", name="Kopieren").click()
    expect(page.locator("#toast")).to_have_text("Prompt kopiert")
    assert page.evaluate("navigator.clipboard.readText()") == variants[1]["prompt_text"]

    # The word count, coloured as the API rates it (the template writes 50-150 words).
    words = page.locator("#words")
    expect(words).to_have_text(f"{variants[1]['word_count']} Wörter")
    assert variants[1]["length_feedback"] == "optimal"
    expect(words).to_have_class("words optimal")
    assert words.evaluate("element => getComputedStyle(element).color") == GREEN

    # Primary.
    page.get_by_role("button", name="☆ Als primär markieren").click()
    expect(page.locator("#primary")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#primary")).to_have_text("★ Primär")
    listed = _api(url, page, f"/images/{uploaded['id']}/variants")["items"]
    assert [v["is_primary"] for v in listed] == [False, True, False]

    _screenshot(page, tmp_path)

    # Delete the shown variant: two are left, and the count follows.
    page.get_by_role("button", name="Löschen").click()
    expect(page.locator("#count")).to_have_text("2")
    expect(page.locator("#position")).to_have_text("2 von 2")
    left = _api(url, page, f"/images/{uploaded['id']}/variants")["items"]
    assert [v["id"] for v in left] == [variants[0]["id"], variants[2]["id"]]

    # Narrow screens: the panel goes below the gallery instead of beside it.
    page.set_viewport_size({"width": 420, "height": 900})
    gallery = page.locator(".gallery-area").bounding_box()
    panel = page.locator("#panel").bounding_box()
    assert gallery is not None
    assert panel is not None
    assert panel["y"] >= gallery["y"] + gallery["height"]


def _screenshot(page: Page, tmp_path: Path) -> None:
    taken = tmp_path / "panel.png"
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(taken), full_page=True)
    assert taken.read_bytes().startswith(b"\x89PNG")
    if folder := os.environ.get("VIDPROMPT_SCREENSHOTS"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(taken, Path(folder) / "panel.png")

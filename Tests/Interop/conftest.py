"""Shared setup of the interop suite: where the running Astrolab is, and account helpers.

The suite drives a running installation through its edge (./deploy/test starts one); it fails
at once, loudly, when nothing answers there."""
import json
import os
import pathlib
import time
import uuid

import pytest
import requests

EDGE = os.environ.get("ASTROLAB_EDGE", "http://127.0.0.1:8080")
MQTT_PORT = int(os.environ.get("ASTROLAB_MQTT_PORT", "1883"))
ADMIN = os.environ.get("ASTROLAB_ADMIN_CREDENTIALS", "")
FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "Fixtures" / "octobot"
PASSWORD = "correct horse battery"


def _point_the_bot_at_astrolab():
    """A stock bot is configured by environment variables only, read when octobot.constants is
    first imported: set them before any test module imports the bot's code."""
    try:
        connection = requests.get(f"{EDGE}/v1/community", timeout=5).json()
    except Exception:  # noqa: BLE001 - pytest_sessionstart reports an unreachable installation
        return
    os.environ["COMMUNITY_BACKEND_URL"] = EDGE
    os.environ["COMMUNITY_BACKEND_KEY"] = connection["publicKey"]
    os.environ["COMMUNITY_FEED_URL"] = EDGE.split("//", 1)[1].split(":")[0]


_point_the_bot_at_astrolab()


def pytest_sessionstart(session):
    try:
        requests.get(f"{EDGE}/health/live", timeout=5).raise_for_status()
    except Exception as error:  # noqa: BLE001 - any failure means the suite cannot run
        pytest.exit(f"Astrolab is not up at {EDGE} ({error}); start it with ./deploy/run", returncode=3)


class Api:
    def call(self, method, path, token=None, expect=None, **kwargs):
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        response = requests.request(method, path if path.startswith("http") else EDGE + path, headers=headers, timeout=60, **kwargs)
        if expect is not None:
            assert response.status_code == expect, f"{method} {path}: {response.status_code} {response.text}"
        return response

    def signup(self, name):
        email, token, user_id = self.account(name)
        return token, user_id

    def account(self, name):
        """A new account: its email, an access token and its id."""
        email = f"{name}-{uuid.uuid4().hex[:8]}@example.com"
        user = self.call("POST", "/v1/auth/register", json={"email": email, "password": PASSWORD, "displayName": name}, expect=201).json()
        return email, self.login(email, PASSWORD), user["id"]

    def login(self, email, password):
        return self.call("POST", "/v1/auth/login", json={"email": email, "password": password}, expect=200).json()["accessToken"]

    def admin(self):
        email, password = ADMIN.split(" / ", 1)
        return self.login(email, password)

    def open_case(self, strategy_id):
        """The id of the strategy's open review case, once moderation has opened it."""
        admin = self.admin()
        deadline = time.time() + 60
        while time.time() < deadline:
            cursor = None
            while True:
                page = self.call("GET", "/v1/moderation/cases?status=open&limit=100" + (f"&cursor={cursor}" if cursor else ""), token=admin, expect=200).json()
                case_id = next((c["id"] for c in page["items"] if c["strategyId"] == strategy_id), None)
                if case_id:
                    return case_id
                cursor = page["nextCursor"]
                if cursor is None:
                    break
            time.sleep(0.3)
        raise AssertionError(f"no review case opened for {strategy_id}")

    def approve(self, strategy_id):
        """Approves the strategy's open review case as the admin, and waits until it is published."""
        case_id = self.open_case(strategy_id)
        self.call("POST", f"/v1/moderation/cases/{case_id}/approve", token=self.admin(), json={"note": "interop"}, expect=200)
        deadline = time.time() + 60
        while self.call("GET", f"/v1/strategies/{strategy_id}").status_code != 200:
            assert time.time() < deadline, f"{strategy_id} never published"
            time.sleep(0.3)

    def signal_strategy(self, author):
        strategy = self.call("POST", "/v1/strategies", token=author, expect=201, json={
            "name": f"Interop signals {uuid.uuid4().hex[:6]}", "description": "Signals checked by OctoBot's own code.",
            "kind": "signals", "exchange": "binance", "pairs": ["BTC/USDT", "ETH/USDT"],
        }).json()
        self.call("POST", f"/v1/strategies/{strategy['id']}/submit", token=author, expect=200)
        self.approve(strategy["id"])
        return strategy["id"]


@pytest.fixture(scope="session")
def api():
    return Api()


def fixture_json(relative):
    return json.loads((FIXTURES / relative).read_text())

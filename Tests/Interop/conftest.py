"""Shared setup of the interop suite: where the running Astrolab is, and account helpers.

The suite drives a running installation through its edge (./deploy/test starts one); it fails
at once, loudly, when nothing answers there."""
import json
import os
import pathlib

import pytest
import requests

from astrolab_api import PASSWORD, Api  # noqa: F401 - PASSWORD is the tests' too

EDGE = os.environ.get("ASTROLAB_EDGE", "http://127.0.0.1:8080")
MQTT_PORT = int(os.environ.get("ASTROLAB_MQTT_PORT", "1883"))
ADMIN = os.environ.get("ASTROLAB_ADMIN_CREDENTIALS", "")
FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "Fixtures" / "octobot"


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


@pytest.fixture(scope="session")
def api():
    return Api(EDGE, ADMIN)


def fixture_json(relative):
    return json.loads((FIXTURES / relative).read_text())

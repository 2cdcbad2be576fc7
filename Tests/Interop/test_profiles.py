"""Profiles made, exported and imported by OctoBot's own code (octobot-commons)."""
import json
import os
import pathlib
import shutil
import uuid

import octobot_commons.profiles as profiles
import octobot_commons.profiles.profile_sharing as profile_sharing

from conftest import EDGE, FIXTURES

SCHEMA = str(FIXTURES / "profile_schema.json")


def test_exported_profile_uploads_with_the_right_summary(api, tmp_path):
    folder = tmp_path / "signal_trading"
    shutil.copytree(FIXTURES / "profiles" / "signal_trading", folder)
    profile = profiles.Profile(str(folder), schema_path=SCHEMA).read_config()
    exported = profile_sharing.export_profile(profile, str(tmp_path / "export"))

    author, _ = api.signup("interop-author")
    strategy = api.call("POST", "/v1/strategies", token=author, expect=201, json={"name": "Interop signal trading", "description": "Exported by octobot-commons.", "kind": "profile"}).json()
    version = api.call("POST", f"/v1/strategies/{strategy['id']}/versions", token=author, expect=201,
                       data=pathlib.Path(exported).read_bytes(), headers={"Content-Type": "application/zip"}).json()
    summary = version["summary"]
    assert summary["tradingMode"] == "SignalTradingMode"
    assert summary["exchanges"] == ["binance"]
    assert summary["pairs"] == ["BTC/USDT", "ETH/BTC", "ETH/USDT"]
    assert "KlingerOscillatorMomentumEvaluator" in summary["evaluators"]


def _subscribed_download_url(api, author, strategy_id):
    follower, _ = api.signup("interop-follower")
    return api.call("POST", "/v1/subscriptions", token=follower, expect=201, json={"strategyId": strategy_id}).json()["downloadUrl"]


def _import(url, into):
    """What the bot does with "import from URL": download with a plain GET and install."""
    cwd = os.getcwd()
    os.chdir(into)
    try:
        return profile_sharing.download_and_install_profile(_reachable(url), SCHEMA)
    finally:
        os.chdir(cwd)


def _reachable(url):
    # The URL names PUBLIC_BASE_URL; the suite reaches the same edge at ASTROLAB_EDGE.
    return EDGE + url[url.index("/d/"):]


def test_download_url_imports_into_the_bot_and_is_deduplicated(api, tmp_path):
    author, _ = api.signup("interop-author")
    strategy = api.call("POST", "/v1/strategies", token=author, expect=201, json={"name": "Interop daily", "description": "Daily trading for import.", "kind": "profile"}).json()
    api.call("POST", f"/v1/strategies/{strategy['id']}/versions", token=author, expect=201,
             data=(FIXTURES / "exports" / "daily_trading_export.zip").read_bytes(), headers={"Content-Type": "application/zip"})
    api.approve(strategy["id"])
    url = _subscribed_download_url(api, author, strategy["id"])

    imported = _import(url, tmp_path)
    assert imported is not None, "the bot refused the download"
    assert imported.origin_url == _reachable(url)
    assert imported.imported
    # The bot first unpacks into a folder named after the URL's last segment, then renames it
    # after the profile's own name: the folder ends up named after the profile.
    folder = tmp_path / imported.path  # the bot's paths are relative to its installation
    assert folder.is_dir()
    tentacles = (folder / "tentacles_config.json").read_text()
    assert '"DailyTradingMode": true' in tentacles
    assert imported.config["crypto-currencies"]["Bitcoin"]["pairs"] == ["BTC/USDT"]

    # The bot skips a URL it already imported: it finds it by origin_url among its profiles.
    installed = profiles.Profile.get_all_profiles(str(tmp_path / "user" / "profiles"), schema_path=SCHEMA)
    assert [p.origin_url for p in installed if p.origin_url == _reachable(url)] == [_reachable(url)]


def test_signal_strategy_imports_as_remote_trading_signals(api, tmp_path):
    author, _ = api.signup("interop-author")
    strategy_id = api.signal_strategy(author)
    url = _subscribed_download_url(api, author, strategy_id)
    imported = _import(url, tmp_path)
    assert imported is not None
    folder = tmp_path / imported.path
    tentacles = (folder / "tentacles_config.json").read_text()
    assert '"RemoteTradingSignalsTradingMode": true' in tentacles
    specific = (folder / "specific_config" / "RemoteTradingSignalsTradingMode.json").read_text()
    assert f'"trading_strategy": "{strategy_id}"' in specific
    assert imported.config["exchanges"] == {"binance": {"enabled": True, "exchange-type": "spot"}}


def test_locally_made_profile_with_null_metadata_uploads_and_imports_back(api, tmp_path):
    """A profile made in the bot has no slug, description, avatar or origin yet: the bot writes
    nulls for them, and its export must upload as it is and import back into a bot."""
    template = FIXTURES / "profiles" / "grid_trading"
    folder = tmp_path / "made_locally"
    folder.mkdir()
    shutil.copy(template / "tentacles_config.json", folder)
    shutil.copytree(template / "specific_config", folder / "specific_config")
    profile = profiles.Profile(str(folder), schema_path=SCHEMA)
    profile.profile_id = str(uuid.uuid4())
    profile.name = "Made locally"
    profile.config = json.loads((template / "profile.json").read_text())["config"]
    profile.validate_and_save_config()
    written = json.loads((folder / "profile.json").read_text())["profile"]
    assert {key: written[key] for key in ("slug", "description", "avatar", "origin_url")} == dict.fromkeys(("slug", "description", "avatar", "origin_url"))
    exported = profile_sharing.export_profile(profile, str(tmp_path / "export"))

    author, _ = api.signup("interop-author")
    strategy = api.call("POST", "/v1/strategies", token=author, expect=201, json={"name": "Interop made locally", "description": "A profile made in the bot itself.", "kind": "profile"}).json()
    version = api.call("POST", f"/v1/strategies/{strategy['id']}/versions", token=author, expect=201,
                       data=pathlib.Path(exported).read_bytes(), headers={"Content-Type": "application/zip"}).json()
    assert version["summary"]["tradingMode"] == "GridTradingMode"
    api.approve(strategy["id"])

    imported = _import(_subscribed_download_url(api, author, strategy["id"]), tmp_path)
    assert imported is not None, "the bot refused the download"
    assert imported.name == "Made locally"
    assert imported.slug is None
    assert '"GridTradingMode": true' in (tmp_path / imported.path / "tentacles_config.json").read_text()

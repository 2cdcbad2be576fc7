"""A stock OctoBot (the octobot==2.0.16 wheel's own code) logs in to Astrolab's community API,
gets its device id and subscriptions, installs the subscribed profiles and follows signals.

Nothing here speaks the community API by hand except the bad-input checks at the end: the bot's
CommunityAuthentication, download_missing_profiles, CommunityMQTTFeed and octobot_trading's
RemoteTradingSignalProducer do. The bot's configuration is a small stand-in object (its
`community` section and profiles), as OCTOBOT.md §5 describes; the library is not edited."""
import asyncio
import json
import logging
import os
import types
import uuid

import async_channel.channels as channels
import httpx
import pytest
import requests

import octobot.commands as commands
import octobot.constants as constants
import octobot.community.identifiers_provider as identifiers_provider
import octobot_commons.authentication as commons_authentication
import octobot_commons.profiles as profiles
import octobot_trading.signals as trading_signals
from octobot.community.authentication import CommunityAuthentication
from octobot.community.feeds.community_mqtt_feed import CommunityMQTTFeed

from conftest import EDGE, FIXTURES, MQTT_PORT, PASSWORD
from test_signals import BotFollower, _bundles

SCHEMA = constants.PROFILE_FILE_SCHEMA
COMMUNITY_PATHS = ("/auth/v1", "/rest/v1", "/functions/v1")


class BotConfig:
    """What the bot keeps in user/config.json (the `community` section) and its installed
    profiles, in a bot folder: `download_missing_profiles` installs under `user/profiles` of the
    working directory, as the bot does in its own folder."""

    def __init__(self, folder):
        self.folder = folder
        self.config = {"community": {}}
        self.profile_by_id = {}

    def save(self, *args, **kwargs):
        pass

    def get_tentacles_config_path(self):
        return str(self.folder / "tentacles_config.json")

    def load_profiles(self):
        installed = profiles.Profile.get_all_profiles(str(self.folder / "user" / "profiles"), schema_path=SCHEMA)
        self.profile_by_id = {profile.profile_id: profile for profile in installed}

    @property
    def community(self):
        return self.config["community"]


class Observed:
    """Every community API answer the bot got (an httpx hook: observing, not editing the bot),
    and its ERROR log lines."""

    def __init__(self):
        self.answers = []
        self.errors = []

    def __enter__(self):
        original = httpx.AsyncClient.send
        observed = self

        async def send(client, request, *args, **kwargs):
            response = await original(client, request, *args, **kwargs)
            observed.answers.append((request.method, request.url.path, response.status_code))
            return response

        class ErrorLines(logging.Handler):
            def emit(self, record):
                if record.levelno >= logging.ERROR:
                    observed.errors.append(f"{record.name}: {record.getMessage()}")

        self._restore = original
        httpx.AsyncClient.send = send
        self._handler = ErrorLines()
        logging.getLogger().addHandler(self._handler)
        return self

    def __exit__(self, *exc):
        httpx.AsyncClient.send = self._restore
        logging.getLogger().removeHandler(self._handler)

    def community_answers(self):
        return [answer for answer in self.answers if answer[1].startswith(COMMUNITY_PATHS)]

    def assert_clean(self):
        failures = [answer for answer in self.community_answers() if answer[2] >= 500]
        assert not failures, f"5xx from the community API: {failures}"
        assert self.community_answers(), "the bot never called the community API"
        # Stricter than "none about the community API": a login and start-up log no error at all.
        assert not self.errors, f"the bot logged errors: {self.errors}"


def new_bot(config):
    """A bot process's authenticator, as OctoBot makes it at start (the singleton its trading
    modes and feeds find)."""
    identifiers_provider.IdentifiersProvider.use_production()
    CommunityMQTTFeed.MQTT_BROKER_PORT = MQTT_PORT
    return CommunityAuthentication(config=config, use_as_singleton=True)


def run(coroutine):
    return asyncio.run(coroutine)


def restarted(config, then):
    """A bot process started again with its saved config, as OctoBot's cli does it: the
    authenticator resumes the saved session in a first event loop (`_get_authenticated_
    community_if_possible`), then the bot's main loop initialises the account again, which
    re-creates the client for that loop and refreshes the session. `then(bot)` runs in the main loop."""
    bot = new_bot(config)
    run(bot.async_init_account(fetch_private_data=True))
    assert bot.is_logged_in(), "the saved session was not resumed"

    async def main_loop():
        await bot.async_init_account(fetch_private_data=True)
        assert bot.is_logged_in(), "the refreshed session was not kept"
        try:
            return await then(bot)
        finally:
            await bot.stop()

    return run(main_loop())


def test_login_saves_session_device_and_bot(api, tmp_path):
    email, token, user_id = api.account("bot-owner")
    config = BotConfig(tmp_path)

    async def scenario():
        with Observed() as observed:
            bot = new_bot(config)
            await bot.login(email, PASSWORD)
            assert bot.is_logged_in()
            assert bot.get_user_id() == user_id
            await bot.stop()
        observed.assert_clean()

    run(scenario())
    session = json.loads(config.community["supabase.auth.token"])
    assert session["user"]["email"] == email and session["refresh_token"]
    device_id = config.community[constants.CONFIG_COMMUNITY_MQTT_UUID]
    bot_id = config.community[constants.CONFIG_COMMUNITY_BOT_ID]
    # The device and the bot are the account's, and Astrolab shows them.
    devices = api.call("GET", "/v1/devices", token=token, expect=200).json()["items"]
    assert [d["id"] for d in devices] == [device_id]
    bots = api.call("GET", "/v1/bots", token=token, expect=200).json()["items"]
    assert [(b["id"], b["deployment"], b["version"]) for b in bots] == [(bot_id, "self_hosted", constants.VERSION)]
    assert bots[0]["lastActivityAt"] and bots[0]["nextActivityAt"] > bots[0]["lastActivityAt"]

    # A restart with the saved session: the bot resumes it, and once in its own event loop
    # refreshes it (rotating the refresh token); the device and the bot stay the same.
    with Observed() as observed:
        restarted(config, lambda bot: asyncio.sleep(0))
    observed.assert_clean()
    assert ("POST", "/auth/v1/token", 200) in observed.community_answers()
    assert json.loads(config.community["supabase.auth.token"])["refresh_token"] != session["refresh_token"]
    assert config.community[constants.CONFIG_COMMUNITY_MQTT_UUID] == device_id
    assert config.community[constants.CONFIG_COMMUNITY_BOT_ID] == bot_id
    assert len(api.call("GET", "/v1/devices", token=token, expect=200).json()["items"]) == 1
    assert len(api.call("GET", "/v1/bots", token=token, expect=200).json()["items"]) == 1


def test_wrong_password_is_the_bots_own_error(api, tmp_path):
    email, _, _ = api.account("bot-owner")

    async def scenario():
        bot = new_bot(BotConfig(tmp_path))
        with pytest.raises(commons_authentication.FailedAuthentication, match="credentials are incorrect"):
            await bot.login(email, "not the password at all")
        assert not bot.is_logged_in()
        await bot.stop()

    run(scenario())


def test_a_deleted_device_or_another_users_is_replaced_never_shared(api, tmp_path):
    email, token, _ = api.account("bot-owner")
    stranger = api.call("POST", "/v1/devices", token=api.signup("stranger")[0], expect=201, json={"name": "theirs"}).json()["id"]
    config = BotConfig(tmp_path)

    async def start():
        bot = new_bot(config)
        await bot.login(email, PASSWORD)
        await bot.stop()
        return config.community[constants.CONFIG_COMMUNITY_MQTT_UUID]

    first = run(start())
    api.call("DELETE", f"/v1/devices/{first}", token=token, expect=204)
    second = run(start())
    assert second != first
    config.community[constants.CONFIG_COMMUNITY_MQTT_UUID] = stranger
    third = run(start())
    assert third not in (stranger, first, second)
    assert [d["id"] for d in api.call("GET", "/v1/devices", token=token, expect=200).json()["items"]] == [third, second]


def _published_profile_strategy(api, author):
    strategy = api.call("POST", "/v1/strategies", token=author, expect=201, json={
        "name": f"Interop daily {uuid.uuid4().hex[:6]}", "description": "Daily trading for bots that log in.", "kind": "profile",
    }).json()
    api.call("POST", f"/v1/strategies/{strategy['id']}/versions", token=author, expect=201,
             data=(FIXTURES / "exports" / "daily_trading_export.zip").read_bytes(), headers={"Content-Type": "application/zip"})
    api.approve(strategy["id"])
    return strategy["id"]


class SignalsFollower:
    """What RemoteTradingSignalsTradingMode does to follow a strategy: the remote-signals channel
    and its producer from octobot_trading, subscribed to the strategy's feed through the bot's
    community authenticator (which connects with the device id its login saved)."""

    def __init__(self, strategy_id):
        self.strategy_id = strategy_id
        self.received = asyncio.Queue()

    async def start(self):
        channel, _ = await trading_signals.create_remote_trading_signal_channel_if_missing(types.SimpleNamespace(bot_id="follower"))
        self.consumer = await channel.new_consumer(self._on_signal, identifier=self.strategy_id)
        self.producer = channel.producers[0]
        await self.producer.subscribe_to_product_feed(self.strategy_id)
        return self

    async def _on_signal(self, identifier, exchange, symbol, version, bot_id, signal):
        await self.received.put(signal)

    async def stop(self):
        await self.consumer.stop()
        await self.producer.channel.stop()
        channels.del_chan(self.producer.channel.get_name())


async def _emit_until_followed(api, key, strategy_id, follower):
    """The feed subscribes in the background; signals sent before its SUBACK are not for it
    (MQTT has no replay). Send one bundle at a time until one arrives, then drain."""
    bundle = _bundles(strategy_id)[0]
    while True:
        api.call("POST", f"/v1/signals/{strategy_id}", token=key, expect=202,
                 json={"t": "t", "v": "1.0.0", "s": bundle.to_dict(), "u": str(uuid.uuid4())})
        try:
            await asyncio.wait_for(follower.received.get(), 1)
            break
        except asyncio.TimeoutError:
            continue
    while not follower.received.empty():
        follower.received.get_nowait()


async def _emit_and_receive_every_bundle(api, key, strategy_id, follower):
    bundles = _bundles(strategy_id)
    expected = []
    for bundle in bundles:
        api.call("POST", f"/v1/signals/{strategy_id}", token=key, expect=202,
                 json={"t": "t", "v": "1.0.0", "s": bundle.to_dict(), "u": str(uuid.uuid4())})
        expected.extend(signal.content for signal in bundle.signals)
    received = [(await asyncio.wait_for(follower.received.get(), 30)).content for _ in expected]
    assert received == expected


def test_subscribed_profiles_install_and_signals_follow_across_a_restart(api, tmp_path, monkeypatch):
    author, _ = api.signup("interop-author")
    profile_id = _published_profile_strategy(api, author)
    signal_id = api.signal_strategy(author)
    key = api.call("POST", "/v1/api-keys", token=author, expect=201,
                   json={"name": "author bot", "scopes": ["signals:emit"], "strategyIds": [signal_id]}).json()["key"]
    email, token, _ = api.account("interop-follower")
    subscriptions = {
        strategy_id: api.call("POST", "/v1/subscriptions", token=token, expect=201, json={"strategyId": strategy_id}).json()
        for strategy_id in (profile_id, signal_id)
    }
    monkeypatch.chdir(tmp_path)
    config = BotConfig(tmp_path)

    async def first_start():
        with Observed() as observed:
            bot = new_bot(config)
            await bot.login(email, PASSWORD)
            urls = await bot.get_subscribed_profile_urls()
            assert sorted(urls) == sorted(s["downloadUrl"] for s in subscriptions.values())
            installed = commands.download_missing_profiles(config, urls)
            assert sorted(p.origin_url for p in installed) == sorted(urls)
            assert commands.download_missing_profiles(config, urls) == [], "a second import installs nothing new"

            signal_profile = next(p for p in installed if p.origin_url == subscriptions[signal_id]["downloadUrl"])
            specific = json.loads((tmp_path / signal_profile.path / "specific_config" / "RemoteTradingSignalsTradingMode.json").read_text())
            assert specific["trading_strategy"] == signal_id

            follower = await SignalsFollower(specific["trading_strategy"]).start()
            await _emit_until_followed(api, key, signal_id, follower)
            await _emit_and_receive_every_bundle(api, key, signal_id, follower)
            await follower.stop()
            await bot.stop()
        observed.assert_clean()

    run(first_start())
    device_id = config.community[constants.CONFIG_COMMUNITY_MQTT_UUID]

    async def follow_again(bot):
        follower = await SignalsFollower(signal_id).start()
        await _emit_until_followed(api, key, signal_id, follower)
        await _emit_and_receive_every_bundle(api, key, signal_id, follower)
        await follower.stop()

    with Observed() as observed:
        restarted(config, follow_again)
    observed.assert_clean()
    assert ("POST", "/auth/v1/token", 200) in observed.community_answers()

    # A cancelled subscription leaves the bot's list at its next start, and its feed is refused.
    # (A running bot is disconnected by the relay when the subscription ends; it reconnects and
    # its resubscription is refused the same way.)
    api.call("DELETE", f"/v1/subscriptions/{subscriptions[signal_id]['id']}", token=token, expect=200)
    with Observed() as observed:
        assert restarted(config, lambda bot: bot.get_subscribed_profile_urls()) == [subscriptions[profile_id]["downloadUrl"]]
    observed.assert_clean()

    async def refused():
        follower = BotFollower(device_id)
        await follower.connect()
        assert await follower.subscribe(f"t/{signal_id}") == (0x80,)
        await follower.disconnect()

    run(refused())
    assert config.community[constants.CONFIG_COMMUNITY_MQTT_UUID] == device_id


# Bad input, sent by hand: each answer is in the shape the bot's Supabase clients parse, and nothing changes.

def _community(method, path, token=None, key=None, **kwargs):
    headers = kwargs.pop("headers", {})
    headers.setdefault("apikey", key or os.environ["COMMUNITY_BACKEND_KEY"])
    headers["Authorization"] = f"Bearer {token or os.environ['COMMUNITY_BACKEND_KEY']}"
    return requests.request(method, EDGE + path, headers=headers, timeout=30, **kwargs)


def _session(email):
    answer = _community("POST", "/auth/v1/token?grant_type=password", json={"email": email, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_auth_errors_have_gotrue_codes(api):
    email, _, _ = api.account("bad-input")
    cases = [
        (_community("POST", "/auth/v1/token?grant_type=password", data="{not json", headers={"Content-Type": "application/json"}), 400, "bad_json"),
        (_community("POST", "/auth/v1/token?grant_type=magic", json={}), 400, "unsupported_grant_type"),
        (_community("POST", "/auth/v1/token", json={"email": email, "password": PASSWORD}), 400, "unsupported_grant_type"),
        (_community("POST", "/auth/v1/token?grant_type=password", json={"email": email, "password": "wrong wrong wrong"}), 400, "invalid_credentials"),
        (_community("POST", "/auth/v1/token?grant_type=refresh_token", json={"refresh_token": "nope"}), 400, "refresh_token_not_found"),
        (_community("POST", "/auth/v1/token?grant_type=password", key="wrong", json={"email": email, "password": PASSWORD}), 401, "invalid_api_key"),
        (_community("GET", "/auth/v1/user"), 401, "no_authorization"),
        (_community("GET", "/auth/v1/user", token="not.a.jwt"), 403, "bad_jwt"),
        (_community("POST", "/auth/v1/signup", json={"email": email, "password": PASSWORD}), 422, "user_already_exists"),
        (_community("POST", "/auth/v1/signup", json={"email": f"x{email}", "password": "short"}), 422, "weak_password"),
        (_community("POST", "/auth/v1/token?grant_type=password", data=b"{" + b" " * (2 << 20) + b"}",
                    headers={"Content-Type": "application/json"}), 413, "request_too_large"),
    ]
    for answer, status, code in cases:
        assert (answer.status_code, answer.json().get("code")) == (status, code), answer.text
        assert answer.headers["X-Supabase-Api-Version"] == "2024-01-01"
        assert isinstance(answer.json()["msg"], str)
    # The weak password made no account.
    assert _community("POST", "/auth/v1/token?grant_type=password", json={"email": f"x{email}", "password": "short"}).json()["code"] == "invalid_credentials"


def test_a_replayed_refresh_token_revokes_the_session(api):
    email, _, _ = api.account("replay")
    first = _session(email)
    renewed = _community("POST", "/auth/v1/token?grant_type=refresh_token", json={"refresh_token": first["refresh_token"]})
    assert renewed.status_code == 200 and isinstance(renewed.json()["expires_in"], int)
    replayed = _community("POST", "/auth/v1/token?grant_type=refresh_token", json={"refresh_token": first["refresh_token"]})
    assert (replayed.status_code, replayed.json()["code"]) == (400, "refresh_token_already_used")
    # The whole session is gone, including the token the first refresh handed out.
    after = _community("POST", "/auth/v1/token?grant_type=refresh_token", json={"refresh_token": renewed.json()["refresh_token"]})
    assert (after.status_code, after.json()["code"]) == (400, "refresh_token_not_found")


def test_logout_ends_the_session_of_the_access_token(api):
    email, _, _ = api.account("logout")
    session = _session(email)
    assert _community("POST", "/auth/v1/logout?scope=local", token=session["access_token"]).status_code == 204
    again = _community("POST", "/auth/v1/token?grant_type=refresh_token", json={"refresh_token": session["refresh_token"]})
    assert (again.status_code, again.json()["code"]) == (400, "refresh_token_not_found")


def test_rest_rows_are_the_callers_whatever_the_query_says(api):
    owner_email, owner_token, _ = api.account("bots-owner")
    other_email, other_token, other_id = api.account("bots-other")
    owner = _session(owner_email)["access_token"]
    other = _session(other_email)["access_token"]
    prefer = {"Prefer": "return=representation"}
    bot = _community("POST", "/rest/v1/bots", token=owner, headers=prefer, json={}).json()[0]

    # Another user's bot is invisible and untouchable: reads are empty, writes change no row.
    assert _community("GET", f"/rest/v1/bots?select=*&id=eq.{bot['id']}", token=other).json() == []
    assert _community("PATCH", f"/rest/v1/bots?id=eq.{bot['id']}", token=other, headers=prefer, json={"name": "mine now"}).json() == []
    assert _community("DELETE", f"/rest/v1/bots?id=eq.{bot['id']}", token=other, headers=prefer).json() == []
    refused = _community("POST", "/rest/v1/bot_deployments", token=other, headers=prefer,
                         json={"bot_id": bot["id"], "type": "self_hosted", "version": "2.1.0"})
    assert (refused.status_code, refused.json()["code"]) == (403, "42501")
    naming_other = _community("POST", "/rest/v1/bots", token=owner, headers=prefer, json={"user_id": other_id})
    assert (naming_other.status_code, naming_other.json()["code"]) == (403, "42501")
    # A deployment of another bot cannot become this bot's.
    other_bot = _community("POST", "/rest/v1/bots", token=other, headers=prefer, json={}).json()[0]
    theirs = _community("POST", "/rest/v1/bot_deployments", token=other, headers=prefer,
                        json={"bot_id": other_bot["id"], "type": "self_hosted"}).json()[0]
    foreign = _community("PATCH", f"/rest/v1/bots?id=eq.{bot['id']}", token=owner, headers=prefer, json={"current_deployment_id": theirs["id"]})
    assert (foreign.status_code, foreign.json()["code"]) == (409, "23503")

    for answer, status, code in [
        (_community("PATCH", "/rest/v1/bots", token=owner, json={"name": "all of them"}), 400, "21000"),
        (_community("GET", "/rest/v1/bots?id=neq.x", token=owner), 400, "PGRST100"),
        (_community("GET", "/rest/v1/bots?id=eq.not-a-uuid", token=owner), 400, "22P02"),
        (_community("GET", "/rest/v1/bots?colour=eq.red", token=owner), 400, "42703"),
        (_community("PATCH", f"/rest/v1/bots?id=eq.{bot['id']}", token=owner, json={"user_id": other_id}), 400, "PGRST204"),
        (_community("POST", "/rest/v1/bots", token=owner, data="[oops", headers={"Content-Type": "application/json"}), 400, "PGRST102"),
        (_community("GET", "/rest/v1/bot_portfolios?select=*", token=owner), 404, "PGRST205"),
        (_community("DELETE", f"/rest/v1/bot_deployments?id=eq.{theirs['id']}", token=other), 405, "405"),
        (_community("POST", "/rest/v1/rpc/not_a_function", token=owner, json={}), 404, "PGRST202"),
        (_community("GET", "/rest/v1/bots", token="not.a.jwt"), 401, "PGRST301"),
        (_community("GET", "/rest/v1/bots", key="wrong", token=owner), 401, "invalid_api_key"),
    ]:
        assert (answer.status_code, answer.json().get("code")) == (status, code), answer.text
        assert set(answer.json()) == {"code", "message", "details", "hint"}

    # Nothing above changed the owner's bot.
    rows = _community("GET", f"/rest/v1/bots?id=eq.{bot['id']}", token=owner).json()
    assert [(r["name"], r["current_deployment_id"]) for r in rows] == [(None, None)]


def test_the_device_function_never_hands_out_another_users_device(api):
    email, token, _ = api.account("device-owner")
    stranger = api.call("POST", "/v1/devices", token=api.signup("stranger")[0], expect=201, json={"name": "theirs"}).json()["id"]
    access = _session(email)["access_token"]

    def details(mqtt_id):
        answer = _community("POST", "/functions/v1/os-paid-package-api", token=access,
                            json={"action": "get_extension_details", "mqtt_id": mqtt_id})
        assert answer.status_code == 200, answer.text
        inner = json.loads(answer.json()["message"])
        assert inner["paid_package_slugs"] == [] and inner["package_urls"] == [] and inner["tradingview_email"] is None
        return inner["mqtt_id"]

    mine = details(None)
    assert details(mine) == mine
    assert details(stranger) not in (stranger, mine)
    unknown_action = _community("POST", "/functions/v1/os-paid-package-api", token=access, json={"action": "get_checkout_url"})
    assert unknown_action.status_code == 422
    assert len(api.call("GET", "/v1/devices", token=token, expect=200).json()["items"]) == 2

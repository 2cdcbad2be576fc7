"""Signals built and parsed by OctoBot's own code, followed with gmqtt exactly as the bot does."""
import asyncio
import json
import uuid
import zlib

import gmqtt
import octobot_commons.signals.signal_bundle_builder as bundle_builder
import octobot_commons.signals.signal_factory as signal_factory
from gmqtt.mqtt.constants import MQTTv311

from conftest import EDGE, MQTT_PORT, fixture_json

HOST = EDGE.split("//", 1)[1].split(":")[0]


class BotFollower:
    """gmqtt as the bot's community feed uses it: client id CommunityMQTTFeed, username = device id, no password."""

    def __init__(self, device_id):
        self.client = gmqtt.Client("CommunityMQTTFeed", clean_session=True)
        self.client.set_auth_credentials(device_id, None)
        self.messages = asyncio.Queue()
        self.granted = asyncio.Queue()
        self.client.on_message = self._on_message
        self.client.on_subscribe = lambda client, mid, qos, properties: self.granted.put_nowait(qos)

    def _on_message(self, client, topic, payload, qos, properties):
        self.messages.put_nowait(payload)
        return 0

    async def connect(self):
        await self.client.connect(HOST, MQTT_PORT, version=MQTTv311)

    async def subscribe(self, topic):
        self.client.subscribe(topic, qos=1)
        return await asyncio.wait_for(self.granted.get(), 30)

    async def next_envelope(self):
        return json.loads(await asyncio.wait_for(self.messages.get(), 30))

    async def disconnect(self):
        await self.client.disconnect()


def _follower_with_device(api, strategy_id):
    follower, _ = api.signup("interop-follower")
    api.call("POST", "/v1/subscriptions", token=follower, expect=201, json={"strategyId": strategy_id})
    return api.call("POST", "/v1/devices", token=follower, expect=201, json={"name": "bot"}).json()["id"]


def _bundles(strategy_id):
    """Bundles made with octobot-commons' builder from the fixture contents: create, chained
    stop and take profit, cancel, edit, and a futures leverage change."""
    create = fixture_json("signals/01_create_limit_buy.bundle.json")["signals"][0]["content"]
    chained = fixture_json("signals/02_create_entry_with_chained_oco_stop_and_take_profit.bundle.json")["signals"][0]["content"]
    cancel = fixture_json("signals/03_cancel_order.bundle.json")["signals"][0]["content"]
    edit = dict(create, action="edit", updated_limit_price=59000.0, updated_target_amount="6%")
    leverage = {"action": "edit", "strategy": "DailyTradingMode", "exchange": "binance", "exchange_type": "future", "symbol": "BTC/USDT:USDT", "side": "long", "leverage": 5}
    built = []
    for signals in ([("orders", create)], [("orders", chained)], [("orders", cancel), ("orders", edit)], [("positions", leverage)]):
        builder = bundle_builder.SignalBundleBuilder(strategy_id)
        for topic, content in signals:
            builder.register_signal(topic, content)
        bundle = builder.build()
        bundle.version = "1.0.0"
        built.append(bundle)
    return built


def test_gmqtt_follower_receives_what_octobot_built(api):
    author, _ = api.signup("interop-author")
    strategy_id = api.signal_strategy(author)
    key = api.call("POST", "/v1/api-keys", token=author, expect=201, json={"name": "bot", "scopes": ["signals:emit"], "strategyIds": [strategy_id]}).json()["key"]
    device = _follower_with_device(api, strategy_id)
    stranger_device = api.call("POST", "/v1/devices", token=api.signup("interop-stranger")[0], expect=201, json={"name": "bot"}).json()["id"]

    async def scenario():
        follower = BotFollower(device)
        await follower.connect()
        assert await follower.subscribe(f"t/{strategy_id}") == (1,)
        stranger = BotFollower(stranger_device)
        await stranger.connect()
        assert await stranger.subscribe(f"t/{strategy_id}") == (0x80,), "a device of a non-subscriber is refused"
        await stranger.disconnect()

        sent = []
        for bundle in _bundles(strategy_id):
            envelope = {"t": "t", "v": "1.0.0", "s": bundle.to_dict(), "u": str(uuid.uuid4())}
            api.call("POST", f"/v1/signals/{strategy_id}", token=key, json=envelope, expect=202)
            sent.append(envelope)
        for envelope in sent:
            received = await follower.next_envelope()
            assert received == envelope
            parsed = signal_factory.create_signal_bundle(received)
            assert parsed.to_dict() == envelope["s"]

        # A duplicate u is stored once and never sent as a new signal, across a reconnect. The
        # reconnected bot resumes after what it acknowledged: it may be sent again what it had
        # already (resume points are saved each second, and it may reach the other relay), which
        # the bot drops by u; the next new signal is the fresh one.
        duplicate = dict(sent[0])
        api.call("POST", f"/v1/signals/{strategy_id}", token=key, json=duplicate, expect=200)
        await follower.disconnect()
        follower = BotFollower(device)
        await follower.connect()
        assert await follower.subscribe(f"t/{strategy_id}") == (1,)
        fresh = {"t": "t", "v": "1.0.0", "s": _bundles(strategy_id)[0].to_dict(), "u": str(uuid.uuid4())}
        api.call("POST", f"/v1/signals/{strategy_id}", token=key, json=fresh, expect=202)
        seen = {envelope["u"] for envelope in sent}
        received = (await follower.next_envelope())["u"]
        while received in seen:
            received = (await follower.next_envelope())["u"]
        assert received == fresh["u"]
        assert follower.messages.empty()
        await follower.disconnect()

    asyncio.run(scenario())


def test_zlib_publishing_author_device_reaches_followers(api):
    author, _ = api.signup("interop-author")
    strategy_id = api.signal_strategy(author)
    author_device = api.call("POST", "/v1/devices", token=author, expect=201, json={"name": "0.4 bot"}).json()["id"]
    device = _follower_with_device(api, strategy_id)

    async def scenario():
        follower = BotFollower(device)
        await follower.connect()
        assert await follower.subscribe(f"t/{strategy_id}") == (1,)
        emitter = BotFollower(author_device)
        await emitter.connect()
        envelope = {"t": "t", "v": "1.0.0", "s": _bundles(strategy_id)[1].to_dict(), "u": str(uuid.uuid4())}
        emitter.client.publish(f"t/{strategy_id}", zlib.compress(json.dumps(envelope).encode()), qos=1)
        assert await follower.next_envelope() == envelope
        await emitter.disconnect()
        await follower.disconnect()

    asyncio.run(scenario())


def test_websocket_handshakes_through_the_edge_always_upgrade(api):
    """The edge gives every upgrade a fresh upstream connection: never a 307 or a 426 from a
    reused one, however many followers connect one after the other (to every relay replica)."""
    from websockets.asyncio.client import connect
    from websockets.exceptions import InvalidStatus

    follower, _ = api.signup("interop-handshakes")
    url = "ws" + EDGE[len("http"):] + "/v1/signals/stream"

    async def scenario():
        refused = []
        for attempt in range(200):
            try:
                async with connect(url, additional_headers={"Authorization": f"Bearer {follower}"}) as socket:
                    # A strategy nobody has: the relay answers on the open socket, so it is really upgraded.
                    await socket.send(json.dumps({"type": "subscribe", "strategyId": "zzzzzzzzzz"}))
                    frame = json.loads(await socket.recv())
                    assert frame["type"] == "error" and frame["code"] == "not_found"
            except InvalidStatus as error:
                refused.append((attempt, error.response.status_code))
        assert refused == [], f"handshakes not upgraded: {refused[:10]}"

    asyncio.run(scenario())

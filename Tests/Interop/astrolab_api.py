"""Astrolab's API as the suites that drive a running installation use it: accounts, a signal
strategy published through review, an author's signal and a follower that reconnects as the
stock bot does. Shared by the interop suite (conftest.py), the fault injection
(Tests/Faults/run) and the compose test (Tests/Compose/run)."""
import asyncio
import time
import uuid

import requests

PASSWORD = "correct horse battery"


class Api:
    """The installation at `edge`; `admin` is "email / password" of an admin account."""

    def __init__(self, edge, admin=""):
        self.edge = edge.rstrip("/")
        self.admin_credentials = admin

    def call(self, method, path, token=None, expect=None, **kwargs):
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        response = requests.request(method, path if path.startswith("http") else self.edge + path, headers=headers, timeout=60, **kwargs)
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
        email, password = self.admin_credentials.split(" / ", 1)
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


def signal_envelope(strategy, u):
    """A feed envelope as an author's bot emits it: one `create` order, message id `u`."""
    order = {"action": "create", "symbol": "BTC/USDT", "side": "buy", "target_amount": "1%", "exchange": "binance",
             "exchange_type": "spot", "type": "buy_limit", "order_id": u, "quantity": 0.01, "limit_price": 60000.0,
             "stop_price": None, "additional_orders": None}
    return {"t": "t", "v": "1.0.0", "u": u, "s": {"identifier": strategy, "version": "1.0.0", "signals": [{"topic": "orders", "content": order}]}}


async def follow_as_the_bot(host, port, strategy, device, received, subscribed=lambda: None, disconnected=lambda: None,
                            stopping=lambda: False):
    """An MQTT follower as the stock bot is one: client id `CommunityMQTTFeed`, clean session, the
    device id as user name, `t/<strategy>` at QoS 1, a new connection a second after any end,
    until `stopping()`. `received(payload)` gets each message; `subscribed()` and
    `disconnected()` say when the connection starts and stops following."""
    import gmqtt  # only the suites that follow over MQTT have it
    from gmqtt.mqtt.constants import MQTTv311

    while not stopping():
        closed = asyncio.Event()
        client = gmqtt.Client("CommunityMQTTFeed", clean_session=True)
        client.set_auth_credentials(device, None)
        client.set_config({"reconnect_retries": 0})

        def on_message(_client, _topic, payload, _qos, _properties):
            received(payload)
            return 0

        def on_disconnect(*_):
            disconnected()
            closed.set()

        client.on_message = on_message
        client.on_subscribe = lambda *_: subscribed()
        client.on_disconnect = on_disconnect
        try:
            await asyncio.wait_for(client.connect(host, port, version=MQTTv311), 10)
            client.subscribe(f"t/{strategy}", qos=1)
            await closed.wait()
        except Exception:  # noqa: BLE001 - the relay or the edge is away: try again, as the bot does
            pass
        try:
            await client.disconnect()
        except Exception:  # noqa: BLE001
            pass
        await asyncio.sleep(1)

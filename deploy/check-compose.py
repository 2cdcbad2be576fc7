#!/usr/bin/env python3
"""Static checks of docker-compose.yml and the edge template (no Docker engine needed):
the file parses; no service pins a container name; only the edge publishes host ports (so
every service scales); every service has a health check or waits for healthy or completed
dependencies; every path of the public API is routed by the edge to a service compose runs;
MQTT is passed through to the relays; and what once broke on a real engine is not back (a
broker without a fixed hostname or loading definitions at boot, an edge address inside the
automatic pool, several --product flags to one `swift build`). Exits non-zero listing every
problem; deploy/test-compose then proves the file on a real engine."""
import ipaddress
import pathlib
import re
import sys

import yaml

root = pathlib.Path(__file__).resolve().parent.parent
problems = []

compose = yaml.safe_load((root / "docker-compose.yml").read_text())
services = compose.get("services", {})
if not services:
    problems.append("docker-compose.yml has no services")

for name, service in services.items():
    if "container_name" in service:
        problems.append(f"{name}: container_name stops `docker compose up --scale {name}=N`")
    if service.get("ports") and name != "edge":
        problems.append(f"{name}: publishes host ports; only the edge may (replicas would collide)")
    depends = service.get("depends_on", {}) or {}
    if isinstance(depends, list):
        problems.append(f"{name}: depends_on must wait for conditions, not just start order")
        depends = {}
    for dependency, rule in depends.items():
        if dependency not in services:
            problems.append(f"{name}: depends on {dependency}, which compose does not define")
            continue
        condition = (rule or {}).get("condition")
        if condition == "service_healthy" and "healthcheck" not in services[dependency]:
            problems.append(f"{name}: waits for {dependency} to be healthy, but it has no healthcheck")
        if condition not in ("service_healthy", "service_completed_successfully"):
            problems.append(f"{name}: depends on {dependency} without waiting for health or completion")
    one_shot = service.get("restart") == "no"
    waits = any((rule or {}).get("condition") in ("service_healthy", "service_completed_successfully") for rule in depends.values())
    if "healthcheck" not in service and not (one_shot and waits):
        problems.append(f"{name}: has no healthcheck and is not a one-shot job waiting on healthy dependencies")

# The edge: every API path prefix goes to an upstream that a compose service provides.
template = (root / "deploy/nginx/edge.conf.template").read_text()
locations = []  # (exact, prefix, upstream)
for match in re.finditer(r"location\s+(=\s+)?(/\S*)\s*\{[^}]*?proxy_pass\s+http://(\w+);", template, re.S):
    locations.append((bool(match.group(1)), match.group(2), match.group(3)))
# Each upstream is filled from a {{NAME_SERVERS}} placeholder, named after the service.
upstream_service = {
    name: placeholder.removesuffix("_SERVERS").lower().replace("_", "-")
    for name, placeholder in re.findall(r"upstream\s+(\w+)\s*\{\s*\{\{(\w+_SERVERS)\}\}", template)
}
# Paths the edge answers itself, from a file or a fixed body.
for match in re.finditer(r"location\s+=\s+(/\S*)\s*\{[^}]*?(?:alias|return)\s", template, re.S):
    locations.append((True, match.group(1), "edge"))
upstream_service["edge"] = "edge"

api = root / "docs" / "API.md"
paths = set(re.findall(r"`(?:GET|POST|PUT|PATCH|DELETE) (/[^`\s?]+)", api.read_text()))
if not paths:
    problems.append(f"no API paths found in {api}")
def route(path):
    """The upstream nginx picks for `path`: an exact location, else the longest prefix."""
    exact = [up for is_exact, prefix, up in locations if is_exact and path == prefix]
    if exact:
        return exact[0]
    prefixes = [(len(prefix), up) for is_exact, prefix, up in locations if not is_exact and path.startswith(prefix)]
    return max(prefixes)[1] if prefixes else None


# Health and metrics are served by each service on its own port, not through the edge.
for path in sorted(p for p in paths if not p.startswith(("/health/", "/metrics"))):
    upstream = route(re.sub(r"\{[^}]+\}", "x1", path))
    if upstream is None:
        problems.append(f"edge: no location routes {path}")
    elif upstream_service[upstream] not in services:
        problems.append(f"edge: {path} goes to upstream {upstream}, which no compose service provides")

# The community API (a stock OctoBot's): each path goes to the service its table says owns it.
community = root / "docs" / "COMMUNITY-API.md"
community_routes = re.findall(r"^\| `[A-Z, ]+ (/[^`?\s]+)[^`]*` \| ([\w-]+) \|", community.read_text(), re.M)
if not community_routes:
    problems.append(f"no community API routes found in {community}")
for path, service in community_routes:
    upstream = route(path)
    if upstream is None or upstream_service.get(upstream) != service:
        problems.append(f"edge: {path} goes to {upstream_service.get(upstream, upstream)}, but {community.name} says {service} serves it")

mqtt = re.search(r"stream\s*\{.*?proxy_pass\s+(\w+);", template, re.S)
if not mqtt or "{{MQTT_SERVERS}}" not in template:
    problems.append("edge: MQTT (1883) is not passed through to the signal relays")
entrypoint = (root / "deploy/nginx/compose-edge.sh").read_text()
for placeholder in set(re.findall(r"\{\{(\w+_SERVERS)\}\}", template)):
    if f"{placeholder}=" not in entrypoint:
        problems.append(f"edge: compose does not fill {{{{{placeholder}}}}}")
    for target in re.findall(rf"{placeholder}=([\w-]+):", entrypoint):
        if target not in services:
            problems.append(f"edge: {placeholder} points at {target}, which compose does not define")

# What once broke on a real engine (deploy/test-compose shows each for real; these say why early).
rabbitmq = services.get("rabbitmq", {})
if not rabbitmq.get("hostname"):
    problems.append("rabbitmq: no hostname, so its node is named after the container id and `down`/`up` starts an empty one")
if re.search(r"^\s*(load_definitions|definitions\.)", (root / "deploy/rabbitmq/rabbitmq.conf").read_text(), re.M):
    problems.append("rabbitmq.conf loads definitions at boot: the broker then never creates RABBITMQ_DEFAULT_USER")
pools = compose.get("networks", {}).get("astrolab", {}).get("ipam", {}).get("config", [])
edge_address = ((services.get("edge", {}).get("networks") or {}).get("astrolab") or {}).get("ipv4_address")
for pool in pools:
    if edge_address and ipaddress.ip_address(edge_address) in ipaddress.ip_network(pool.get("ip_range", pool.get("subnet", "0.0.0.0/0"))):
        problems.append(f"edge: {edge_address} lies in the range other containers get addresses from; one can take it first")
dockerfile = (root / "deploy/Dockerfile").read_text()
if re.search(r"swift build[^\n]*--product \S+[^\n;]*--product", dockerfile):
    problems.append("Dockerfile: `swift build` takes one --product; the others would not be built")

if problems:
    print("docker-compose / edge check failed:")
    for problem in problems:
        print("  -", problem)
    sys.exit(1)
print(f"docker-compose.yml and the edge: {len(services)} services, {len(paths)} API paths and "
      f"{len(community_routes)} community API paths routed, checks passed")

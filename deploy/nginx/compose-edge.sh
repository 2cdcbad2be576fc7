#!/usr/bin/env bash
# The edge container's entrypoint: renders the same template ./deploy/run uses, with every
# replica's address as an upstream server, and runs nginx. Docker's DNS answers a service's name
# with the addresses of all its replicas, but nginx resolves names only when it loads its
# configuration: replicas added later would get nothing, and removed ones would be tried
# (a connect to an address that is gone waits seconds). So this asks the DNS again every
# ASTROLAB_EDGE_RESOLVE_SECONDS (1) and, when the answer changed, renders anew and reloads
# nginx, which moves to the new upstreams without dropping a connection. HTTP, WebSocket and
# MQTT all follow. Logs go to the container's output (`docker compose logs edge`).
set -euo pipefail
source /deploy/lib/edge.sh
state=/tmp/edge
mkdir -p "$state/tmp"
ln -sf /dev/stdout "$state/access.log"
ln -sf /dev/stderr "$state/error.log"

# NAME=service:port ...: each upstream of the template and the service that fills it.
upstreams=(
    ACCOUNTS_SERVERS=accounts:8081 PROFILES_SERVERS=profiles:8082 MODERATION_SERVERS=moderation:8083
    SUBSCRIPTIONS_SERVERS=subscriptions:8084 SIGNAL_RELAY_SERVERS=signal-relay:8085 WEB_SERVERS=web:8086
    MQTT_SERVERS=signal-relay:1883
)

# The upstream lists, one NAME=addresses argument each. A service with no replica (scaled to 0)
# gets the discard port on loopback: refused at once, so the edge answers 502 without waiting.
resolved() {
    local pair name service port addresses
    for pair in "${upstreams[@]}"; do
        name=${pair%%=*} service=${pair#*=}
        port=${service##*:} service=${service%:*}
        addresses=$(getent ahostsv4 "$service" | awk -v port="$port" '$2 == "STREAM" { print $1 ":" port }' | sort -u | tr '\n' ' ')
        echo "$name=${addresses:-127.0.0.1:9}"
    done
}

render() {
    local -a lists
    mapfile -t lists < <(resolved)
    astrolab_render_edge /deploy/nginx/edge.conf.template "$1" "$state" "0.0.0.0:8080" "0.0.0.0:8079" "0.0.0.0:1883" /docs "${lists[@]}"
}

render "$state/nginx.conf"
nginx -p "$state" -c "$state/nginx.conf" -g 'daemon off;' &
nginx_pid=$!
# docker stop sends SIGQUIT (the nginx image's stop signal): nginx finishes its requests, then exits.
trap 'kill -QUIT "$nginx_pid" 2>/dev/null' QUIT TERM INT

while kill -0 "$nginx_pid" 2>/dev/null; do
    sleep "${ASTROLAB_EDGE_RESOLVE_SECONDS:-1}" &
    wait $! || true
    render "$state/nginx.conf.next" || continue
    if ! cmp -s "$state/nginx.conf.next" "$state/nginx.conf"; then
        mv "$state/nginx.conf.next" "$state/nginx.conf"
        echo "edge: replicas changed; reloading with $(resolved | tr '\n' ' ')" >&2
        kill -HUP "$nginx_pid"
    fi
done
wait "$nginx_pid"

#!/usr/bin/env bash
# The edge container's entrypoint: renders the same template ./deploy/run uses, with the
# compose service names as upstreams (Docker's DNS returns every replica of a scaled service,
# and nginx balances over all of them), then runs nginx in the foreground.
set -euo pipefail
source /deploy/lib/edge.sh
state=/tmp/edge
mkdir -p "$state/tmp"
astrolab_render_edge /deploy/nginx/edge.conf.template "$state/nginx.conf" "$state" "0.0.0.0:8080" "0.0.0.0:8079" "0.0.0.0:1883" /docs \
    "ACCOUNTS_SERVERS=accounts:8081" "PROFILES_SERVERS=profiles:8082" "MODERATION_SERVERS=moderation:8083" \
    "SUBSCRIPTIONS_SERVERS=subscriptions:8084" "SIGNAL_RELAY_SERVERS=signal-relay:8085" "WEB_SERVERS=web:8086" \
    "MQTT_SERVERS=signal-relay:1883"
exec nginx -p "$state" -c "$state/nginx.conf" -g 'daemon off;'

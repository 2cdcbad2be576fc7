# Renders deploy/nginx/edge.conf.template. Source it after platform.sh.

# astrolab_render_edge TEMPLATE OUT STATE_DIR LISTEN INTERNAL_LISTEN MQTT_LISTEN DOCS_DIR  NAME=SERVERS...
# INTERNAL_LISTEN is the web app's entrance (never published): there the caller's X-Real-IP (the
# browser's address) is believed. DOCS_DIR holds openapi.json, served at /v1/openapi.json.
# Each NAME=SERVERS fills {{NAME}} with "server host:port;" entries for a space-separated list.
# Debian builds the stream module (MQTT pass-through) as a dynamic module; the official nginx
# image builds it in.
astrolab_render_edge() {
    local template=$1 out=$2 state_dir=$3 listen=$4 internal_listen=$5 mqtt_listen=$6 docs_dir=$7; shift 7
    local content modules=""
    for module in /usr/lib/nginx/modules/ngx_stream_module.so /etc/nginx/modules/ngx_stream_module.so; do
        if [ -f "$module" ] && ! nginx -V 2>&1 | grep -q -- '--with-stream '; then modules="load_module $module;"; break; fi
    done
    content=$(<"$template")
    content=${content//\{\{LOAD_MODULES\}\}/$modules}
    content=${content//\{\{STATE_DIR\}\}/$state_dir}
    content=${content//\{\{EDGE_LISTEN\}\}/$listen}
    content=${content//\{\{EDGE_INTERNAL_LISTEN\}\}/$internal_listen}
    content=${content//\{\{EDGE_INTERNAL_PORT\}\}/${internal_listen##*:}}
    content=${content//\{\{MQTT_LISTEN\}\}/$mqtt_listen}
    content=${content//\{\{DOCS_DIR\}\}/$docs_dir}
    for pair in "$@"; do
        local name=${pair%%=*} servers="" address
        for address in ${pair#*=}; do servers="${servers}server ${address} max_fails=0; "; done
        content=${content//\{\{$name\}\}/$servers}
    done
    printf '%s\n' "$content" >"$out"
}

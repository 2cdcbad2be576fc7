# Renders deploy/nginx/edge.conf.template. Source it after platform.sh.

# astrolab_render_edge TEMPLATE OUT STATE_DIR LISTEN  NAME=SERVERS...
# Each NAME=SERVERS fills {{NAME}} with "server host:port;" entries for a space-separated list.
astrolab_render_edge() {
    local template=$1 out=$2 state_dir=$3 listen=$4; shift 4
    local content
    content=$(<"$template")
    content=${content//\{\{STATE_DIR\}\}/$state_dir}
    content=${content//\{\{EDGE_LISTEN\}\}/$listen}
    for pair in "$@"; do
        local name=${pair%%=*} servers="" address
        for address in ${pair#*=}; do servers="${servers}server ${address} max_fails=0; "; done
        content=${content//\{\{$name\}\}/$servers}
    done
    printf '%s\n' "$content" >"$out"
}

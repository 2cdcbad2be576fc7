# Shared by ./deploy/run and ./deploy/test: install what is missing from Debian, and start or
# stop PostgreSQL and RabbitMQ on loopback with all their state under a folder we choose.
# Source it; every function logs to stderr and fails loudly.

astrolab_log() { printf '[astrolab] %s\n' "$*" >&2; }

# astrolab_require_packages PKG...: apt-get installs whichever are not installed yet.
astrolab_require_packages() {
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    astrolab_log "installing Debian packages: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# astrolab_free_port: prints a TCP port nothing listens on right now.
astrolab_free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

astrolab_pg_bin() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$dir" ] || { astrolab_log "PostgreSQL binaries not found under /usr/lib/postgresql"; return 1; }
    echo "$dir"
}

# Runs a command as the postgres user when we are root (PostgreSQL refuses to run as root).
astrolab_as_pg() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# astrolab_start_postgres DIR PORT [EXTRA_SETTINGS...]: initialises DIR once, then starts a
# server listening on 127.0.0.1:PORT (socket in DIR) with trust authentication for loopback.
astrolab_start_postgres() {
    local dir=$1 port=$2; shift 2
    local bin; bin=$(astrolab_pg_bin) || return 1
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir" && chmod 700 "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        astrolab_as_pg "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
            || { cat "$dir/initdb.log" >&2; return 1; }
    fi
    if astrolab_as_pg "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        astrolab_log "PostgreSQL already running in $dir"
        return 0
    fi
    local options="-p $port -k $dir -c listen_addresses=127.0.0.1"
    for setting in "$@"; do options="$options -c $setting"; done
    astrolab_as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -o "$options" -w -t 60 start >/dev/null \
        || { tail -n 30 "$dir/postgres.log" >&2; return 1; }
    astrolab_log "PostgreSQL listening on 127.0.0.1:$port"
}

astrolab_stop_postgres() {
    local dir=$1
    local bin; bin=$(astrolab_pg_bin) || return 0
    [ -f "$dir/data/postmaster.pid" ] || return 0
    astrolab_as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}

# astrolab_start_rabbitmq DIR NODE AMQP_PORT DIST_PORT: a broker of our own (own node name,
# data, logs and ports), so it never collides with a system broker or another test run.
# Runs as the current user through the real scripts, not Debian's wrapper that switches user.
astrolab_rabbitmq_env() {
    local dir=$1 node=$2 amqp_port=$3 dist_port=$4
    export RABBITMQ_NODENAME="$node" RABBITMQ_USE_LONGNAME=false \
        RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log" \
        RABBITMQ_PID_FILE="$dir/rabbitmq.pid" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
        RABBITMQ_NODE_PORT="$amqp_port" RABBITMQ_DIST_PORT="$dist_port" \
        RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" RABBITMQ_CONFIG_FILE="$dir/rabbitmq" \
        RABBITMQ_ADVANCED_CONFIG_FILE="$dir/advanced.config" RABBITMQ_CONF_ENV_FILE="$dir/rabbitmq-env.conf"
}

astrolab_start_rabbitmq() {
    local dir=$1 node=$2 amqp_port=$3 dist_port=$4
    local bin=/usr/lib/rabbitmq/bin
    mkdir -p "$dir/mnesia" "$dir/log"
    [ -f "$dir/enabled_plugins" ] || echo "[]." >"$dir/enabled_plugins"
    [ -f "$dir/rabbitmq.conf" ] || printf 'loopback_users = none\n' >"$dir/rabbitmq.conf"
    touch "$dir/rabbitmq-env.conf"
    (
        astrolab_rabbitmq_env "$dir" "$node" "$amqp_port" "$dist_port"
        if "$bin/rabbitmqctl" -q -n "$node" status >/dev/null 2>&1; then
            astrolab_log "RabbitMQ node $node already running"
            exit 0
        fi
        nohup "$bin/rabbitmq-server" >"$dir/log/startup.log" 2>&1 &
        "$bin/rabbitmqctl" -q -n "$node" wait --timeout 120 "$dir/rabbitmq.pid" >/dev/null 2>&1 \
            || { tail -n 30 "$dir/log/startup.log" >&2; exit 1; }
        astrolab_log "RabbitMQ node $node listening on 127.0.0.1:$amqp_port"
    )
}

astrolab_stop_rabbitmq() {
    local dir=$1 node=$2
    [ -f "$dir/rabbitmq.pid" ] || return 0
    (
        astrolab_rabbitmq_env "$dir" "$node" 0 0
        /usr/lib/rabbitmq/bin/rabbitmqctl -q -n "$node" stop >/dev/null 2>&1 || true
    )
}

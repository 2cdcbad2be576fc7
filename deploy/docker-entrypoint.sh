#!/bin/sh
# The Astrolab image's entrypoint: runs the given program as `nobody`, with no capabilities.
#
# Docker secrets from files are bind mounts that keep the host file's owner and mode, and a
# private key made as the README says is root's, mode 600: `nobody` could not read it. So,
# started as root, this copies every file named by a `*_FILE` variable to a folder only `nobody`
# can read, points the variable there, and only then becomes `nobody`. Started as another user
# (`user:` in a compose file), it runs the program as is.
set -eu
if [ "$(id -u)" = 0 ]; then
    private=/run/astrolab-secrets
    mkdir -p "$private"
    chown nobody:nogroup "$private"
    chmod 700 "$private"
    for name in $(env | sed -n 's/^\([A-Z0-9_]*_FILE\)=.*/\1/p'); do
        source=$(printenv "$name")
        [ -f "$source" ] || continue
        copy="$private/$name"
        cp "$source" "$copy"
        chown nobody:nogroup "$copy"
        chmod 400 "$copy"
        export "$name=$copy"
    done
    exec setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all --bounding-set=-all --no-new-privs -- "$@"
fi
exec "$@"

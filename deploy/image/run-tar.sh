#!/usr/bin/env bash
# Runs the image that jib:buildTar wrote the way a container runtime would, on a machine with no container runtime
# (as root, Linux): its layers unpacked into one root file system, mounted read-only, a fresh /tmp the only writable
# place, its user, environment and entrypoint from the image's own config.json. Extra VAR=value arguments are added to
# the environment (as a Deployment's env would be). Ctrl-C stops it.
#   deploy/image/run-tar.sh target/jib-image.tar SPRING_PROFILES_ACTIVE=dev GATEHOUSE_DATA_DIR=/tmp/data
set -euo pipefail
tar_file="$(realpath "${1:?image tar, e.g. target/jib-image.tar}")"; shift
[ "$(id -u)" = 0 ] || { echo "needs root (chroot and a private mount namespace)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/image" "$work/root"
tar -xf "$tar_file" -C "$work/image"
python3 - "$work/image" "$work" <<'PY'
import json, sys
d, w = sys.argv[1], sys.argv[2]
m = json.load(open(d + "/manifest.json"))[0]
c = json.load(open(d + "/" + m["Config"]))["config"]
open(w + "/layers", "w").write("\n".join(m["Layers"]) + "\n")
open(w + "/user", "w").write(c.get("User", "0:0"))
open(w + "/env", "w").write("\0".join(c.get("Env", [])) + "\0")
open(w + "/entrypoint", "w").write("\0".join(c["Entrypoint"] + (c.get("Cmd") or [])) + "\0")
PY
while read -r layer; do tar -xzf "$work/image/$layer" -C "$work/root"; done < "$work/layers"
user=$(cat "$work/user")
mapfile -d '' -t env < "$work/env"
mapfile -d '' -t entrypoint < "$work/entrypoint"
mkdir -p "$work/root/proc" "$work/root/tmp" "$work/root/dev"
echo "running as $user: ${entrypoint[*]}" >&2
# The image's environment, then the caller's additions; nothing from this shell. (Host tools by absolute path: PATH is the image's.)
env -i "${env[@]}" "$@" /usr/bin/unshare --mount --propagation private /bin/bash -c '
    root="$0"; user="$1"; shift
    /bin/mount --bind "$root" "$root" && /bin/mount -o remount,bind,ro "$root" || exit 1
    /bin/mount -t proc proc "$root/proc" && /bin/mount -t tmpfs -o mode=1777 tmpfs "$root/tmp" || exit 1
    /bin/mount --rbind /dev "$root/dev" || exit 1
    cd "$root" && exec /usr/sbin/chroot --userspec="$user" "$root" "$@"
' "$work/root" "$user" "${entrypoint[@]}"

#!/usr/bin/env bash
# Installs sluice as a systemd service: binary, unit, a drop-in derived from the settings,
# config skeleton and self-signed certificates. Run by `sudo make install-service`.
# Promises: never overwrites an existing sluice.toml, sluice.env or certificate; re-running it
# upgrades the binary and unit and re-derives the drop-in (stop timeout, low-port capability);
# with DESTDIR set it only stages files (no user, no chown, no systemctl), for packaging and tests.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
PREFIX="${PREFIX:-/usr/local}"
DESTDIR="${DESTDIR:-}"
# The repo's build, or the binary beside deploy/ in a release archive.
default_binary="$here/../dist/sluice"
[[ -x "$default_binary" ]] || default_binary="$here/../sluice"
BINARY="${BINARY:-$default_binary}"
SLUICE_USER="${SLUICE_USER:-sluice}"
ETC=/etc/sluice
UNITDIR=/etc/systemd/system
STATE=/var/lib/sluice

say() { printf 'install-service: %s\n' "$*"; }
die() { printf 'install-service: %s\n' "$*" >&2; exit 1; }

[[ -x "$BINARY" ]] || die "no binary at $BINARY (run make build first, or set BINARY)"
if [[ -z "$DESTDIR" && "$(id -u)" != 0 ]]; then
  die "needs root: sudo make install-service (or DESTDIR=/some/dir to stage the files)"
fi
staging() { [[ -n "$DESTDIR" ]]; }

# The value of a top-level TOML key (before the first [table]); empty when absent.
toml_value() {
  local file="$1" key="$2"
  [[ -f "$file" ]] || return 0
  awk -v key="$key" '
    /^[[:space:]]*\[/ { exit }
    $0 ~ "^[[:space:]]*" key "[[:space:]]*=" {
      sub(/^[^=]*=[[:space:]]*/, ""); sub(/[[:space:]]*(#.*)?$/, ""); gsub(/"/, ""); print; exit
    }' "$file"
}

# The value of VAR=... in an environment file; empty when absent or commented out.
env_value() {
  local file="$1" name="$2"
  [[ -f "$file" ]] || return 0
  sed -n "s/^[[:space:]]*$name=[\"']\{0,1\}\([^\"']*\)[\"']\{0,1\}[[:space:]]*$/\1/p" "$file" | tail -n 1
}

# Environment file first, then sluice.toml, then the default (CONTRACT.md's precedence).
setting() {
  local name="$1" default="$2" upper value
  upper="SLUICE_$(printf '%s' "$name" | tr '[:lower:]' '[:upper:]')"
  value="$(env_value "$DESTDIR$ETC/sluice.env" "$upper")"
  [[ -n "$value" ]] || value="$(toml_value "$DESTDIR$ETC/sluice.toml" "$name")"
  printf '%s' "${value:-$default}"
}

if ! staging && ! id "$SLUICE_USER" >/dev/null 2>&1; then
  say "creating system user $SLUICE_USER"
  useradd --system --user-group --home-dir "$STATE" --no-create-home \
    --shell /usr/sbin/nologin "$SLUICE_USER"
fi

say "binary -> $PREFIX/bin/sluice"
install -d "$DESTDIR$PREFIX/bin"
install -m 0755 "$BINARY" "$DESTDIR$PREFIX/bin/sluice"

say "config -> $ETC (existing files are kept)"
install -d -m 0750 "$DESTDIR$ETC" "$DESTDIR$ETC/certs"
[[ -e "$DESTDIR$ETC/sluice.toml" ]] || install -m 0640 "$here/sluice.toml.example" "$DESTDIR$ETC/sluice.toml"
[[ -e "$DESTDIR$ETC/sluice.env" ]] || install -m 0640 "$here/sluice.env.example" "$DESTDIR$ETC/sluice.env"

cert="$DESTDIR$ETC/certs/server.crt"
if [[ ! -e "$cert" ]]; then
  host="$(hostname -f 2>/dev/null || hostname)"
  say "generating a self-signed certificate for $host"
  "$DESTDIR$PREFIX/bin/sluice" certs --dir "$DESTDIR$ETC/certs" --host "$host" >/dev/null
fi
chmod 0644 "$cert"
chmod 0640 "$DESTDIR$ETC/certs/server.key"
if ! staging; then
  chown -R "root:$SLUICE_USER" "$ETC"
fi

say "unit -> $UNITDIR/sluice.service"
install -d "$DESTDIR$UNITDIR/sluice.service.d"
sed "s#/usr/local/bin/sluice#$PREFIX/bin/sluice#" "$here/sluice.service" >"$DESTDIR$UNITDIR/sluice.service"
chmod 0644 "$DESTDIR$UNITDIR/sluice.service"

# The drop-in: a stop timeout 15 s above the drain, and the one capability only for low ports.
shutdown="$(setting shutdown_timeout 30)"
port="$(setting port 8443)"
dashboard="$(setting dashboard_port 9090)"
stop_after="$(awk -v s="$shutdown" 'BEGIN { t = int(s); if (t < s) t++; print t + 15 }')"
low=""
for p in "$port" "$dashboard"; do
  if [[ "$p" =~ ^[0-9]+$ ]] && ((p > 0 && p < 1024)); then low="$p"; fi
done
dropin="$DESTDIR$UNITDIR/sluice.service.d/10-install.conf"
{
  echo "# Written by deploy/install.sh from $ETC; re-run \`make install-service\` after changing"
  echo "# port, dashboard_port or shutdown_timeout."
  echo "[Service]"
  echo "TimeoutStopSec=${stop_after}s"
  if [[ -n "$low" ]]; then
    echo "# Port $low is below 1024: the one capability needed to bind it, nothing else."
    echo "CapabilityBoundingSet=CAP_NET_BIND_SERVICE"
    echo "AmbientCapabilities=CAP_NET_BIND_SERVICE"
  fi
} >"$dropin"
chmod 0644 "$dropin"
say "drop-in: stop timeout ${stop_after}s (drain ${shutdown}s)${low:+, CAP_NET_BIND_SERVICE for port $low}"

if ! staging && [[ -d /run/systemd/system ]]; then
  systemctl daemon-reload
fi

cat <<EOF
install-service: done. Next:
  edit $ETC/sluice.toml (settings) and $ETC/sluice.env (keys), then
  sudo -u $SLUICE_USER $PREFIX/bin/sluice check --config $ETC/sluice.toml
  sudo systemctl enable --now sluice
  journalctl -u sluice -f
EOF

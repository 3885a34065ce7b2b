#!/usr/bin/env bash
# Installs chatd: the binary, the config and help file, the systemd unit and the README.
#   scripts/install.sh [--prefix /usr/local] [--destdir DIR] [--no-build]
# Safe to run twice. An existing /etc/chatd/chatd.toml is never overwritten (the new one is
# put beside it as chatd.toml.new); the help file and the unit are replaced.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=/usr/local
destdir=
build=1
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) prefix="$2"; shift 2 ;;
        --destdir) destdir="$2"; shift 2 ;;
        --no-build) build=0; shift ;;
        -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
        *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
binary="${CHATD_BIN:-target/release/chatd}"   # CHATD_BIN: install another build (tests)
if [ "$build" = 1 ]; then cargo build --release --bin chatd; fi
bin="$destdir$prefix/bin"
etc="$destdir/etc/chatd"
unitdir="$destdir/etc/systemd/system"
doc="$destdir$prefix/share/doc/chatd"
install -d "$bin" "$etc" "$unitdir" "$doc"
install -m 0755 "$binary" "$bin/chatd"
install -m 0644 config/help.txt "$etc/help.txt"
# The shipped config, pointed at the system paths.
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
sed -e 's|^help_file = .*|help_file = "/etc/chatd/help.txt"|' \
    -e 's|^path = "data/chatd.sqlite3"|path = "/var/lib/chatd/chatd.sqlite3"|' config/chatd.toml > "$tmp"
if [ -e "$etc/chatd.toml" ]; then
    if ! cmp -s "$tmp" "$etc/chatd.toml"; then
        install -m 0644 "$tmp" "$etc/chatd.toml.new"
        echo "kept $etc/chatd.toml; the shipped one is $etc/chatd.toml.new"
    fi
else
    install -m 0644 "$tmp" "$etc/chatd.toml"
fi
sed -e "s|/usr/local/bin/chatd|$prefix/bin/chatd|" -e "s|/usr/local/share/doc|$prefix/share/doc|" \
    config/chatd.service > "$tmp"
install -m 0644 "$tmp" "$unitdir/chatd.service"
install -m 0644 README.md "$doc/README.md"
echo "installed chatd under ${destdir:-/} (prefix $prefix)"
if [ -z "$destdir" ] && command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    echo "next: systemctl enable --now chatd"
fi

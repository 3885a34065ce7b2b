#!/usr/bin/env bash
# Measures chatd on this machine: builds in release mode, starts chatd with a bench config
# (max_clients, the per-address, per-account, failed-login and flood limits raised, a
# temporary database), raises ulimit -n, runs every chatd-bench scenario, and stops chatd by
# its pid. Loopback only; every scenario is bounded.
#   scripts/bench.sh [--quick] [--runs N]     results: table rows and JSON lines on stdout
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
runs=1
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick=1; shift ;;
        --runs) runs="$2"; shift 2 ;;
        *) echo "bench.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
cargo build --release --bins >&2
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
work=$(mktemp -d)
pid=
stop() { if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=; fi; }
trap 'stop; rm -rf "$work"' EXIT
port=$((20000 + RANDOM % 20000))
tls_port=$((port + 1))
irc_port=$((port + 2))
# a throwaway self-signed certificate for the TLS listener (the bench does not check it)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
    -subj /CN=localhost -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null

start() { # start COST
    rm -rf "$work/data"
    cat > "$work/bench.toml" <<TOML
[server]
listen = "127.0.0.1:$port"
tls_listen = "127.0.0.1:$tls_port"
max_clients = 20000
max_clients_per_ip = 20000
help_file = "$PWD/config/help.txt"
[irc]
listen = "127.0.0.1:$irc_port"
[storage]
path = "$work/data/chatd.sqlite3"
[auth]
bcrypt_cost = $1
[limits]
flood_burst = 1000000000
flood_per_second = 1000000000
recvq_bytes = 16777216
sendq_bytes = 16777216
ping_interval_secs = 3600
ping_timeout_secs = 3600
login_timeout_secs = 3600
sessions_per_account = 20000
login_failures = 1000000
account_login_failures = 1000000
[tls]
cert = "$work/cert.pem"
key = "$work/key.pem"
TOML
    RUST_LOG=warn target/release/chatd --config "$work/bench.toml" 2>"$work/chatd.log" &
    pid=$!
    for _ in $(seq 100); do
        if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    echo "chatd did not start:" >&2; cat "$work/chatd.log" >&2; exit 1
}

bench() {
    target/release/chatd-bench --addr "127.0.0.1:$port" --pid "$pid" --db "$work/data/chatd.sqlite3" "$@" \
        || echo "# failed: $*" >&2
}

if [ "$quick" = 1 ]; then secs=2; big=200; hist=20000; idle=1000; else secs=5; big=2000; hist=1000000; idle=10000; fi
for run in $(seq "$runs"); do
    echo "# run $run of $runs" >&2
    start 4
    bench fanout --members 10 --senders 10 --window 16 --seconds $secs
    bench fanout --members 200 --senders 10 --window 16 --seconds $secs
    bench fanout --members 10 --senders 10 --window 16 --seconds $secs --irc-addr "127.0.0.1:$irc_port"
    bench fanout --members 200 --senders 10 --window 16 --seconds $secs --irc-addr "127.0.0.1:$irc_port"
    bench fanout --members 10 --senders 10 --rate 2223 --seconds $secs
    bench persist --senders 10 --window 16 --seconds $secs
    bench login --mode register --count $big --inflight $big
    bench handshake --tls-addr "127.0.0.1:$tls_port" --count 200 --inflight 200
    bench history --messages $hist --requests 40000 --clients 16 --window 1 --limit 100
    bench history --messages $hist --requests 100000 --clients 16 --window 1 --limit 100 --latest
    stop
    start 4   # a fresh server: memory freed by the scenarios above stays resident
    bench idle --count $idle
    stop
    start 12
    bench login --mode login --count 50 --inflight 50
    stop
done

#!/usr/bin/env bash
# Drives the protocol fuzz target (tests/fuzz) for a bounded time: scripts/fuzz.sh [SECONDS]
# Installs cargo-fuzz if missing. RUSTC_BOOTSTRAP=1 lets the stable toolchain build with the
# sanitizer flags cargo-fuzz needs. Crashes land in tests/fuzz/artifacts/protocol/; each one
# found becomes a regression test in tests/fuzz_regressions.rs.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
export RUSTC_BOOTSTRAP=1
mkdir -p tests/fuzz/corpus/protocol
printf 'REGISTER amy password1 password1\nJOIN #a\nMSG #a hi\nHISTORY #a 5\n' > tests/fuzz/corpus/protocol/seed-chat
printf 'LOGIN root x\nBAN 10.0.0.0/8 1h :x\nBANS\nUNBAN 10.0.0.0/8\nKICK #a amy\n' > tests/fuzz/corpus/protocol/seed-admin
exec cargo fuzz run --fuzz-dir tests/fuzz protocol tests/fuzz/corpus/protocol -- \
    -max_total_time="$seconds" -max_len=4096 -timeout=10

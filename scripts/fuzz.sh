#!/usr/bin/env bash
# Drives every cargo-fuzz target in tests/fuzz for its share of the time, or for a number of
# inputs each:
#   scripts/fuzz.sh [SECONDS]     every target, SECONDS in all (default 60), split evenly
#   scripts/fuzz.sh --release     the run before a release: 10^7 inputs for each shallow target
#                                 (`parse`: framing and parsing alone; `chat`: chat mode's
#                                 translations; `irc`: the IRC dialect's framing, parsing and
#                                 tags), 10^5 for the deep `protocol` target (framing,
#                                 parsing, the core and an in-memory database)
#   FUZZ_TARGETS="parse" scripts/fuzz.sh 30    only the targets named
# The deep target runs under the address sanitizer with debug assertions (it reaches SQLite's C
# code); the shallow ones, pure safe Rust, as release builds without a sanitizer (their own
# assert_eq! checks stay), which is what makes them fast. Installs cargo-fuzz if
# missing. RUSTC_BOOTSTRAP=1 lets the stable toolchain build with the
# sanitizer flags cargo-fuzz needs. Each target prints its inputs per second at the end
# (libFuzzer's "Done N runs in S second(s)"). Crashes land in tests/fuzz/artifacts/<target>/;
# each one found becomes a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
export RUSTC_BOOTSTRAP=1

all=$(ls tests/fuzz/fuzz_targets | sed 's/\.rs$//')
targets=(${FUZZ_TARGETS:-$all})
deep_runs=100000      # the protocol target: ~360 inputs/s, about five minutes
shallow_runs=10000000 # framing and parsing alone: tens of thousands of inputs/s

seed() {
    local dir="tests/fuzz/corpus/$1"
    mkdir -p "$dir"
    case "$1" in
    protocol)
        printf 'REGISTER amy password1 password1\nJOIN #a\nMSG #a hi\nHISTORY #a 5\n' >"$dir/seed-chat"
        printf 'LOGIN root x\nBAN 10.0.0.0/8 1h :x\nBANS\nUNBAN 10.0.0.0/8\nKICK #a amy\n' >"$dir/seed-admin"
        ;;
    parse)
        printf '\x03MSG #a :hi\r\nKICK #a bob :out\nBAN ::1 7d spam\n' >"$dir/seed-lines"
        printf '\x00HISTORY bob 5 40\nPRIVMSG amy ::)\nBANS\n' >"$dir/seed-more"
        ;;
    irc)
        printf '\x05@label=a;+draft/react=x\\s :src PRIVMSG #c :\x01ACTION hi\x01\r\nCAP LS 302\r\n' >"$dir/seed-tags"
        printf '\x02AUTHENTICATE AGJvYgBwdw==\r\nMODE #c +kl key 5\r\nJOIN #a,#b k1\n' >"$dir/seed-cmds"
        ;;
    chat)
        printf '/msg bob :)' >"$dir/seed-msg"
        printf '/ban bob 2h spam' >"$dir/seed-ban"
        printf 'WHOIS bob online 127.0.0.1 2026-11-22T02:13:37.123Z 127.0.0.1' >"$dir/seed-whois"
        printf 'AUDIT 2026-11-22T02:13:37.123Z root BAN bob :until never: spam' >"$dir/seed-audit"
        ;;
    esac
}

build_for() { # safe Rust alone needs no address sanitizer: panics are what a shallow target finds
    [ "$1" = protocol ] && echo "--sanitizer address" || echo "--sanitizer none --release"
}

max_len_for() { # a shallow input is a few lines (the framer's limit is 64 bytes a line)
    case "$1" in protocol) echo "-max_len=4096" ;; irc) echo "-max_len=6000" ;; *) echo "-max_len=512" ;; esac
}

limit_for() { # the libFuzzer option that bounds one target's run
    local target="$1"
    if [ "${mode}" = release ]; then
        [ "$target" = protocol ] && echo "-runs=$deep_runs" || echo "-runs=$shallow_runs"
    else
        echo "-max_total_time=$share"
    fi
}

mode=time
if [ "${1:-}" = --release ]; then
    mode=release
else
    seconds="${1:-60}"
    share=$((seconds / ${#targets[@]}))
    [ "$share" -ge 1 ] || share=1
fi

for target in "${targets[@]}"; do
    seed "$target"
    echo "== $target ($(limit_for "$target"))"
    log="/tmp/chatd-fuzz-$target.log"
    status=0
    cargo fuzz run --fuzz-dir tests/fuzz $(build_for "$target") "$target" "tests/fuzz/corpus/$target" -- \
        "$(limit_for "$target")" "$(max_len_for "$target")" -timeout=10 -print_final_stats=1 >"$log" 2>&1 ||
        status=$?
    runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 \2/p' "$log")
    if [ -n "$runs" ]; then
        set -- $runs
        echo "$target: $1 inputs in $2 s, $(($1 / ($2 > 0 ? $2 : 1))) inputs/s"
    fi
    [ "$status" -eq 0 ] || { tail -30 "$log"; echo "$target: failed (the log: $log)"; exit 1; }
done

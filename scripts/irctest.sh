#!/usr/bin/env bash
# Runs the irctest conformance suite against chatd's IRC dialect (about 8 minutes on 2 cores),
# then, with IRCTEST_SERVICES=1, the account modules (sasl, account-tag, account-registration,
# chathistory). Builds the release binary first. Results go to irctest-results/ (junit with each
# test's wire transcript, a log, and a summary whose first lines are the README's figures).
#
#   scripts/irctest.sh                 # both runs
#   scripts/irctest.sh core            # the default selection only
#   scripts/irctest.sh services        # the account modules only
#
# Needs ../shared/irctest (the suite and its runner) beside this repository; the runner makes its
# Python venv on first use (pip).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNNER=${IRCTEST_RUNNER:-../shared/irctest/run.sh}
[ -x "$RUNNER" ] || { echo "irctest runner not found at $RUNNER (set IRCTEST_RUNNER)" >&2; exit 2; }
cargo build --release --quiet
export CHATD_EXE=$PWD/target/release/chatd
export RESULTS_DIR=${RESULTS_DIR:-$PWD/irctest-results}
what=${1:-all}
if [ "$what" = all ] || [ "$what" = core ]; then
    RUN_TAG=chatd "$RUNNER" chatd
fi
if [ "$what" = all ] || [ "$what" = services ]; then
    suite=$(dirname "$RUNNER")/suite/irctest/server_tests
    IRCTEST_SERVICES=1 RUN_TAG=chatd-services "$RUNNER" chatd \
        "$suite/sasl.py" "$suite/account_tag.py" "$suite/account_registration.py" \
        "$suite/chathistory.py"
fi

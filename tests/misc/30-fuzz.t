#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A short libFuzzer run of each parser (the policy, wg-quick files, the
# helper's answer, the service's request) under ASan/UBSan, from the
# committed seed corpora (`make fuzz FUZZ_SECONDS=N` runs them longer).
. "$(dirname "$0")/../lib.sh"

secs=${CHECK_FUZZ_SECONDS:-15}
log=$(make -s -C "$ROOT/tests/fuzz" B="$B" FUZZ_SECONDS="$secs" 2>&1)
rc=$?
is "$rc" 0 "the fuzzers ran ${secs}s each without a crash"
[ $rc = 0 ] || printf '%s\n' "$log" | tail -n 30 | sed 's/^/#   /'
like "$log" "Done [0-9]+ runs" "and it executed inputs"
done_testing

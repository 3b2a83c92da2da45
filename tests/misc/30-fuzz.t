#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A short libFuzzer run of the policy parser under ASan/UBSan, from the
# committed seed corpus (`make fuzz FUZZ_SECONDS=N` runs it for longer).
. "$(dirname "$0")/../lib.sh"

secs=${CHECK_FUZZ_SECONDS:-20}
log=$(make -s -C "$ROOT/tests/fuzz" B="$B" FUZZ_SECONDS="$secs" 2>&1)
rc=$?
is "$rc" 0 "fuzz_conf ran ${secs}s without a crash"
[ $rc = 0 ] || printf '%s\n' "$log" | tail -n 30 | sed 's/^/#   /'
like "$log" "Done [0-9]+ runs" "and it executed inputs"
done_testing

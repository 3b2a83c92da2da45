#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The man pages render without a single warning from man/groff, and every
# verb of netns-helper is documented.
. "$(dirname "$0")/../lib.sh"

for f in "$B"/man/*.[0-9]; do
	w=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$f" 2>&1 >/dev/null)
	is "$w" "" "man --warnings prints nothing for $(basename "$f")"
	like "$(grep -c '@[A-Z_]*@' "$f")" '^0$' "$(basename "$f"): every @PATH@ was substituted"
done
for v in check explain edit up down session-open session-close list status gc; do
	like "$(cat "$B/man/netns-helper.8")" "^\.B[IR]? \"?$v" "netns-helper(8) documents '$v'"
done
done_testing

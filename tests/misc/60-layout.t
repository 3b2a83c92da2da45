#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# README's Layout section and the tree agree: every source file of the
# module, the helper and common/ is named there, and every file named there
# exists. A newcomer finds any file from that one section.
. "$(dirname "$0")/../lib.sh"

layout=$(sed -n '/^## Layout$/,/^## /p' "$ROOT/README.md")
ok "README has a Layout section" test -n "$layout"

# the words of the section that look like file names (a.c; "protocol.h, .c"
# names protocol.c too)
named=$(printf '%s\n' "$layout" | sed 's/\([a-z_]*\)\.h, \.c/\1.h \1.c/g' |
	grep -o '[a-z_0-9]*\.[ch]\b' | sort -u)

missing=
for f in "$ROOT"/pam_netns/*.c "$ROOT"/netns-helper/*.c "$ROOT"/common/*.c; do
	b=$(basename "$f")
	printf '%s\n' "$named" | grep -qx "$b" || missing="$missing $b"
done
is "${missing# }" "" "every .c file of pam_netns/, common/ and netns-helper/ is in the Layout"

stale=
for b in $named; do
	[ -e "$ROOT/pam_netns/$b" ] || [ -e "$ROOT/netns-helper/$b" ] ||
		[ -e "$ROOT/common/$b" ] || stale="$stale $b"
done
is "${stale# }" "" "every file the Layout names exists"
done_testing

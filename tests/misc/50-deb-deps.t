#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# debian/control's Build-Depends and the build libraries tests/deps.sh
# installs are the same list: neither can drift from the other.
. "$(dirname "$0")/../lib.sh"

# the packages behind deps.sh's pkg-config checks, and pkg-config itself
from_deps=$(awk '$1 ~ /^pc:/ || $1 == "cmd:pkg-config" { print $2 }' "$ROOT/tests/deps.sh" | sort -u)
# Build-Depends, without debhelper and build profiles
from_control=$(sed -n '/^Build-Depends:/,/^[A-Z][A-Za-z-]*:/p' "$ROOT/debian/control" |
	sed -e '1s/^Build-Depends://' -e '$d' | tr ',' '\n' |
	sed -e 's/<[^>]*>//g' -e 's/([^)]*)//g' -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' |
	grep -v -e '^$' -e '^debhelper-compat$' | sort -u)
ok "deps.sh names build libraries" test -n "$from_deps"
is "$from_control" "$from_deps" "debian/control's Build-Depends are deps.sh's build libraries"
done_testing

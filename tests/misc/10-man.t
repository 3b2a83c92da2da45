#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The man pages render without a single warning from man/groff, every verb
# of netns-helper is documented, and netns-helper(8) lists the verbs and
# options of --help, each with the same arguments.
. "$(dirname "$0")/../lib.sh"

for f in "$B"/man/*.[0-9]; do
	w=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$f" 2>&1 >/dev/null)
	is "$w" "" "man --warnings prints nothing for $(basename "$f")"
	like "$(grep -c '@[A-Z_]*@' "$f")" '^0$' "$(basename "$f"): every @PATH@ was substituted"
done
for v in check explain edit up down session-open session-close list status gc; do
	like "$(cat "$B/man/netns-helper.8")" "^\.B[IR]? \"?$v" "netns-helper(8) documents '$v'"
done

# tags SECTION: the .TP/.TQ tags of netns-helper(8)'s SECTION as plain
# text (alternating font macros joined, font escapes dropped)
tags() {
	perl -ne '
		if (/^\.SH "?([^"\n]*)/) { $in = $1 eq $ENV{SECTION}; next }
		next unless $in;
		if (/^\.T[PQ]/) { $tag = 1; next }
		next unless $tag;
		$tag = 0;
		chomp;
		my $t = "";
		if (s/^\.([BIR]{1,2})\s+//) {
			while (/\G\s*(?:"((?:[^"]|"")*)"|(\S+))/gc) {
				$t .= defined $1 ? $1 : $2;
			}
		} else {
			$t = $_;
		}
		$t =~ s/\\f[BIRP]//g;
		$t =~ s/\\-/-/g;
		$t =~ s/\s+/ /g;
		$t =~ s/^ | $//g;
		print "$t\n";
	' "$B/man/netns-helper.8"
}
help=$("$B/netns-helper" --help)
is "$(SECTION=VERBS tags)" "$(printf '%s\n' "$help" | sed -n '/^Verbs:/,/^$/{/^  /s/^  //p}')" \
	"netns-helper(8) VERBS has the verbs of --help, with the same arguments"
is "$(SECTION=OPTIONS tags)" "$(printf '%s\n' "$help" | sed -n '/^Options:/,/^$/{/^  /s/^  \(.*[^ ]\)  .*/\1/p}')" \
	"netns-helper(8) OPTIONS has the options of --help"
done_testing

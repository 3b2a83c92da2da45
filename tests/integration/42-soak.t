#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Soak: open/close cycles of nat and isolated sessions for
# PN_SOAK_SECONDS (60 here; `make soak` runs 600), two sessions kept open
# throughout. The helper's peak memory and every count of kernel objects
# and records must stay flat: prints cycles done and leaks found.
. "$(dirname "$0")/../lib.sh"
in_sandbox "$@"

policy 'networks = {
  lab = { type = "nat"; pool = "10.213.0.0/16"; pool6 = "fd6e:7300::/48"; };
  iso = { type = "isolated"; };
};
rules = (
  { user = "root"; service = "nat"; network = "lab"; scope = "session"; },
  { user = "root"; service = "iso"; network = "iso"; scope = "user"; },
);'
secs=${PN_SOAK_SECONDS:-60}
peerd wan 198.51.100.1 8080
R="$B/tests/tools/rusage"

# counts: namespaces links mounts nft-elements records leases etc-dirs;
# the nftables elements are those the helper writes: the kernel's own
# per-address connection counts (conn_limit) come and go with traffic
counts() {
	echo "$(ls /run/netns | wc -l) $(ip -o link | wc -l)" \
	     "$(grep -c ' /run/netns/' /proc/self/mountinfo)" \
	     "$(nft -j list ruleset | jq '[.nftables[] | (.set // .map) | select(.) | .elem // [] | .[] |
		select((try .elem["ct count"] catch null) == null)] | length')" \
	     "$(find /run/pam_netns -type f | wc -l) $(ls -A /etc/netns | wc -l)"
}
measured_open() {	# a nat session-open under rusage; sets rss, closes it
	local out
	out=$("$R" "$HELPER" --config "$POLICY" session-open --user root \
		--service nat --pid $$ 2>"$PN_SANDBOX_DIR/ru")
	rss=$(sed -n 's/.*maxrss_kb=//p' "$PN_SANDBOX_DIR/ru")
	helper session-close --session "$(kv session "$out")" >/dev/null
}
open() { helper session-open --user root --service "$1" --pid $$; }

keep1=$(open nat); keep2=$(open iso)
base=$(counts)
measured_open; first_rss=$rss
cycles=0 bad=0 probes=0
end=$((SECONDS + secs))
while [ $SECONDS -lt $end ]; do
	a=$(open nat); b=$(open iso)
	if [ $((cycles % 25)) = 0 ]; then
		probes=$((probes + 1))
		[ "$(probe "$(kv netns "$a")" 198.51.100.1 8080)" = peer=198.51.100.2 ] || bad=$((bad + 1))
	fi
	helper session-close --session "$(kv session "$a")" >/dev/null
	helper session-close --session "$(kv session "$b")" >/dev/null
	cycles=$((cycles + 1))
done
measured_open; last_rss=$rss
after=$(counts)
echo "# soak: $cycles cycles in ${secs}s, $probes probes ($bad failed);" \
     "objects before [$base] after [$after]; helper peak RSS for a nat open" \
     "${first_rss} kB at the start, ${last_rss} kB at the end"
ok "at least 50 cycles ran ($cycles)" test "$cycles" -ge 50
is "$bad" 0 "every probe from a fresh session reached the wan"
is "$after" "$base" "no kernel object or record leaked"
ok "the helper's peak memory stays flat (${first_rss} -> ${last_rss} kB)" \
	test "${last_rss:-99999}" -le $((${first_rss:-0} + 512))
ok "the sessions kept open throughout still work" test "$(probe "$(kv netns "$keep1")" 198.51.100.1 8080)" = peer=198.51.100.2
helper session-close --session "$(kv session "$keep1")"
helper session-close --session "$(kv session "$keep2")"
sandbox_clean
done_testing

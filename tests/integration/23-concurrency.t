#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Concurrency: 50 logins of one user at once (user scope) end in one
# namespace with 50 sessions; closing them in random order, in parallel,
# leaves nothing. 40 session-scope logins at once get 40 distinct
# namespaces and 40 distinct addresses.
. "$(dirname "$0")/../lib.sh"
in_sandbox "$@"

policy 'networks = {
  lab = { type = "nat"; pool = "10.213.0.0/16"; };
  solo = { type = "nat"; pool = "10.214.0.0/16"; };
};
rules = (
  { user = "root"; service = "login"; network = "lab"; scope = "user"; },
  { user = "root"; service = "sshd"; network = "solo"; scope = "session"; },
);'
out=$PN_SANDBOX_DIR/out
mkdir -p "$out"

burst() {	# burst N SERVICE: N parallel session-opens, answers in $out
	rm -f "$out"/*
	for i in $(seq "$1"); do
		helper session-open --user root --service "$2" --pid $$ \
			> "$out/$i" 2>&1 &
	done
	wait
}

close_all() {	# close every answered session, shuffled, in parallel
	for t in $(cat "$out"/* | sed -n 's/^session=//p' | shuf); do
		helper session-close --session "$t" &
	done
	wait
}

burst 50 login
is "$(cat "$out"/* | grep -c '^action=join$')" 50 "50 parallel logins all join"
is "$(cat "$out"/* | sed -n 's/^netns=//p' | sort -u)" "lab.root" "all in one namespace"
is "$(ls /run/pam_netns/members/lab.root | wc -l)" 50 "holding 50 references"
is "$(ls /run/netns | grep -vx wan | wc -l)" 1 "one namespace exists"
close_all
ok "the namespace is gone after 50 closes in random order" test ! -e /run/netns/lab.root

burst 40 sshd
is "$(cat "$out"/* | grep -c '^action=join$')" 40 "40 parallel session-scope logins join"
is "$(cat "$out"/* | sed -n 's/^netns=//p' | sort -u | wc -l)" 40 "into 40 distinct namespaces"
addrs=$(for n in $(cat "$out"/* | sed -n 's/^netns=//p'); do
	ip -n "$n" -j addr show eth0 | jq -r '.[0].addr_info[] | select(.family=="inet") | .local'
done | sort)
is "$(echo "$addrs" | wc -l)" 40 "40 addresses"
is "$(echo "$addrs" | sort -u | wc -l)" 40 "no two sessions share an address"
close_all
sandbox_clean "nothing left after 40 parallel closes"
done_testing

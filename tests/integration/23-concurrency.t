#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Concurrency: 50 logins of one user at once (user scope) end in one
# namespace with 50 sessions; closing them in random order, in parallel,
# leaves nothing. 200 session-scope logins of 200 different users (test
# users in a sandbox-only /etc/passwd, matched by group through NSS) at
# once get 200 distinct namespaces and 200 distinct addresses.
. "$(dirname "$0")/../lib.sh"
in_sandbox "$@"

policy 'networks = {
  lab = { type = "nat"; pool = "10.213.0.0/16"; };
  solo = { type = "nat"; pool = "10.214.0.0/16"; };
};
rules = (
  { user = "root"; service = "login"; network = "lab"; scope = "user"; },
  { group = "pnconc"; service = "sshd"; network = "solo"; scope = "session"; },
);'
N=${PN_CONC_USERS:-200}
# N test users, pnc1..pncN, in group pnconc: in this sandbox only
cp /etc/passwd /etc/group "$PN_SANDBOX_DIR/"
members=
for i in $(seq "$N"); do
	echo "pnc$i:x:$((5000 + i)):5000::/nonexistent:/usr/sbin/nologin" >> "$PN_SANDBOX_DIR/passwd"
	members+="${members:+,}pnc$i"
done
echo "pnconc:x:5000:$members" >> "$PN_SANDBOX_DIR/group"
mount --bind "$PN_SANDBOX_DIR/passwd" /etc/passwd
mount --bind "$PN_SANDBOX_DIR/group" /etc/group
out=$PN_SANDBOX_DIR/out
mkdir -p "$out"

# The first burst runs on a fresh state: no reference to the host's
# namespace yet (hostns.c), which the first login writes while others
# already find its namespace (a race that once refused one of them).
# N logins of one namespace take its lock in turn: under ASan on two
# cores the last may wait longer than the module's default 30 s, which
# is a time limit, not what this test is about: each gets 300 s.
burst() {	# burst N SERVICE [USERPREFIX]: N parallel session-opens
	rm -f "$out"/*
	for i in $(seq "$1"); do
		helper session-open --user "${3:-root}${3:+$i}" --service "$2" \
			--pid $$ --deadline-ms 300000 > "$out/$i" 2>&1 &
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
grep -L "^action=join$" "$out"/* | xargs -r cat | sed "s/^/# /" | head -n 20 >&2
is "$(cat "$out"/* | sed -n 's/^netns=//p' | sort -u)" "lab.root" "all in one namespace"
is "$(ls /run/pam_netns/members/lab.root | wc -l)" 50 "holding 50 references"
is "$(ls /run/netns | grep -vx wan | wc -l)" 1 "one namespace exists"
close_all
ok "the namespace is gone after 50 closes in random order" test ! -e /run/netns/lab.root

burst "$N" sshd pnc
is "$(cat "$out"/* | grep -c '^action=join$')" "$N" "$N parallel session-scope logins of $N users join"
is "$(cat "$out"/* | sed -n 's/^netns=//p' | sort -u | wc -l)" "$N" "into $N distinct namespaces"
addrs=$(for n in $(cat "$out"/* | sed -n 's/^netns=//p'); do
	ip -n "$n" -j addr show eth0 | jq -r '.[0].addr_info[] | select(.family=="inet") | .local'
done | sort)
is "$(echo "$addrs" | wc -l)" "$N" "$N addresses"
is "$(echo "$addrs" | sort -u | wc -l)" "$N" "no two sessions share an address"
close_all
sandbox_clean "nothing left after $N parallel closes in random order"
done_testing

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# su through pam_netns: `su - user` from root lands in the user's
# namespace; the close runs from the host side when the shell ends; a
# confined user's hostile environment does not reach the helper.
. "$(dirname "$0")/../lib.sh"
in_sandbox "$@"
. "$TESTS_DIR/e2e/e2e.sh"
e2e_users

policy 'networks = {
  offline = { type = "isolated"; };
  lab = { type = "nat"; pool = "10.213.0.0/16"; dns = [ "192.0.2.53" ]; };
};
rules = (
  { user = "pnshare"; network = "offline"; scope = "user"; },
  { user = "pnuser"; network = "lab"; scope = "session"; },
);'
for s in su su-l; do pam_service "$s" $MOD_ARGS; done
host=$(stat -L -c %i /proc/self/ns/net)

out=$(su - pnshare -c 'echo "ns=$NETNS"; echo "ino=$(stat -L -c %i /proc/self/ns/net)";
	echo "ifs=$(ip -o link show | cut -d: -f2 | tr -d " " | tr "\n" " ")"' 2>&1)
is "$(kv ns "$out")" "offline.pnshare" "su - pnshare: NETNS is the user's namespace"
ok "su - pnshare: not in the host namespace" test "$(kv ino "$out")" != "$host"
is "$(kv ifs "$out")" "lo " "su - pnshare: isolated, only lo"
ok "the user namespace is gone after su exits" wait_until '[ ! -e /run/netns/offline.pnshare ]'

out=$(su pnuser -c 'echo "ns=$NETNS"; echo "dns=$(grep nameserver /etc/resolv.conf)"' 2>&1)
like "$(kv ns "$out")" '^lab\.pnuser\.[0-9]+$' "su pnuser (service su): a session namespace"
is "$(kv dns "$out")" "nameserver 192.0.2.53" "with the namespace's resolv.conf"
ok "gone after su exits" wait_until '[ -z "$(ls /run/netns | grep -v wan)" ]'

# su run by root with a hostile environment and limits: still confined
out=$(ulimit -Sn 12; LD_PRELOAD=/nonexistent.so PATH=/nonexistent:/usr/bin:/bin IFS=/ \
	su pnshare -c 'stat -L -c %i /proc/self/ns/net' 2>&1)
ok "su with a hostile environment: still confined" test -n "$out" -a "$out" != "$host"

# owner death: su SIGKILLed before it can close the session; gc reclaims
# (the service, when there is one)
su pnshare -c 'sleep 37' >/dev/null 2>&1 &
supid=$!
wait_until '[ -e /run/netns/offline.pnshare ]'
ok "su's session is open" test -e /run/netns/offline.pnshare
kill -9 "$supid"; wait "$supid" 2>/dev/null
pkill -x -f 'sleep 37' || true
if [ "${PN_VIA:-exec}" = socket ]; then
	# the service watches the owner: no gc run needed
	ok "the service closes the dead owner's session" \
		wait_until '[ ! -e /run/netns/offline.pnshare ]'
else
	ok "the namespace outlives its killed owner" test -e /run/netns/offline.pnshare
	like "$(helper gc)" "^gc: 1 sessions closed," "gc closes the dead owner's session"
	ok "and the namespace is gone" wait_until '[ ! -e /run/netns/offline.pnshare ]'
fi
like "$(helper gc)" "^gc: 0 sessions closed, 0 namespaces removed" "a second gc releases nothing twice"

# su from inside a confined session never leaves it, never builds there
out=$(driver -s su pnshare sh -c 'echo "in=$(stat -L -c %i /proc/self/ns/net)";
	echo "root=$(su root -c "stat -L -c %i /proc/self/ns/net" 2>/dev/null)";
	su pnuser -c true >/dev/null 2>&1; echo "other=$?";
	echo "helper=$('"$HELPER --config $POLICY"' session-open --user pnuser --service su --pid $$ 2>&1 | tr "\n" " ")"')
is "$(kv root "$out")" "$(kv in "$out")" "su to an uncovered user inside a confined session stays in it"
is "$(kv other "$out")" 1 "su to a user with another network from inside is refused"
like "$(kv helper "$out")" "reason=this login starts inside a confined session" "and the helper says why"
# a close is answered before its teardown: pnshare's namespace goes next
ok "pnshare's namespace went with the logout" wait_until '[ ! -e /run/netns/offline.pnshare ]'
ok "nothing was built from inside" test -z "$(ls /run/netns | grep -v -e wan)"

sandbox_clean
done_testing

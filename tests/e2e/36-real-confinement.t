#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Confinement in the production layout (a private /run, /run/netns a
# plain directory, the distribution's stacks): the network's DNS reaches
# the login whatever /etc/resolv.conf is (systemd-resolved's, resolvconf's
# or NetworkManager's symlink, dangling or not) and the host's stub does
# not; a login does not see which namespaces exist; a process left behind
# in a torn-down namespace cannot build networks from there.
. "$(dirname "$0")/../lib.sh"
in_sandbox "$@"
. "$TESTS_DIR/e2e/realhost.sh"
realhost_setup
P="$B/tests/tools/probe -t 700"

# another user's login stays open meanwhile: its namespace is in /run/netns
coproc TEAM { su - pnteam1 -c 'echo up; read x' 2>&1; }
read -r up <&"${TEAM[0]}"
is "$up" up "pnteam1's login is open"
ok "its namespace is listed on the host" test -e /run/netns/team

# the host's resolver stub, as systemd-resolved has it, on the host's lo
peerd - 127.0.0.53 53

inside='echo "dns=$(grep nameserver /etc/resolv.conf)"
echo "stub=$('"$P"' 127.0.0.53 53)"
echo "nsdir=$(ls -A /run/netns | tr "\n" " ")"'

layout() {	# layout NAME LINK [TARGET-TEXT]: resolv.conf a symlink to LINK
	local target
	case "$2" in /*) target=$2 ;; *) target=/etc/$2 ;; esac
	rm -f /etc/resolv.conf
	ln -s "$2" /etc/resolv.conf
	if [ -n "${3:-}" ]; then
		mkdir -p "$(dirname "$target")"
		printf '%s\n' "$3" > "$target"
	fi
	out=$(su - pndns -c "$inside" 2>&1)
	is "$(kv dns "$out")" "nameserver 192.0.2.53" "$1: the login's resolver is the network's"
	like "$(kv stub "$out")" "^error" "$1: the host's stub at 127.0.0.53 is unreachable"
	is "$(readlink /etc/resolv.conf)" "$2" "$1: the host's link is unchanged"
	if [ -n "${3:-}" ]; then
		is "$(cat "$target")" "$3" "$1: and so is its target"
	fi
}
layout "systemd-resolved" ../run/systemd/resolve/stub-resolv.conf "nameserver 127.0.0.53"
layout "resolvconf" ../run/resolvconf/resolv.conf "nameserver 198.51.100.99"
layout "NetworkManager (dangling)" /run/NetworkManager/resolv.conf
layout "NetworkManager" /run/NetworkManager/resolv.conf "nameserver 198.51.100.98"
is "$(kv nsdir "$out")" "" "a login sees no namespace names in the plain /run/netns"

# --- a process left behind in a torn-down namespace builds nothing
orphan=$(su - pnconf -c 'setsid sleep 1000 </dev/null >/dev/null 2>&1 & echo $!')
track "$orphan"
ok "pnconf's namespace went with its last logout" wait_until '[ ! -e /run/netns/offline.pnconf ]'
ok "a process of pnconf outlives it" test -d "/proc/$orphan"
ok "in a network namespace that is not the host's" \
	test "$(stat -L -c %i "/proc/$orphan/ns/net")" != "$HOST_INO"
# a close is answered before its teardown: wait for pndns's session
# namespaces to go before taking the listing to compare with
ok "pndns's session namespaces went with their logouts" \
	wait_until '[ -z "$(ls -A /run/netns | grep "^lab\.")" ]'
before=$(ls -A /run/netns | tr '\n' ' ')
like "$before" "(^| )team " "the open team login's namespace is among them"
orph() { nsenter -t "$orphan" -n -m -- "$@"; }
out=$(orph su - pndns -c 'echo "in=$(id -un)"' 2>&1); rc=$?
is "$rc" 1 "from the orphan: su to a confined user is refused"
like "$out" "pam_netns: login refused by the network policy: this login does not start in the host's network namespace" \
	"and told why"
out=$(orph su - pnhost -c "$SHOW" 2>&1)
is "$(kv who "$out")" pnhost "from the orphan: su to a host-policy user stays where it is"
fails "from the orphan: netns-helper up is refused" orph /usr/sbin/netns-helper up lab
like "$(orph /usr/sbin/netns-helper up lab 2>&1)" "not in the host's network namespace" "and says why"
fails "from the orphan: netns-helper gc is refused" orph /usr/sbin/netns-helper gc
is "$(ls -A /run/netns | tr '\n' ' ')" "$before" "nothing was made or removed in /run/netns"
is "$(orph ip -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')" "lo " "nor in the orphan's namespace"
is "$(records)" 1 "and no session recorded beside the team login's"
kill "$orphan"

echo >&"${TEAM[1]}"
wait "$TEAM_PID"

realhost_done
done_testing

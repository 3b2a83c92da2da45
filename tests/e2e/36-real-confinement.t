#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Confinement in the production layout (a private /run, /run/netns a
# plain directory, the distribution's stacks): the network's DNS reaches
# the login whatever /etc/resolv.conf is (systemd-resolved's, resolvconf's
# or NetworkManager's symlink, dangling or not) and the host's stub does
# not; a login does not see which namespaces exist.
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

echo >&"${TEAM[1]}"
wait "$TEAM_PID"
realhost_done
done_testing

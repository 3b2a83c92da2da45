#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# sandbox.sh CMD [ARGS...] - run CMD inside a throwaway sandbox and fail if
# anything CMD made outlives it.
#
# The sandbox is a new network and mount namespace (private propagation),
# so nothing made inside touches the host, laid out as a real host is:
#   - a private tmpfs on /run, in which /run/netns is a plain directory
#     (the helper makes it a mount point itself, as on a real host), with
#     /run/wireguard (wireguard-go's UAPI sockets), /run/sshd and
#     /run/lock; a test that needs more of /run (/run/systemd/resolve,
#     /run/nscd, ...) makes it there;
#   - a tmpfs on /etc/netns;
#   - the sandbox plays "the host": loopback, a host-only address
#     192.0.2.10/32 on lo, and an uplink "uplink0" 198.51.100.2/24 and
#     2001:db8:100::2/64 towards
#   - a "wan" namespace (/run/netns/wan, wan0 198.51.100.1/24,
#     2001:db8:100::1/64, and 203.0.113.1/32 on its lo as a far server)
#     that is the sandbox's default route.
# Test servers run in the sandbox or in wan, on documentation addresses
# only, and are killed by pid (register them with sandbox_track PID).
#
# Environment inside: PN_SANDBOX=1, PN_SANDBOX_DIR=/mnt (a private tmpfs,
# root-owned 0755, for policy files, keys and pid files).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)

# Nothing is made on the host: /run and /etc/netns exist there already
# (a mount point made on the host and removed after would take the mounts
# of another sandbox running at the same time with it).
outer() {
	PN_SANDBOX=1 unshare --net --mount --propagation private -- \
		"$here/sandbox.sh" "$@"
}

setup() {
	mount -t tmpfs -o mode=0755,nosuid,nodev pn-run /run
	mkdir -m 0755 /run/netns /run/wireguard /run/sshd
	mkdir -m 1777 /run/lock
	if [ ! -d /etc/netns ]; then
		# a copy-on-write /etc (upper layer on the private /run) to
		# make the mount point in, rather than a directory on the host
		mkdir -p /run/pn-etc/u /run/pn-etc/w
		mount -t overlay pn-etc -o lowerdir=/etc,upperdir=/run/pn-etc/u,workdir=/run/pn-etc/w /etc
		mkdir -m 0755 /etc/netns
	fi
	mount -t tmpfs -o mode=0755 pn-sandbox /etc/netns
	# A private root-owned 0755 scratch dir (policy files need parents
	# that only root can write, which rules out /tmp): a tmpfs over /mnt,
	# the traditional spare mount point, visible in this sandbox only.
	mount -t tmpfs -o mode=0755 pn-sandbox /mnt
	PN_SANDBOX_DIR=/mnt
	export PN_SANDBOX_DIR

	ip link set lo up
	ip addr add 192.0.2.10/32 dev lo
	ip netns add wan
	ip link add uplink0 type veth peer name wan0 netns wan
	# no DAD on the link-local addresses: see uplink_ready
	sysctl -qw net.ipv6.conf.uplink0.accept_dad=0
	ip netns exec wan sysctl -qw net.ipv6.conf.wan0.accept_dad=0
	ip addr add 198.51.100.2/24 dev uplink0
	ip -6 addr add 2001:db8:100::2/64 dev uplink0 nodad
	ip link set uplink0 up
	ip -n wan link set lo up
	ip -n wan addr add 198.51.100.1/24 dev wan0
	ip -n wan -6 addr add 2001:db8:100::1/64 dev wan0 nodad
	ip -n wan addr add 203.0.113.1/32 dev lo
	ip -n wan link set wan0 up
	ip route add default via 198.51.100.1
	ip -6 route add default via 2001:db8:100::1
	uplink_ready
	# wan answers the sandbox's masqueraded traffic; it needs no route
	# back into the sessions, by design.
}

# Wait until IPv6 on both ends of the uplink works. The kernel brings
# IPv6 up on a veth only once link watch reports the carrier, up to a
# second later; until then wan ignores neighbour solicitations, and the
# first IPv6 exchange with it stalls longer than the probes' timeout. The
# link-local address appears at that moment (without DAD, usable at once).
uplink_ready() {	# bounded at 120 s only so that a broken host cannot hang the run
	local i
	for i in $(seq 2400); do
		ip -6 addr show dev uplink0 scope link | grep -q 'inet6 fe80' &&
		ip -n wan -6 addr show dev wan0 scope link | grep -q 'inet6 fe80' &&
			return 0
		sleep 0.05
	done
	echo "sandbox.sh: IPv6 on the uplink did not come up" >&2
	return 1
}

# What must be empty again when CMD is done.
leaks() {
	local l
	l=$(ls -A /run/netns | grep -vx wan || true)
	[ -z "$l" ] || echo "namespaces left in /run/netns: $l"
	l=$(ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 |
	    grep -vx -e lo -e uplink0 || true)
	[ -z "$l" ] || echo "links left in the sandbox: $(echo $l)"
	l=$(nft list tables 2>/dev/null || true)
	[ -z "$l" ] || echo "nftables tables left: $l"
	l=$(cd /run/pam_netns 2>/dev/null && find . -mindepth 1 \
		! -path ./lock ! -path ./seq ! -path ./ns ! -path ./sessions \
		! -path ./members ! -path ./leases ! -path ./ino ! -path ./hostns \
		! -path ./locks ! -path ./tunnels ! -path ./resources.lock 2>/dev/null || true)
	[ -z "$l" ] || echo "state left in /run/pam_netns: $(echo $l)"
	l=$(ls -A /etc/netns)
	[ -z "$l" ] || echo "files left in /etc/netns: $l"
	l=$(grep -E ' /run/netns/' /proc/self/mountinfo | grep -v ' /run/netns/wan ' || true)
	[ -z "$l" ] || echo "namespace mounts left: $(echo "$l" | wc -l)"
	l=$(sysctl -n net.ipv4.ip_forward)
	[ "$l" = 0 ] || echo "net.ipv4.ip_forward left at $l"
	return 0
}

kill_tracked() {
	local pid
	[ -f "$PN_SANDBOX_DIR/pids" ] || return 0
	while read -r pid; do
		kill "$pid" 2>/dev/null || true
	done < "$PN_SANDBOX_DIR/pids"
	sleep 0.1
	while read -r pid; do
		kill -9 "$pid" 2>/dev/null || true
	done < "$PN_SANDBOX_DIR/pids"
}

# The service a test started (lib.sh serve_start): SIGTERM, so that it
# removes its socket, and wait until it is gone (it ends once the
# requests it runs are done).
stop_service() {
	local pid i
	pid=$(cat "$PN_SANDBOX_DIR/serve.pid" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null || true
	for i in $(seq 2400); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.05
	done
	echo "sandbox.sh: the service did not stop" >&2
	kill -9 "$pid" 2>/dev/null || true
}

inner() {
	local rc=0 l
	setup
	export PN_SANDBOX=1
	"$@" || rc=$?
	stop_service
	kill_tracked
	l=$(leaks)
	if [ -n "$l" ]; then
		echo "# sandbox: not clean after '$*':" >&2
		echo "$l" | sed 's/^/#   /' >&2
		[ $rc -ne 0 ] || rc=99
	fi
	return $rc
}

[ $# -gt 0 ] || { echo "usage: $0 CMD [ARGS...]" >&2; exit 2; }
if [ "$(id -u)" != 0 ]; then
	echo "sandbox.sh: needs root" >&2
	exit 77
fi
if [ "${PN_SANDBOX:-}" = 1 ] && [ -z "${PN_SANDBOX_DIR:-}" ]; then
	inner "$@"
else
	outer "$@"
fi

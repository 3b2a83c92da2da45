#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# demo.sh - `sudo make demo`: open real PAM sessions through libpam for a
# few demo users under the shipped example policy and show, from inside
# each, what the user sees; then `netns-helper list` from the host side,
# and the teardown.
#
# Everything happens in tests/sandbox.sh's throwaway network + mount
# namespace: the users, /etc/pam.d, the policy and every namespace exist
# there only, and the sandbox fails the run if anything outlives it.
# B is the build directory (absolute); the Makefile sets it.

# The sandbox and the test helpers are bash; `make demo` runs sh.
if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
export B=${B:-$ROOT/build}

if [ "${PN_SANDBOX:-}" != 1 ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "demo: needs root (sudo make demo)" >&2
		exit 77
	fi
	for f in netns-helper pam_netns.so tests/tools/pam-driver \
		 tests/tools/peerd tests/tools/probe; do
		if [ ! -x "$B/$f" ]; then
			echo "demo: $B/$f is missing: run make B=$B all tests" >&2
			exit 1
		fi
	done
	exec "$ROOT/tests/sandbox.sh" bash "$ROOT/etc/demo.sh" "$@"
fi

. "$ROOT/tests/lib.sh"
. "$ROOT/tests/e2e/e2e.sh"
D=$PN_SANDBOX_DIR

say() { printf '%s\n' "$*"; }
head1() { printf '\n== %s\n' "$*"; }
indent() { sed 's/^/   /'; }

# user NAME UID [GROUP GID]: one more login in the sandbox's /etc/passwd
# (e2e_users bind-mounted the sandbox's copies over the real files).
user() {
	echo "$1:x:$2:$2::$D/home/$1:/bin/sh" >> "$D/passwd"
	echo "$1:x:$2:" >> "$D/group"
	echo "$1:*:19000:0:99999:7:::" >> "$D/shadow"
	mkdir -p "$D/home/$1"
	[ $# -lt 4 ] || echo "$3:x:$4:$1" >> "$D/group"
}

# The example policy as shipped, with the one thing the sandbox cannot
# match pointed at the sandbox: its uplink is uplink0, not eth0.
demo_policy() {
	sed 's/^\( *uplink *= *\)"eth0";/\1"uplink0";/' "$ROOT/etc/pam_netns.conf" \
		> "$D/pam_netns.conf"
	chmod 0644 "$D/pam_netns.conf"
	POLICY=$D/pam_netns.conf
}

# What a user sees, run by pam-driver inside the session as that user.
cat > "$D/show.sh" <<'EOT'
#!/bin/sh
P="$1 -t 1000"
echo "whoami:             $(id -un) ($(id -Gn | tr ' ' ','))"
echo "interfaces:         $(ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | tr '\n' ' ')"
ip -o addr show scope global | awk '{printf "address:            %s %s\n", $2, $4}'
ip route show | sed 's/^/route:              /'
ip -6 route show | grep -v '^fe80\|^multicast\|^ff00' | sed 's/^/route (IPv6):       /'
grep -h '^nameserver' /etc/resolv.conf | sed 's/^/resolv.conf:        /'
[ -n "$(grep '^nameserver' /etc/resolv.conf)" ] ||
	echo "resolv.conf:        (no nameserver: $(tail -n1 /etc/resolv.conf))"
fetch() {	# fetch WHAT ADDRESS: one connection to port 80, and its fate
	r=$($P "$2" 80)
	case $r in
	peer=*) r="answered; the server saw ${r#peer=}" ;;
	*) r="blocked (${r#error: connect: })" ;;
	esac
	printf 'fetch %-29s %s\n' "$1:" "$r"
}
fetch "wan server 203.0.113.1" 203.0.113.1
fetch "wan server 2001:db8:100::1" 2001:db8:100::1
fetch "the host's own 192.0.2.10" 192.0.2.10
EOT
chmod 0755 "$D/show.sh"

# login TAG SERVICE USER: open a session through libpam in the background;
# inside, show the view into $D/TAG.view and hold the session open until
# $D/go appears, so the host side can look at all of them at once.
login() {
	local tag=$1 svc=$2 u=$3
	"$B/tests/tools/pam-driver" -s "$svc" "$u" sh -c "
		setpriv --reuid=$u --regid=$u --init-groups \
			$D/show.sh $B/tests/tools/probe > $D/$tag.view 2>&1
		touch $D/$tag.ready
		while [ ! -e $D/go ]; do sleep 0.05; done" > "$D/$tag.out" 2>&1 &
	echo $! > "$D/$tag.pid"
}

wait_ready() {
	local t i
	for t in "$@"; do
		for i in $(seq 200); do
			[ -e "$D/$t.ready" ] && break
			grep -q '^open=[1-9]' "$D/$t.out" 2>/dev/null && break
			sleep 0.05
		done
	done
}

view() {	# view TAG TITLE
	head1 "$2"
	say "   pam_open_session: $(kv open_text "$(cat "$D/$1.out")") (NETNS=$(kv env_netns "$(cat "$D/$1.out")"))"
	[ -e "$D/$1.view" ] && indent < "$D/$1.view"
}

# vpn_ready: why the vpn part cannot run here, or nothing when it can.
vpn_ready() {
	if ! grep -q net_vpn_ops "$HELPER"; then
		echo "this build has no vpn kind yet (netns-helper/net_vpn.c)"
	elif ! command -v wg > /dev/null; then
		echo "needs wg (wireguard-tools)"
	elif [ ! -d /etc/wireguard ]; then
		echo "needs /etc/wireguard to mount the demo's corp.conf over"
	fi
}

# The VPN server, in wan: WireGuard on 198.51.100.1:51820, 10.77.0.1
# inside the tunnel, a test server there; the example policy's
# /etc/wireguard/corp.conf (a tmpfs over /etc/wireguard, this sandbox
# only) is alice's end.
vpn_setup() {
	local ck sk i
	mount -t tmpfs -o mode=0700 pn-demo-wg /etc/wireguard
	ck=$(wg genkey); sk=$(wg genkey)
	printf '%s\n' "$sk" > "$D/srv.key"
	if ! ip -n wan link add wgsrv type wireguard 2>/dev/null; then
		WG_PROCESS_FOREGROUND=1 ip netns exec wan wireguard-go wgsrv \
			> /dev/null 2>&1 &
		track $!
		for i in $(seq 50); do
			[ -S /run/wireguard/wgsrv.sock ] && break
			sleep 0.05
		done
	fi
	ip netns exec wan wg set wgsrv listen-port 51820 private-key "$D/srv.key" \
		peer "$(printf '%s' "$ck" | wg pubkey)" allowed-ips 10.77.0.2/32 || return 1
	ip -n wan addr add 10.77.0.1/24 dev wgsrv
	ip -n wan link set wgsrv up
	peerd wan 10.77.0.1 80
	cat > /etc/wireguard/corp.conf <<EOT
[Interface]
PrivateKey = $ck
Address = 10.77.0.2/24
DNS = 10.77.0.1

[Peer]
PublicKey = $(printf '%s' "$sk" | wg pubkey)
Endpoint = 198.51.100.1:51820
AllowedIPs = 0.0.0.0/0, ::/0
EOT
	chmod 0600 /etc/wireguard/corp.conf
}

vpn_teardown() {
	ip -n wan link del wgsrv 2>/dev/null
	umount /etc/wireguard 2>/dev/null
	return 0
}

# --- set up the sandbox's demo world -------------------------------------
e2e_users
user carol 4221 contractors 4321
user sam 4222 students 4322
user alice 4223
demo_policy
pam_service sshd $MOD_ARGS
pam_service login $MOD_ARGS
peerd wan 203.0.113.1 80
peerd wan 2001:db8:100::1 80
peerd - 192.0.2.10 80

say "pam_netns demo"
say "=============="
say "A throwaway sandbox plays the host: its own network and mount namespace,"
say "an uplink (uplink0, 198.51.100.2) to a 'wan' namespace that runs a test"
say "server on 203.0.113.1 and 2001:db8:100::1 port 80, and a server on the"
say "host's own address 192.0.2.10 port 80. Users, /etc/pam.d and every"
say "namespace exist in the sandbox only; the host's network and /etc are"
say "not touched."
say ""
say "Policy: the shipped etc/pam_netns.conf, with uplink \"eth0\" changed to"
say "\"uplink0\" (the sandbox's uplink). Its rules, as netns-helper explains them:"
helper check | sed -n '/^rules/,$p' | indent
say "Demo users: carol (group contractors), sam (group students), alice."
say "Each logs in through libpam (tests/tools/pam-driver: pam_start,"
say "pam_open_session, the user's commands, pam_close_session) with"
say "'session required pam_netns.so' in the sandbox's /etc/pam.d."

login sam sshd sam
login carol login carol
tags="sam carol"

vpn_note=$(vpn_ready)
if [ -z "$vpn_note" ]; then
	if vpn_setup; then
		login alice login alice
		tags="$tags alice"
	else
		vpn_note="the sandbox's WireGuard server could not be set up"
	fi
fi
wait_ready $tags

view sam "sam logs in over ssh: rule 'group students, service sshd' -> lab (nat), one namespace per login"
view carol "carol logs in on the console: rule 'group contractors' -> offline (isolated)"
if [ -n "$vpn_note" ]; then
	head1 "alice: rule 'user alice' -> corp (vpn, WireGuard only)"
	say "   skipped: $vpn_note"
else
	view alice "alice logs in on the console: rule 'user alice' -> corp (vpn, WireGuard only); the server is in wan"
	say "   (all of it through wg0: the wan server sees the tunnel address, not the uplink's)"
fi

head1 "The host side, while the sessions are open: netns-helper list"
"$HELPER" list | indent
say "   ip netns list:"
ip netns list | indent | indent

if [ -z "$vpn_note" ]; then
	head1 "The tunnel goes down (the VPN server stops): alice logs in again"
	ip -n wan link set wgsrv down
	"$B/tests/tools/pam-driver" -s login alice setpriv --reuid=alice \
		--regid=alice --init-groups sh -c "
		echo \"interfaces:         \$(ip -o link show | awk -F': ' '{print \$2}' | tr '\\n' ' ')\"
		r=\$($B/tests/tools/probe -t 1000 203.0.113.1 80)
		echo \"fetch wan server 203.0.113.1:       blocked (\${r#error: connect: })\"" \
		> "$D/alice2.out" 2>&1
	say "   pam_open_session: $(kv open_text "$(cat "$D/alice2.out")") (NETNS=$(kv env_netns "$(cat "$D/alice2.out")"), her first session's)"
	grep -e '^interfaces:' -e '^fetch' "$D/alice2.out" | indent
	say "   nothing else is inside, so nothing leaks past the tunnel"
fi

head1 "Logging out"
touch "$D/go"
for t in $tags; do
	wait "$(cat "$D/$t.pid")"
	say "   $t: pam_close_session: $(kv close "$(cat "$D/$t.out")" | sed 's/^0$/ok/')"
done
[ -n "$vpn_note" ] || vpn_teardown
rest=$("$HELPER" list 2>&1 | grep -v '^NAME\|^$' || true)
say "   netns-helper list: ${rest:-nothing open}"
say "   /run/netns: $(ls /run/netns | tr '\n' ' ')(wan is the sandbox's own)"
t=$(nft list tables 2>/dev/null | tr '\n' ' ')
say "   nftables tables: ${t:-none}"
say ""
say "Done: every session is closed and its namespace, links and firewall"
say "rules are gone; the sandbox is dropped next (it checks that nothing is left)."

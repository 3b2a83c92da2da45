#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# vpn networks: WireGuard from a wg-quick file against a wireguard-go peer
# in the wan namespace (the server behind the tunnel answers, the wan and
# IPv6 outside it do not, DNS from the file, only lo and wg0 inside);
# nothing gets out once the tunnel is gone, and `up` brings it back under
# a running session; bad files fail with their line and leave nothing;
# an adopted interface is waited for, moved in, and given back at down.
. "$(dirname "$0")/../lib.sh"
in_sandbox "$@"

d=$PN_SANDBOX_DIR
skip() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n # SKIP $1"; }
# Should a check fail half-way, no wireguard-go may outlive the sandbox:
# the daemons are not tracked pids, their namespaces' records name them.
trap 'for n in corp corp4 bad ovpn ovpnslow; do helper down --force $n; done >/dev/null 2>&1' EXIT

# Does this kernel have WireGuard? Then the helper must pick it.
if ip link add pnwprobe type wireguard 2>/dev/null; then
	ip link del pnwprobe
	backend=kernel
else
	backend=userspace
fi

(umask 077; wg genkey > "$d/peer.key"; wg genkey > "$d/cli.key")
wg pubkey < "$d/peer.key" > "$d/peer.pub"
wg pubkey < "$d/cli.key" > "$d/cli.pub"
peer_pub=$(cat "$d/peer.pub")

# The far end: wireguard-go in wan, 10.99.0.1 and fd99::1 on its tunnel,
# accepting only our addresses.
start_peer() {
	local i
	ip netns exec wan wireguard-go -f wgpeer >/dev/null 2>&1 &
	PEER_PID=$!
	track $PEER_PID
	for i in $(seq 100); do
		[ -S /run/wireguard/wgpeer.sock ] && break
		sleep 0.05
	done
	ip netns exec wan wg set wgpeer private-key "$d/peer.key" \
		listen-port 51820 peer "$(cat "$d/cli.pub")" \
		allowed-ips 10.99.0.0/24,fd99::/64
	ip -n wan addr add 10.99.0.1/24 dev wgpeer
	ip -n wan -6 addr add fd99::1/64 dev wgpeer nodad
	ip -n wan link set wgpeer up
}

# wgconf FILE MODE TEXT
wgconf() {
	printf '%s\n' "$3" > "$d/$1"
	chmod "$2" "$d/$1"
}

good="[Interface]
PrivateKey = $(cat "$d/cli.key")
Address = 10.99.0.2/32, fd99::2/128
DNS = 10.99.0.53
MTU = 1380

[Peer]
PublicKey = $peer_pub
Endpoint = 198.51.100.1:51820
# the tunnel carries these only: anything else inside goes nowhere
AllowedIPs = 10.99.0.0/24, fd99::/64
PersistentKeepalive = 25"
wgconf corp.conf 0600 "$good"
wgconf corp4.conf 0600 "$(printf '%s\n' "$good" | sed 's|, fd99::2/128||')"

policy "networks = {
  corp = { type = \"vpn\"; wireguard = \"$d/corp.conf\"; };
  corp4 = { type = \"vpn\"; wireguard = \"$d/corp4.conf\"; };
  bad = { type = \"vpn\"; wireguard = \"$d/bad.conf\"; };
  ovpn = { type = \"vpn\"; interface = \"tun-corp\"; address = [ \"10.77.0.2/24\" ];
           dns = [ \"10.77.0.53\" ]; timeout = 2; };
  ovpnslow = { type = \"vpn\"; interface = \"tun-late\"; address = [ \"10.77.1.2/24\" ];
               routes = [ \"10.77.0.0/16\" ]; dns = \"10.77.0.53\"; timeout = 20; };
};
rules = ( { user = \"root\"; service = \"vpn\"; network = \"corp\"; scope = \"shared\"; } );"

ok "the policy with vpn networks passes check" helper check

# ---- bad wg-quick files: a line-numbered error, nothing left behind ------
key=$(cat "$d/cli.key")
bad_case() {	# bad_case NAME MODE WANT TEXT
	local out rc=0
	wgconf bad.conf "$2" "$4"
	out=$(helper up bad 2>&1) || rc=$?
	is "$rc" 1 "$1: up fails"
	like "$out" "up bad: vpn 'bad': $3" "$1: $3"
	sandbox_clean "$1: nothing left behind"
	rc=0; out=$(helper check 2>&1) || rc=$?
	is "$rc" 4 "$1: check rejects the policy too"
	like "$out" "error: network 'bad': $3" "$1: with the same message"
}
rm -f "$d/bad.conf"
like "$(helper check 2>&1)" "warning: network 'bad': $d/bad.conf: missing: a login on this network fails until it exists" \
	"check warns about a wg-quick file that is not there (yet)"
helper check >/dev/null 2>&1
is "$?" 0 "and passes"
bad_case "missing key" 0600 "$d/bad.conf:5: \[Peer\] has no 'PublicKey'$" \
"[Interface]
PrivateKey = $key
Address = 10.99.0.2/32

[Peer]
Endpoint = 198.51.100.1:51820"
bad_case "bad base64" 0600 "$d/bad.conf:3: 'PrivateKey': not valid base64$" \
"[Interface]
Address = 10.99.0.2/32
PrivateKey = ${key%?}!
[Peer]
PublicKey = $peer_pub"
bad_case "bad endpoint" 0600 \
"$d/bad.conf:6: 'Endpoint' '198.51.100.1': expected HOST:PORT or \[IPv6\]:PORT$" \
"[Interface]
PrivateKey = $key
Address = 10.99.0.2/32
[Peer]
PublicKey = $peer_pub
Endpoint = 198.51.100.1"
bad_case "world-readable file" 0644 \
"$d/bad.conf: is readable by group or others, and it holds a private key \(chmod 600 it\)$" \
"$good"
bad_case "unknown section" 0600 "$d/bad.conf:4: unknown section '\[Peers\]'$" \
"[Interface]
PrivateKey = $key
Address = 10.99.0.2/32
[Peers]
PublicKey = $peer_pub"
is "$(ls /run/wireguard)" "" "no wireguard-go socket is left"

# ---- a working tunnel ---------------------------------------------------
start_peer
peerd wan 10.99.0.1 8080
peerd wan fd99::1 8080
peerd wan 198.51.100.1 8080
peerd wan 2001:db8:100::1 8080

# Wait (bounded) for the first handshake, which the keepalive starts as
# soon as the device is up: a condition, not a timing.
handshake() {
	local i h
	for i in $(seq 150); do
		h=$(helper status corp --json | jq -r '.vpn.peers[0].latest_handshake // 0')
		[ "${h:-0}" -gt 0 ] && return 0
		sleep 0.1
	done
	return 1
}

s=$(helper session-open --user root --service vpn --pid $$)
is "$(kv netns "$s")" corp "a session opens in the vpn namespace"
ino=$(stat -L -c %i /run/netns/corp)
ok "the tunnel completes a handshake" handshake
wgp=$(helper status corp --json | jq -r '.vpn.pid')
is "$(sed -n 's/^CapPrm:[[:space:]]*//p' "/proc/$wgp/status")" 0000000000001400 \
	"wireguard-go keeps CAP_NET_ADMIN and CAP_NET_BIND_SERVICE only (not the helper's CAP_SYS_ADMIN, CAP_NET_RAW)"
is "$(ip -n corp -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | tr '\n' ' ')" \
   "lo wg0 " "inside: lo and wg0 only"
is "$(ip -n corp -j addr show wg0 | jq -r '[.[0].addr_info[] | select(.scope=="global") | "\(.local)/\(.prefixlen)"] | join(" ")')" \
   "10.99.0.2/32 fd99::2/128" "wg0 has the addresses of the file"
is "$(ip -n corp -j link show wg0 | jq -r '.[0].mtu')" 1380 "and its MTU"
is "$(ip -n corp route show default | grep -c 'dev wg0')" 1 "an IPv4 default route through wg0"
is "$(ip -n corp -6 route show default | grep -c 'dev wg0')" 1 "an IPv6 default route through wg0"
is "$(grep '^nameserver' "/etc/netns/corp/resolv.conf")" "nameserver 10.99.0.53" \
   "resolv.conf has the file's DNS only"
fails "the device is not on the host any more" ip link show pnw1
port=$(helper status corp --json | jq -r .vpn.listen_port)
like "$(ss -Huan "sport = :$port")" "." "the tunnel's UDP socket (port $port) stays on the host"
is "$(ip netns exec corp ss -Huan)" "" "and is not inside"
is "$(probe corp 10.99.0.1 8080)" "peer=10.99.0.2" "the server behind the tunnel answers"
is "$(probe corp fd99::1 8080)" "peer=fd99::2" "over IPv6 too"
is "$("$B/tests/tools/probe" -t 700 198.51.100.1 8080 2>&1)" "peer=198.51.100.2" \
   "the host reaches the wan server"
like "$(probe corp 198.51.100.1 8080)" "^error" "the namespace does not"
like "$(probe corp 2001:db8:100::1 8080)" "^error" "nor the wan over IPv6"
like "$(probe corp 192.0.2.10 8080)" "^error" "nor the host's own address"

st=$(helper status corp)
like "$st" "backend +$backend" "status names the backend ($backend)"
like "$st" "peer +$(printf '%s' "$peer_pub" | sed 's/[+]/\\+/g')" "status lists the peer"
like "$st" "endpoint +198\.51\.100\.1:51820" "and its endpoint"
like "$st" "handshake +[0-9]+ s ago" "the age of the last handshake"
like "$st" "transfer +[0-9]+ B received, [0-9]+ B sent" "and the transfer counters"
is "$(helper status corp --json | jq -r '.vpn.peers[0].rx_bytes > 0 and .vpn.up')" true \
   "status --json: bytes received, tunnel up"
if [ "$backend" = kernel ]; then
	is "$(helper status corp --json | jq -r .vpn.pid)" 0 "the kernel backend runs no daemon"
else
	skip "kernel has no WireGuard"
fi

# ---- the tunnel goes away: nothing gets out; up brings it back -----------
ip -n corp link del wg0
is "$(ip -n corp route show default)" "unreachable default proto static metric 4294967295 " \
   "without the tunnel only an unreachable default is left"
like "$(probe corp 10.99.0.1 8080)" "^error" "the tunnel's server is gone"
like "$(probe corp 198.51.100.1 8080)" "^error" "and nothing else is reached"
like "$(helper status corp)" "state +down" "status says the tunnel is down"
out=$(helper up corp 2>&1)
like "$out" "made again" "up makes the tunnel again"
is "$(stat -L -c %i /run/netns/corp)" "$ino" "in the same namespace"
is "$(helper list --json | jq '.sessions | length')" 1 "the session is still open"
ok "the new tunnel completes a handshake" handshake
is "$(probe corp 10.99.0.1 8080)" "peer=10.99.0.2" "the server answers again"
like "$(helper up corp 2>&1)" "up already" "up on a healthy tunnel changes nothing"

kill "$PEER_PID"; wait "$PEER_PID" 2>/dev/null
like "$(probe corp 10.99.0.1 8080)" "^error" "with the peer dead nothing answers"
like "$(probe corp 198.51.100.1 8080)" "^error" "and nothing leaks around it"
helper session-close --session "$(kv session "$s")"
helper down corp
ok "down removes the namespace" test ! -e /run/netns/corp
is "$(ls /run/wireguard)" "" "wireguard-go is gone with its socket"

# A file without an IPv6 address: IPv6 fails at once inside.
helper up corp4
is "$(ip -n corp4 -6 route show default)" "unreachable default dev lo proto static metric 4294967295 pref medium" \
   "no IPv6 address: an unreachable IPv6 default"
helper down corp4
sandbox_clean "vpn namespaces leave nothing behind"

# ---- an adopted interface ------------------------------------------------
out=$(helper up ovpn 2>&1); rc=$?
is "$rc" 1 "adopting a missing interface fails"
like "$out" "vpn 'ovpn': interface 'tun-corp' did not appear within 2 s" "after its timeout, saying so"
sandbox_clean "and leaves nothing behind"

ip tuntap add dev tun-corp mode tun
helper up ovpn
is "$(ip -n ovpn -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | tr '\n' ' ')" \
   "lo tun-corp " "the adopted interface is inside, alone with lo"
is "$(ip -n ovpn -j addr show tun-corp | jq -r '[.[0].addr_info[] | select(.family=="inet") | "\(.local)/\(.prefixlen)"] | join(" ")')" \
   "10.77.0.2/24" "with the policy's address"
is "$(ip -n ovpn route show default | grep -c 'dev tun-corp')" 1 "and the default route"
is "$(grep '^nameserver' /etc/netns/ovpn/resolv.conf)" "nameserver 10.77.0.53" "and the policy's DNS"
fails "it left the host" ip link show tun-corp
like "$(helper status ovpn)" "backend +adopted" "status: backend adopted"
like "$(helper down ovpn 2>&1)" "'tun-corp' is back in the host namespace" \
   "down says it gives the interface back"
ok "and it is on the host again" ip link show tun-corp
ip link del tun-corp

# an interface that shows up while the helper waits
( sleep 0.3; ip tuntap add dev tun-late mode tun ) &
helper up ovpnslow
is "$(ip -n ovpnslow route show | grep -c '10.77.0.0/16 dev tun-late')" 1 "a late interface is adopted, with the policy's routes"
ip -n ovpnslow link del tun-late
out=$(helper down ovpnslow 2>&1)
like "$out" "'tun-late' is gone" "down says when the adopted interface is gone"
sandbox_clean "adopted interfaces leave nothing behind"
done_testing

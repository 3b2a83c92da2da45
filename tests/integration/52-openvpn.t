#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A real OpenVPN 2.6 as the adopted tunnel of a vpn network: the server in
# wan pushes redirect-gateway, DNS and the client's fixed address; the
# client on the host runs as pam_netns.conf(5) says (ifconfig-noexec,
# route-noexec, persist-tun). The namespace holds lo and the tun only,
# reaches the server behind the tunnel and nothing else; SIGHUP, USR1 and
# a server restart each leave it with a working tunnel again, taken back
# by the resident service (or by `netns-helper adopt`), and the host never
# has a route through the tunnel. An address the client was given that is
# not the policy's is refused; a second namespace for one device is
# refused at once; check requires address and dns.
. "$(dirname "$0")/../lib.sh"
in_sandbox "$@"

d=$PN_SANDBOX_DIR
TUN=tun-ovpn
if ! command -v openvpn >/dev/null; then
	[ "${CI:-}" != true ] || { echo "not ok 1 - openvpn is not installed (tests/deps.sh)"; echo 1..1; exit 1; }
	echo "1..0 # SKIP openvpn is not installed"; exit 0
fi

# ---- the server in wan, the client's base configuration (openvpn.sh) -----
sh "$TESTS_DIR/openvpn.sh" "$d/srv" "$d/base.conf" $TUN
push_addr() { echo "ifconfig-push $1 255.255.255.0" > "$d/srv/ccd/client"; }
client_conf() {	# client_conf NAME OPTION...: the base and OPTION lines
	local f=$d/$1.conf
	shift
	cp "$d/base.conf" "$f"
	printf '%s\n' "$@" >> "$f"
}
client_conf client persist-tun ifconfig-noexec route-noexec
client_conf client-nopersist ifconfig-noexec route-noexec
client_conf client-configures persist-tun route-noexec
client_conf client-report persist-tun ifconfig-noexec route-noexec \
	"script-security 2" "up \"$HELPER openvpn-up\""
cp "$d/srv/server.conf" "$d/server.conf"

# run NAME NS: openvpn --config NAME.conf as a daemon in NS ("-" the host)
run() {
	local pre=()
	[ "$2" = - ] || pre=(ip netns exec "$2")
	rm -f "$d/$1.pid"
	: > "$d/$1.log"
	"${pre[@]}" openvpn --config "$d/$1.conf" --writepid "$d/$1.pid" \
		--log-append "$d/$1.log" --daemon
	wait_until "[ -s '$d/$1.pid' ]"
	track "$(cat "$d/$1.pid")"
}
stop() {
	local pid
	pid=$(cat "$d/$1.pid")
	kill "$pid"
	wait_until "! kill -0 $pid 2>/dev/null"
}
# connected NAME: how many times NAME's log says it is connected
connected() { grep -c 'Initialization Sequence Completed' "$d/$1.log"; }

policy "networks = {
  ovpn = { type = \"vpn\"; interface = \"$TUN\"; address = \"10.98.0.2/24\";
           dns = \"10.98.0.1\"; timeout = 10; };
};
rules = ( { user = \"root\"; service = \"vpn\"; network = \"ovpn\"; scope = \"shared\"; } );"

# ---- what check requires of an adopting network -----------------------------
bad_policy() {	# bad_policy NAME NETWORK-BODY WANT
	local out rc=0
	printf '%s\n' "networks = {
  x = { type = \"vpn\"; interface = \"$TUN\"; $2 };
};" > "$d/bad.conf"
	out=$("$HELPER" --config "$d/bad.conf" check 2>&1) || rc=$?
	is "$rc" 4 "$1: check refuses it"
	like "$out" "$d/bad.conf:2: .*$3" "$1: naming the line and what is missing"
}
bad_policy "no address" 'dns = "10.98.0.1";' "'interface' needs 'address'"
bad_policy "no dns" 'address = "10.98.0.2/24";' "'interface' needs 'dns'"
bad_policy "an IPv6 route without an IPv6 address" \
	'address = "10.98.0.2/24"; dns = "10.98.0.1"; routes = [ "::/0" ];' \
	"route ::/0: 'address' has no IPv6 address"
printf '%s\n' "networks = {
  ovpn = { type = \"vpn\"; interface = \"$TUN\"; address = \"10.98.0.2/24\"; dns = \"10.98.0.1\"; };
};
rules = ( { user = \"root\"; network = \"ovpn\"; scope = \"session\"; } );" > "$d/scope.conf"
like "$("$HELPER" --config "$d/scope.conf" check 2>&1)" \
	"warning: $d/scope.conf:4: network 'ovpn' adopts interface '$TUN', which can be in one namespace only: with scope 'session'" \
	"check warns about a session-scope rule on an adopted interface"
ok "the test's policy passes check" helper check

# ---- the VPN: server in wan, client on the host -----------------------------
ip monitor route > "$d/host-routes" 2>&1 &
track $!
run server wan
wait_until "ip -n wan -4 addr show dev tun-srv | grep -q 10.98.0.1"
peerd wan 10.98.0.1 8080
run client -
ok "the client connects" wait_until "[ \"\$(connected client)\" -ge 1 ]"
is "$(ip -o addr show dev $TUN 2>&1)" "" "the client left its tun unconfigured on the host"

[ -s "$d/serve.pid" ] && kill -0 "$(cat "$d/serve.pid")" 2>/dev/null && serve_stop
serve_start --config "$POLICY"

# inside: the tun and lo, the policy's address, the tunnel's server only
inside_ok() {
	[ "$(probe ovpn 10.98.0.1 8080)" = "peer=10.98.0.2" ]
}
sealed() {	# sealed WHAT: the namespace reaches nothing but the tunnel
	is "$(ip -n ovpn -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | tr '\n' ' ')" \
	   "lo $TUN " "$1: only lo and the tun inside"
	ok "$1: the server behind the tunnel answers" wait_until inside_ok
	like "$(probe ovpn 192.0.2.10 8080)" "^error" "$1: the host's address is not reached"
	like "$(probe ovpn 2001:db8:100::1 8080)" "^error: connect: No route to host" \
	     "$1: no IPv6 address: IPv6 fails at once"
	fails "$1: the tun is not on the host" ip link show $TUN
}

# a login (what pam_netns.so asks for) builds the shared namespace and
# adopts the tun
out=$(helper session-open --user root --service vpn --pid $$); rc=$?
is "$rc/$(kv action "$out")/$(kv netns "$out")" "0/join/ovpn" "a login on the network joins namespace ovpn"
sealed "adopted by a login"
is "$(helper session-close --session "$(kv session "$out")"; echo $?)" 0 "its logout"
ok "the shared namespace stays, with its tun" ip -n ovpn link show $TUN
is "$(ip -n ovpn -j addr show $TUN | jq -r '[.[0].addr_info[] | select(.family=="inet") | "\(.local)/\(.prefixlen)"] | join(" ")')" \
   "10.98.0.2/24" "the policy's address"
is "$(grep '^nameserver' /etc/netns/ovpn/resolv.conf)" "nameserver 10.98.0.1" "the policy's DNS"
is "$(ip -n ovpn -6 route show default)" "unreachable default dev lo proto static metric 4294967295 pref medium" \
   "IPv6: only the unreachable default"

# R4: one device, one namespace: a second is refused at once
out=$(helper up ovpn --name ovpn-b 2>&1); rc=$?
is "$rc" 1 "a second namespace of the adopting network is refused"
like "$out" "interface '$TUN' is in namespace 'ovpn' already" "at once, saying where the device is"
fails "and leaves nothing" test -e /run/netns/ovpn-b

# reopen TITLE NAME SIGNAL: the client reopens; the service takes the tun back
reopen() {
	local n start=${EPOCHREALTIME/./} idx
	idx=$(ip -n ovpn -o link show $TUN | cut -d: -f1)
	n=$(connected "$2")
	kill -"$3" "$(cat "$d/$2.pid")"
	ok "$1: the client connects again" wait_until "[ \"\$(connected $2)\" -gt $n ]"
	ok "$1: the tun is back inside" wait_until "ip -n ovpn link show $TUN >/dev/null 2>&1 && inside_ok"
	echo "# $1: working again after $(( (${EPOCHREALTIME/./} - start) / 1000 )) ms"
	if [ "${4:-}" = new ]; then
		ok "$1: the tun inside is a new one (made on the host, taken back)" \
		   test "$(ip -n ovpn -o link show $TUN | cut -d: -f1)" != "$idx"
	else
		is "$(ip -n ovpn -o link show $TUN | cut -d: -f1)" "$idx" "$1: the tun inside is kept"
	fi
	sealed "$1"
}
reopen "USR1 with persist-tun" client USR1
reopen "SIGHUP" client HUP new
n=$(connected client)
stop server
run server wan
ok "server restart: the client connects again" wait_until "[ \"\$(connected client)\" -gt $n ]"
ok "server restart: the tunnel works again" wait_until "ip -n ovpn link show $TUN >/dev/null 2>&1 && inside_ok"
sealed "server restart"

stop client
run client-nopersist -
ok "a client without persist-tun connects" wait_until "[ \"\$(connected client-nopersist)\" -ge 1 ]"
ok "its new tun is taken in" wait_until "ip -n ovpn link show $TUN >/dev/null 2>&1 && inside_ok"
reopen "USR1 without persist-tun" client-nopersist USR1 new

# without the service: the tun stays on the host until `adopt` takes it
serve_stop
n=$(connected client-nopersist)
kill -HUP "$(cat "$d/client-nopersist.pid")"
ok "no service: the reopened tun waits on the host" \
	wait_until "[ \"\$(connected client-nopersist)\" -gt $n ] && ip link show $TUN >/dev/null 2>&1"
like "$(probe ovpn 10.98.0.1 8080)" "^error" "meanwhile the namespace reaches nothing"
like "$(ip -n ovpn -4 route show default | tr '\n' ' ')" "^unreachable default .*metric 4294967295 *$" \
   "only the unreachable default is left"
like "$(helper adopt)" "adopt: ovpn: its device is back inside" "netns-helper adopt takes it back"
sealed "adopt by hand"
like "$(helper adopt)" "adopt: 0 devices taken back" "a second adopt has nothing to do"
serve_start --config "$POLICY"

# R3: at teardown the tun goes back to the host as the client left it
like "$(helper down ovpn 2>&1)" "'$TUN' is back in the host namespace" "down gives the tun back"
is "$(ip -o link show $TUN | grep -c 'state DOWN')" 1 "down, as the client made it"
is "$(ip -o addr show dev $TUN)" "" "without an address"
helper up ovpn
sealed "adopted again by the next up"
helper down ovpn >/dev/null 2>&1
stop client-nopersist

# ---- R2: what the server gave the client, reported by openvpn-up -----------
# logged: how many lines of FILE match RE
logged() { grep -c -- "$2" "$1" 2>/dev/null; }
is_up() { ip -n ovpn -o link show $TUN | grep -q '[<,]UP[,>]'; }
run client-report -
ok "a reporting client connects" wait_until "[ \"\$(connected client-report)\" -ge 1 ]"
ok "its report reaches the service and agrees with the policy" \
	wait_until "[ \"\$(logged $d/client-report.log 'tunnel: $TUN: 10.98.0.2/24 kept for the device')\" -ge 1 ]"
helper up ovpn
sealed "reported and adopted"
n=$(logged "$d/client-report.log" 'agrees with the policy\|kept for the device')
push_addr 10.98.0.7
kill -USR1 "$(cat "$d/client-report.pid")"
ok "a changed pushed address: the client reopens its tun and reports it" \
	wait_until "[ \"\$(logged $d/client-report.log 'gave .$TUN. the address 10.98.0.7/24, which is not the policy')\" -ge 1 ]"
like "$(grep 'not the policy' "$d/client-report.log" | tail -n 1)" \
     "vpn 'ovpn': its server .*gave '$TUN' the address 10.98.0.7/24, which is not the policy's: (set down in the namespace|not brought up)" \
     "refused, with the reason, in the client's log"
ok "the refused tun is inside" wait_until "ip -n ovpn link show $TUN >/dev/null 2>&1 && ! ip link show $TUN >/dev/null 2>&1"
ok "and down" wait_until "! is_up"
like "$(probe ovpn 10.98.0.1 8080)" "^error: connect: No route to host" "the namespace reaches nothing"
like "$(cat "$d/serve.log")" "not the policy's" "the service logged it too"
push_addr 10.98.0.2
kill -USR1 "$(cat "$d/client-report.pid")"
ok "the address back: the reopened tun is taken in again" \
	wait_until "[ \"\$(logged $d/client-report.log 'agrees with the policy\|kept for the device')\" -gt $n ] && is_up && inside_ok"
sealed "address back"
helper down ovpn >/dev/null 2>&1
# before a login: the report says so, and the login is refused
push_addr 10.98.0.7
kill -USR1 "$(cat "$d/client-report.pid")"
ok "with no namespace: the report is refused" \
	wait_until "[ \"\$(logged $d/client-report.log 'a login adopting it is refused')\" -ge 1 ]"
out=$(helper up ovpn 2>&1); rc=$?
is "$rc" 1 "and the next up is refused"
like "$out" "its server \(as its client reported\) gave '$TUN' the address 10.98.0.7/24, which is not the policy's" \
     "saying what the client reported"
fails "leaving no namespace" test -e /run/netns/ovpn
stop client-report
push_addr 10.98.0.2
out=$(helper tunnel --dev $TUN --address 10.98.0.300/24 2>&1); rc=$?
is "$rc" 2 "netns-helper tunnel refuses a bad address"
like "$out" "usage: tunnel --dev DEV --address" "with its usage"
like "$(helper adopt)" "adopt: 0 devices taken back" "adopt sweeps the reports of devices gone"
is "$(ls -A /run/pam_netns/tunnels)" "" "no report is left"

is "$(grep -c "dev $TUN" "$d/host-routes")" 0 "the host never had a route through the tun"

# R2: a client that configures its tun (without ifconfig-noexec: the host
# has its address for a moment) with an address not the policy's
push_addr 10.98.0.7
run client-configures -
ok "a client configuring its tun connects" wait_until "[ \"\$(connected client-configures)\" -ge 1 ]"
out=$(helper up ovpn 2>&1); rc=$?
is "$rc" 1 "an address the client got that is not the policy's is refused"
like "$out" "its client gave '$TUN' the address 10.98.0.7/24, which is not the policy's" "with the reason"
fails "and the namespace is gone" test -e /run/netns/ovpn
stop client-configures
push_addr 10.98.0.2
stop server
serve_stop
is "$(grep -iE 'failed|warning|error' "$d/serve.log" | grep -v -e 'which is not the policy' -e 'tunnel: ovpn:')" "" \
   "the service logged no failure but the refusals"
sandbox_clean
done_testing

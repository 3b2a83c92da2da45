#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A real sshd on loopback in the sandbox, key-authenticated test users,
# pam_netns in its PAM stack: the shell, sftp and -L forwards of a
# confined login run in its namespace; logout removes a session-scope
# namespace; 20 parallel logins of a user-scope user share one namespace
# that goes with the last logout.
. "$(dirname "$0")/../lib.sh"
in_sandbox "$@"
. "$TESTS_DIR/e2e/e2e.sh"
e2e_users

policy 'networks = {
  lab = { type = "nat"; pool = "10.213.0.0/16"; pool6 = "fd6e:7300::/48";
          dns = [ "192.0.2.53" ]; };
  offline = { type = "isolated"; };
};
rules = (
  { user = "pnfree"; network = "host"; },
  { group = "pnlab"; network = "lab"; scope = "session"; service = [ "sshd" ]; },
  { user = "pnshare"; network = "offline"; scope = "user"; },
);
default = "deny";'
pam_service sshd $MOD_ARGS

S=$PN_SANDBOX_DIR/sshd
mkdir -p "$S/keys"
ssh-keygen -q -t ed25519 -N '' -f "$S/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$S/user_key"
for u in pnuser pnshare pnfree; do cp "$S/user_key.pub" "$S/keys/$u"; done
chmod 0644 "$S"/keys/*
cat > "$S/sshd_config" <<EOT
ListenAddress 127.0.0.1:2222
HostKey $S/host_key
PidFile $S/sshd.pid
UsePAM yes
PubkeyAuthentication yes
AuthorizedKeysFile $S/keys/%u
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
AllowTcpForwarding yes
MaxStartups 100
MaxSessions 100
Subsystem sftp internal-sftp
EOT
/usr/sbin/sshd -f "$S/sshd_config" -E "$S/sshd.log"
wait_until '[ -s "$S/sshd.pid" ]'
track "$(cat "$S/sshd.pid")"
SSH="ssh -q -i $S/user_key -p 2222 -o BatchMode=yes -o StrictHostKeyChecking=no
	-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
host=$(stat -L -c %i /proc/self/ns/net)

# wait_gone NAME: wait (bounded) for sshd's close_session to run
wait_gone() {
	wait_until "[ ! -e /run/netns/$1 ]"
}

# --- a confined login: what the shell sees
out=$($SSH pnuser@127.0.0.1 'echo "ns=$NETNS"; echo "ino=$(stat -L -c %i /proc/self/ns/net)";
	echo "ifs=$(ip -j addr | jq -r "[.[].ifname] | join(\" \")")";
	echo "v4=$(ip -j -4 addr show dev eth0 | jq -r ".[0].addr_info[0].local")";
	echo "v6=$(ip -j -6 addr show dev eth0 scope global | jq -r ".[0].addr_info[0].local")";
	echo "dns=$(grep nameserver /etc/resolv.conf)"' 2>&1)
ns=$(kv ns "$out")
like "$ns" '^lab\.pnuser\.[0-9]+$' "ssh: the shell has NETNS=$ns"
ok "ssh: the shell is not in the host namespace" test "$(kv ino "$out")" != "$host"
is "$(kv ifs "$out")" "lo eth0" "ssh: ip -j addr shows exactly lo and eth0"
like "$(kv v4 "$out")" '^10\.213\.' "ssh: eth0 has an address from the pool"
like "$(kv v6 "$out")" '^fd6e:7300:' "ssh: and an IPv6 address from pool6"
is "$(kv dns "$out")" "nameserver 192.0.2.53" "ssh: /etc/resolv.conf is the namespace's"
ok "ssh: the session namespace is gone at logout" wait_gone "$ns"

# --- sftp reads the namespace's /etc/resolv.conf, not the host's
rm -f "$PN_SANDBOX_DIR/got.conf"
echo "get /etc/resolv.conf $PN_SANDBOX_DIR/got.conf" |
	sftp -q -b - -i "$S/user_key" -P 2222 -o BatchMode=yes -o StrictHostKeyChecking=no \
	-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR pnuser@127.0.0.1 >/dev/null 2>&1
like "$(cat "$PN_SANDBOX_DIR/got.conf" 2>/dev/null)" "nameserver 192.0.2.53" "sftp runs in the namespace too"

# --- ssh -L: the forward is opened from inside the namespace
peerd - 192.0.2.10 8080
fwd() {	# fwd USER PORT: a -L forward to the host-only 192.0.2.10:8080
	$SSH -f -N -o ExitOnForwardFailure=yes -L "127.0.0.1:$2:192.0.2.10:8080" "$1@127.0.0.1"
	sleep 0.3
	"$B/tests/tools/probe" -t 1500 127.0.0.1 "$2" 2>&1
	pkill -f "127.0.0.1:$2:192.0.2.10" || true
}
is "$(fwd pnfree 9001)" "peer=192.0.2.10" "ssh -L of an unconfined user reaches the host-only service"
like "$(fwd pnuser 9002)" "^error" "ssh -L of a confined user cannot"

# --- policy refuses: the login fails
out=$($SSH nosuchuser@127.0.0.1 true 2>&1); rc=$?
ok "a login the policy does not cover (default deny) fails" test $rc -ne 0

# --- 20 parallel logins of a user-scope user share one namespace
for i in $(seq 20); do
	$SSH pnshare@127.0.0.1 'stat -L -c %i /proc/self/ns/net; sleep 1' > "$PN_SANDBOX_DIR/par.$i" 2>&1 &
done
wait
is "$(cat "$PN_SANDBOX_DIR"/par.* | sort -u | wc -l)" 1 "20 parallel logins: one namespace"
ok "not the host's" test "$(cat "$PN_SANDBOX_DIR/par.1")" != "$host"
ok "gone after the last logout" wait_gone offline.pnshare

# --- owner death: the session's sshd SIGKILLed before close_session
$SSH pnshare@127.0.0.1 'sleep 41' >/dev/null 2>&1 &
client=$!
wait_until '[ -e /run/netns/offline.pnshare ]'
ok "a login is open" test -e /run/netns/offline.pnshare
# the per-connection sshd processes are the listener's children
for p in $(pgrep -P "$(cat "$S/sshd.pid")"); do kill -9 "$p"; done
wait "$client" 2>/dev/null
pkill -x -f 'sleep 41' || true
if [ "${PN_VIA:-exec}" = socket ]; then
	# the service watches the owner: no gc run needed
	ok "the service closes the dead sshd's session" \
		wait_until '[ ! -e /run/netns/offline.pnshare ]'
else
	ok "its namespace outlives the killed sshd" test -e /run/netns/offline.pnshare
	like "$(helper gc)" "^gc: 1 sessions closed," "gc closes the dead sshd's session"
	ok "and the namespace is gone" wait_until '[ ! -e /run/netns/offline.pnshare ]'
fi

kill "$(cat "$S/sshd.pid")"
sandbox_clean
done_testing

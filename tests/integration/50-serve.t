#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The resident service (netns-helper serve) and pam_netns.so's way to it:
# without a socket the module execs the helper; with the service it asks
# it and the helper= is never run; only root may connect; an oversized or
# malformed request gets exit=2 and changes nothing; a session goes when
# its owner dies (even by SIGKILL), with no gc run, also after a restart
# of the service and for a session opened by exec before it started; a
# peer that hangs up before its answer leaves nothing; a service that
# never answers, or a socket directory not root's 0700, refuses the login
# and never falls back to exec; socket activation hands the service its
# socket. Every wait is on an event (a record, a log line, an exit).
. "$(dirname "$0")/../lib.sh"
PN_VIA=exec	# this test starts and stops the service itself
in_sandbox "$@"
. "$TESTS_DIR/e2e/e2e.sh"
e2e_users

d=$PN_SANDBOX_DIR
SOCK=/run/pam_netns/service/socket
CLIENT=$B/tests/tools/svc-client
policy 'networks = { lab = { type = "nat"; pool = "10.213.0.0/16"; }; };
rules = (
  { user = "pnuser"; network = "lab"; scope = "session"; },
  { user = "root"; network = "lab"; scope = "session"; },
);
default = "host";'
# a helper= that leaves a mark when the module execs it
printf '#!/bin/sh\ntouch %s/exec-ran\nexec %s "$@"\n' "$d" "$HELPER" > "$d/marker.sh"
chmod 0755 "$d/marker.sh"
pam_service pn-test helper="$d/marker.sh" conf="$POLICY" timeout=5 debug
sessions() { find /run/pam_netns/sessions -mindepth 1 2>/dev/null | wc -l; }
namespaces() { ls /run/netns | grep -c -v -x wan; }
open_req() { echo verb=session-open user=root service=pn-srv config="$POLICY"; }
log_has() { grep -q -- "$1" "$d/serve.log"; }

# --- no service: the exec path
out=$(driver -s pn-test pnuser)
is "$(kv open "$out")/$(kv close "$out")" 0/0 "no socket: the login opens and closes"
ok "by exec'ing the helper" test -e "$d/exec-ran"
rm -f "$d/exec-ran"

# --- the service
serve_start
is "$(stat -c %a/%U "$(dirname $SOCK)")/$(stat -c %a/%U $SOCK)" 700/root/600/root \
	"the service's socket: root's 0600 in a root 0700 directory"
# CAP_SETPCAP, NET_BIND_SERVICE, NET_ADMIN, NET_RAW, SYS_PTRACE, SYS_ADMIN
is "$(awk '/^CapEff:/ { print $2 }' /proc/"$(cat "$d/serve.pid")"/status)" 0000000000283500 \
	"the service keeps six capabilities of root's"
out=$(driver -s pn-test pnuser sh -c 'echo "ino=$(stat -L -c %i /proc/self/ns/net)"')
is "$(kv open "$out")/$(kv close "$out")" 0/0 "with the service: the login opens and closes"
like "$(kv env_netns "$out")" '^lab\.pnuser\.[0-9]+$' "in its session namespace"
fails "and the helper= is not exec'd" test -e "$d/exec-ran"
# the service answers a close before the teardown: wait for it to end
is "$(sessions)" 0 "closed through the service: the session is gone at once"
ok "and its namespace after its teardown" wait_until '[ "$(namespaces)" = 0 ]'

# --- only root may ask
chmod 0711 /run/pam_netns "$(dirname $SOCK)"; chmod 0666 $SOCK
out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$CLIENT" $(open_req) 2>&1)
rc=$?
chmod 0700 /run/pam_netns "$(dirname $SOCK)"; chmod 0600 $SOCK
is "$rc/$out" "1/" "a peer not root: the connection closes without an answer"
ok "and it is logged" log_has "refused a connection of uid 65534"

# --- bad requests
out=$("$CLIENT" -z 5000)
is "$out" "exit=2" "an oversized request: exit=2"
out=$("$CLIENT" verb=session-open user=root service=x pid=1)
is "$out" "exit=2" "a malformed request (pid= is not for a peer to name): exit=2"
out=$("$CLIENT" verb=session-open user=root service=x config=relative.conf)
is "$out" "exit=2" "a relative config=: exit=2"
is "$(sessions)/$(namespaces)" 0/0 "and nothing was made"

# --- more requests at once than workers: the rest wait their turn
for i in $(seq 100); do
	"$CLIENT" verb=session-close session=t$(printf '%032x' "$i") > "$d/many.$i" &
done
wait
is "$(cat "$d"/many.* | grep -c -x exit=0)" 100 "100 requests at once (64 workers): every one answered"
rm -f "$d"/many.*

# --- the owner dies: the session goes, no gc
"$CLIENT" -H $(open_req) > "$d/own.out" &
owner=$!
track $owner
wait_until 'grep -q "^exit=" "$d/own.out"'
is "$(kv exit "$(cat "$d/own.out")")" 0 "open through the socket: exit=0"
tok=$(kv session "$(cat "$d/own.out")")
ok "the session is recorded, owned by the peer" grep -qx "pid=$owner" "/run/pam_netns/sessions/$tok"
kill -9 $owner
ok "SIGKILL of the owner: the session and its namespace go" wait_until '[ "$(sessions)/$(namespaces)" = 0/0 ]'

# --- a restarted service takes the open sessions over
"$CLIENT" -H $(open_req) > "$d/own2.out" &
owner=$!
track $owner
wait_until 'grep -q "^exit=" "$d/own2.out"'
serve_stop KILL
serve_start
is "$(sessions)" 1 "the session outlives the service's restart"
kill -9 $owner
ok "the new service closes it when its owner dies" wait_until '[ "$(sessions)/$(namespaces)" = 0/0 ]'

# --- sessions opened by exec while no service ran
serve_stop
sleep 600 & alive=$!
track $alive
sleep 600 & dead=$!
helper session-open --user root --service x --pid $alive > /dev/null
helper session-open --user root --service y --pid $dead > /dev/null
kill $dead; wait $dead 2>/dev/null
is "$(sessions)" 2 "two sessions opened by exec, one owner already gone"
serve_start
ok "the service closes the one of the dead owner at start" wait_until '[ "$(sessions)" = 1 ]'
kill $alive
ok "and the other when its owner exits" wait_until '[ "$(sessions)/$(namespaces)" = 0/0 ]'

# --- a peer that hangs up before its answer
"$CLIENT" -q $(open_req)
ok "a peer that hangs up after sending: the service notices" \
	wait_until 'log_has "not run" || log_has "answer undelivered"'
ok "and leaves no session" wait_until '[ "$(sessions)/$(namespaces)" = 0/0 ]'

# --- socket activation
serve_stop
mkdir -m 0700 "$(dirname $SOCK)"
systemd-socket-activate --seqpacket -l $SOCK "$HELPER" serve 2>>"$d/serve.log" &
act=$!
track $act
wait_until "test -S $SOCK"
out=$("$CLIENT" verb=session-close session=t00000000000000000000000000000000)
is "$out" "exit=0" "socket activation: the service answers on the socket it is handed"
kill $act; wait $act 2>/dev/null
rm -f $SOCK

# --- a service that never answers: refused at the timeout, never exec'd
stuck=$("$B/tests/tools/stuck-server" -d $SOCK)
track $stuck
out=$(driver -s pn-test pnuser)
is "$(kv open "$out")" 4 "a service that does not answer: PAM_SYSTEM_ERR"
like "$out" "log=.*did not answer in 5 s" "at the module's timeout"
fails "and the helper is not exec'd after the request" test -e "$d/exec-ran"
is "$(sessions)" 0 "no session"
kill $stuck
wait_until '! kill -0 '"$stuck"' 2>/dev/null'

# --- a socket nobody listens on: the exec path
out=$(driver -s pn-test pnuser)
is "$(kv open "$out")/$(kv close "$out")" 0/0 "a stale socket (nobody listening): the login opens"
ok "by exec" test -e "$d/exec-ran"
rm -f "$d/exec-ran"

# --- a socket directory or socket not root's alone: refused, no exec
chmod 0755 "$(dirname $SOCK)"
out=$(driver -s pn-test pnuser)
is "$(kv open "$out")" 4 "a socket directory of mode 0755: PAM_SYSTEM_ERR"
like "$out" "log=.*not a directory of root's closed to others" "with the reason logged"
chmod 0700 "$(dirname $SOCK)"; chown nobody "$(dirname $SOCK)"
out=$(driver -s pn-test pnuser)
is "$(kv open "$out")" 4 "a socket directory of another owner: PAM_SYSTEM_ERR"
chown root "$(dirname $SOCK)"; chown nobody $SOCK
out=$(driver -s pn-test pnuser)
is "$(kv open "$out")" 4 "a socket of another owner: PAM_SYSTEM_ERR"
fails "and the helper was never exec'd" test -e "$d/exec-ran"
rm -rf "$(dirname $SOCK)"

sandbox_clean
[ -z "${PN_DEBUG:-}" ] || sed 's/^/# /' "$d/serve.log"
done_testing

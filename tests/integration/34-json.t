#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# list --json and status --json: the schema netns-helper(8) documents
# (JSON OUTPUT), version 1. Every key is there with its type, for every
# kind of namespace and session; the man page's example has exactly the
# keys and types of the real output; status adds links and vpn.
. "$(dirname "$0")/../lib.sh"
in_sandbox "$@"

policy 'networks = {
  lab = { type = "nat"; pool = "10.213.0.0/16"; pool6 = "fd6e:7300::/48"; };
  iso = { type = "isolated"; };
};
rules = (
  { user = "root"; service = "sshd"; network = "lab"; scope = "session"; },
  { user = "root"; service = "login"; network = "iso"; scope = "user"; },
);'

a=$(helper session-open --user root --service sshd --rhost 192.0.2.7 --tty ssh --pid $$)
b=$(helper session-open --user root --service login --pid $$)
A=$(kv netns "$a")

# shape: every path, array indices as 0, with the type of its value
shape() { jq -c '[paths(scalars) as $p | [($p | map(if type == "number" then 0 else . end)), (getpath($p) | type)]] | unique'; }
list=$(helper list --json); rc=$?
is "$rc" 0 "list --json exits 0"
ok "list --json is JSON" jq -e . <<< "$list"
is "$(jq .version <<< "$list")" 1 "version 1"

ns_keys='["addr4","addr6","attach","backend","bridge","created","device","id","ifname","mode","name","network","parent","scope","sessions","state","type","user"]'
sess_keys='["netns","pid","rhost","service","since","token","tty","user"]'
is "$(jq -c '[.namespaces[] | keys] | unique' <<< "$list")" "[$ns_keys]" \
	"every namespace has the documented keys, a nat and an isolated one alike"
is "$(jq -c '[.sessions[] | keys] | unique' <<< "$list")" "[$sess_keys]" \
	"every session has the documented keys"
is "$(jq -c '[.namespaces[] | [.id, .created, .sessions] | map(type)] | unique' <<< "$list")" \
	'[["number","number","number"]]' "id, created and sessions are numbers"
is "$(jq -c '[.sessions[] | [.pid, .since] | map(type)] | unique' <<< "$list")" \
	'[["number","number"]]' "pid and since are numbers"
is "$(jq -c '[.namespaces[] | del(.id, .created, .sessions) | .[] | type] | unique' <<< "$list")" \
	'["string"]' "the other keys are strings"
is "$(jq -r --arg n "$A" '.sessions[] | select(.netns == $n) | "\(.pid) \(.rhost) \(.tty) \(.service)"' <<< "$list")" \
	"$$ 192.0.2.7 ssh sshd" "a session's values"
is "$(jq -r --arg n "$A" '.namespaces[] | select(.name == $n) | "\(.type) \(.scope) \(.sessions) \(.state)"' <<< "$list")" \
	"nat session 1 ready" "a namespace's values"
like "$(jq -r '.namespaces[0].created' <<< "$list")" '^1[0-9]{9}$' "created is unix time"

# the man page's example: the same keys and types
ex=$(sed -n '/json-example-list/,/json-example-end/{/^\./d;p}' "$B/man/netns-helper.8")
ok "the man page's example is JSON" jq -e . <<< "$ex"
is "$(shape <<< "$ex")" "$(jq '{version, namespaces: [.namespaces[] | select(.type == "nat")], sessions: [.sessions[] | select(.service == "sshd")]}' <<< "$list" | shape)" \
	"netns-helper(8)'s example has the keys and types of the output"

st=$(helper status "$A" --json); rc=$?
is "$rc" 0 "status --json exits 0"
is "$(jq -c keys <<< "$st")" '["links","namespaces","sessions","version","vpn"]' "status: list's keys, links and vpn"
is "$(jq -c '[.namespaces[] | keys] | unique' <<< "$st")" "[$ns_keys]" "  its namespace as in list"
is "$(jq -c '[.namespaces[].name, (.sessions | length)]' <<< "$st")" "[\"$A\",1]" "  only its namespace and sessions"
is "$(jq -c '[.links[] | keys] | unique' <<< "$st")" '[["addresses","kind","name","up"]]' "  links"
is "$(jq -c '[.links[] | [.name, .kind, .up, (.addresses | type)]]' <<< "$st" | jq -c 'map(select(.[0] == "lo"))')" \
	'[["lo","",true,"array"]]' "  with types"
is "$(jq -c .vpn <<< "$st")" null "  vpn is null for a nat namespace"
is "$(helper status "$(kv netns "$b")" --json | jq -c '[.version, .vpn, (.links | length)]')" "[1,null,1]" \
	"an isolated namespace: lo only"

for t in "$(kv session "$a")" "$(kv session "$b")"; do
	helper session-close --session "$t" >/dev/null
done
is "$(helper list --json | jq -c .)" '{"version":1,"namespaces":[],"sessions":[]}' "nothing open: empty arrays"
sandbox_clean
done_testing

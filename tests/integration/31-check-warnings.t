#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# check's warnings, for what a valid policy cannot know on its own: a pool,
# pool6 or subnet that overlaps a route of the host (routes come and go),
# a rule naming a user or group NSS does not know, and a user or group
# confined for some services and left on the host for others. The policy stays
# valid (exit 0); each warning names the file and the line. The addresses
# the helper's own sessions put on the host are not warned about.
. "$(dirname "$0")/../lib.sh"
in_sandbox "$@"

policy 'networks = {
  lab = { type = "nat";
    pool = "10.213.0.0/16";
    pool6 = "fd6e:7300::/48"; };
  seg = { type = "bridge"; bridge = "pnbr0";
    subnet = "10.214.0.0/24"; };
};
rules = (
  { user = "root"; network = "lab"; scope = "shared"; },
  { group = "root"; network = "seg"; scope = "shared"; },
);'

warnings() { helper check 2>&1 >/dev/null | grep 'warning' || true; }

out=$(helper check 2>&1); rc=$?
is "$rc" 0 "check exits 0"
is "$(warnings)" "" "no route overlaps a network: no warning"

ip route add 10.213.5.0/24 via 198.51.100.1
out=$(helper check 2>&1); rc=$?
is "$rc" 0 "a pool over a route of the host: check still exits 0"
like "$out" "warning: $POLICY:3: network 'lab': pool 10.213.0.0/16 overlaps the host's route 10.213.5.0/24 dev uplink0" \
	"and warns, naming the file, the line, the network and the route"
like "$out" "$POLICY: OK" "the policy is still valid"
out=$(helper up lab 2>&1); rc=$?
is "$rc" 1 "a login-time build over the route is still refused"
like "$out" "network 'lab': pool 10.213.0.0/16 overlaps a route of the host" "with the login-time error"
ip route del 10.213.5.0/24

ip -6 route add fd6e:7300:0:5::/64 via 2001:db8:100::1
like "$(warnings)" "warning: $POLICY:4: network 'lab': pool6 fd6e:7300::/48 overlaps the host's route fd6e:7300:0:5::/64 dev uplink0" \
	"a pool6 over a route"
ip -6 route del fd6e:7300:0:5::/64

ip route add 10.214.0.0/16 dev uplink0
like "$(warnings)" "warning: $POLICY:6: network 'seg': subnet 10.214.0.0/24 overlaps the host's route 10.214.0.0/16 dev uplink0" \
	"a subnet inside a wider route"
ip route del 10.214.0.0/16

ip route add blackhole 10.213.128.0/17
like "$(warnings)" "warning: $POLICY:3: network 'lab': pool 10.213.0.0/16 overlaps the host's route 10.213.128.0/17:" \
	"a route without a device"
ip route del blackhole 10.213.128.0/17
is "$(warnings)" "" "no warning once the routes are gone"

# The routes of the helper's own namespaces are not the host's
ok "a shared nat namespace comes up" helper up lab
ok "a shared bridge namespace comes up" helper up seg
ok "their routes are in the main table" ip route show 10.214.0.0/24 dev pnbr0
is "$(warnings)" "" "and are not warned about"
helper down lab >/dev/null
helper down seg >/dev/null

# rules naming users and groups NSS does not know
policy 'networks = { offline = { type = "isolated"; }; };
rules = (
  { user = "root"; network = "offline"; },
  { user = "contractrs"; network = "offline"; },
  { group = "root"; network = "offline"; },
  { group = "nosuchgroup-pn";
    network = "deny"; },
);'
out=$(helper check 2>&1); rc=$?
is "$rc" 0 "unknown users and groups: check still exits 0"
like "$out" "warning: $POLICY:4: rule names user 'contractrs', unknown to NSS: it matches nobody" \
	"an unknown user is a warning with its line"
like "$out" "warning: $POLICY:6: rule names group 'nosuchgroup-pn', unknown to NSS: it matches nobody" \
	"an unknown group is a warning with its line"
is "$(warnings | grep -c "'root'")" 0 "known ones are not"

# confined for some services, left on the host for others
policy 'networks = { offline = { type = "isolated"; }; };
rules = (
  { user = "root"; service = [ "sshd", "sudo" ]; network = "offline"; },
  { group = "root"; service = "sshd"; network = "offline"; },
  { group = "root"; network = "deny"; },
  { user = "daemon"; network = "offline"; },
);
default = "host";'
out=$(helper check 2>&1); rc=$?
is "$rc" 0 "a user confined for some services only: check still exits 0"
like "$out" "warning: $POLICY:3: user 'root' is confined for some services and left on the host for any other service: what it runs on the host is not confined" \
	"and warns, with the rule's line and the services left on the host"
is "$(warnings | grep -c "group 'root'")" 0 "a group confined for sshd and denied elsewhere is not warned about"
is "$(warnings | grep -c "'daemon'")" 0 "nor a user confined for every service"
policy 'networks = { offline = { type = "isolated"; }; };
rules = (
  { user = "root"; service = "login"; network = "host"; },
  { user = "root"; network = "offline"; },
);
default = "deny";'
like "$(helper check 2>&1)" "warning: $POLICY:4: user 'root' is confined for some services and left on the host for login:" \
	"an earlier host rule for one service is named"

# a drop-in's warnings name the drop-in; a rule for every login hides the
# rules after it, the drop-ins' too
policy 'networks = { offline = { type = "isolated"; }; };
rules = (
  { user = "root"; network = "offline"; },
  { network = "host"; },
);'
DD=$PN_SANDBOX_DIR/pam_netns.d
mkdir -m 0755 "$DD"
printf '\nrules = ( { user = "contractrs"; network = "offline"; } );\n' > "$DD/50-x.conf"
chmod 0644 "$DD/50-x.conf"
out=$(helper check 2>&1); rc=$?
is "$rc" 0 "warnings in a drop-in: check still exits 0"
like "$out" "warning: $DD/50-x.conf:2: rule names user 'contractrs', unknown to NSS" \
	"a drop-in's warning names the drop-in and its line"
like "$out" "warning: $POLICY:4: rule matches every login: the 1 rule after it, from $DD/50-x.conf:2 on, is never reached" \
	"a rule for every login before the drop-ins' rules"
rm -rf "$DD"
is "$(warnings)" "" "a rule for every login at the end is not warned about"
sandbox_clean
done_testing

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# physical networks: a host device moved into a shared namespace works
# there, leaves the host, and comes back under its own name after down and
# after a helper killed at any point of up (gc); a missing device and a
# device another namespace holds fail cleanly.
#
# The stand-in NIC is a veth, lan0 here and lan0p in wan, on the LAN
# 203.0.113.128/25 with wan as its router at .129. A veth is destroyed,
# not returned, when its namespace dies: so it only survives when the
# helper moves it back before deleting the namespace, which is the point.
. "$(dirname "$0")/../lib.sh"
in_sandbox "$@"
command -v strace >/dev/null || { echo "not ok 1 - strace is missing"; echo 1..1; exit 1; }

policy 'networks = {
  nic = { type = "physical"; device = "lan0"; address = "203.0.113.140/25";
          gateway = "203.0.113.129"; };
  nic2 = { type = "physical"; device = "lan0"; };
  none = { type = "physical"; device = "lan9"; };
};
rules = ( { user = "root"; network = "nic"; scope = "shared"; } );'

ip link add lan0 type veth peer name lan0p netns wan
ip -n wan addr add 203.0.113.129/25 dev lan0p
ip -n wan link set lan0p up
peerd wan 203.0.113.129 8080
peerd wan 198.51.100.1 8081
idx=$(ip -j link show lan0 | jq -r '.[0].ifindex')

out=$(helper up nic); rc=$?
is "$rc" 0 "up of a physical network"
fails "the device has left the host" ip link show lan0
is "$(ip -n nic -j link show lan0 | jq -r '.[0].ifindex')" "$idx" "it is inside, same name, same device"
is "$(ip -n nic -j -4 addr show lan0 | jq -r '.[0].addr_info[0] | "\(.local)/\(.prefixlen)"')" 203.0.113.140/25 "with the static address"
is "$(probe nic 203.0.113.129 8080)" "peer=203.0.113.140" "it reaches the LAN"
is "$(probe nic 198.51.100.1 8081)" "peer=203.0.113.140" "and beyond, through the gateway"
like "$(ip -n nic -6 route show default)" "^unreachable default" "IPv6 has an unreachable default"
like "$(helper status nic)" "attached: physical lan0 \(host name lan0\)" "status shows the device and its host name"
is "$(helper list --json | jq -r '.namespaces[0].device')" lan0 "list --json has the device"

out=$(helper up nic2 2>&1)
like "$out" "network 'nic2': device 'lan0' is already in namespace 'nic'" "a device another namespace holds is a clear error"
ok "which leaves no namespace" test ! -e /run/netns/nic2
out=$(helper up none 2>&1)
like "$out" "network 'none': device 'lan9' does not exist on the host" "a missing device is a clear error"

helper down nic
is "$(ip -j link show lan0 | jq -r '.[0].ifindex')" "$idx" "down returns the device to the host under its name"
is "$(ls /run/netns | grep -vx wan)" "" "and removes the namespace"

# gc after a helper SIGKILLed at each netlink send of up
n=0 inside=0 lost=0
while :; do
	n=$((n + 1))
	# ran to the end unless SIGKILLed (exit 137); under ASan a traced
	# helper exits 1 at the end (LeakSanitizer cannot ptrace a tracee)
	(strace -f -qq -o /dev/null -e trace=sendto \
		-e inject=sendto:signal=KILL:when="$n" \
		"$HELPER" --config "$POLICY" up nic; exit $?) >/dev/null 2>&1
	[ $? = 137 ] || break
	ip link show lan0 >/dev/null 2>&1 || inside=$((inside + 1))
	helper gc >/dev/null 2>&1
	[ "$(ip -j link show lan0 2>/dev/null | jq -r '.[0].ifindex')" = "$idx" ] || lost=$((lost + 1))
	[ $n -lt 200 ] || break
done 2>/dev/null	# bash's "Killed" notices
echo "# up ran to the end at kill point $n; $inside kills left the device inside"
ok "some kill points left the device inside the namespace" test "$inside" -gt 0
is "$lost" 0 "gc returned the device under its name after every kill"
helper down nic
ok "lan0 is on the host at the end" ip link show lan0
ip link del lan0
sandbox_clean
done_testing

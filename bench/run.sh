#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run.sh - `make bench`: the cost of a pam_netns session against the
# kernel's limit and against the script everyone writes (DESIGN.md §7).
# Re-runs itself inside tests/sandbox.sh, like the tests; as root.
#
#   B=BUILD_DIR [BENCH_N=50] [BENCH_SCALE=1000] [BENCH_ARRIVALS=100]
#     [BENCH_STUCK=5] [BENCH_STUCK_ROUNDS=5] [BENCH_KILLS=100]
#     [BENCH_CYCLES=10000] [BENCH_ADOPTS=50] [BENCH_RESULTS=FILE] run.sh
#
#   1. limit   bench/limit.c: netns + veth + addresses + routes over libmnl
#   2. script  bench/script.sh: the same plus a masquerade rule, ip and nft
#   3. pam     bench/pam-bench.c: sessions through libpam and pam_netns.so:
#              nat (session scope), isolated, joining a shared namespace
#   4. scale   BENCH_SCALE nat sessions open together: latency per decile,
#              ruleset size at 10 and at BENCH_SCALE, helper max RSS
#   5. iperf3  TCP from a nat session to wan, against a routed veth pair
#              without NAT, alone and with BENCH_SCALE sessions present:
#              the two in turns, three runs each, medians compared
#   6. stuck   BENCH_ARRIVALS nat logins arriving 50 ms apart, alone and
#              with BENCH_STUCK vpn logins among them that wait for an
#              interface that never appears: p50 and p99 compared
#   7. service the same logins by the resident service's socket (pool of
#              pre-built namespaces off and on), beside libpam-net's
#              pam_newnet; 200 nat logins arriving 20 per second by
#              socket; BENCH_KILLS owners killed with SIGKILL (time until
#              their session and namespace are gone); the service's RSS
#              after 100 and after BENCH_CYCLES open/close cycles
#
# Prints one table with PASS/MISS per target and writes it, with the
# machine and the date, to bench/RESULTS.md (or BENCH_RESULTS), followed by
# bench/NOTES.md (profiles, before/after of fixes) when present.
# `make bench` runs it with sh: the rest is bash.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$here/.." && pwd)
export B=${B:-$ROOT/build}
N=${BENCH_N:-50}
SCALE=${BENCH_SCALE:-1000}
ARRIVALS=${BENCH_ARRIVALS:-100}
STUCK=${BENCH_STUCK:-5}
STUCK_ROUNDS=${BENCH_STUCK_ROUNDS:-5}
STUCK_TIMEOUT=12	# s: the stuck vpn network's timeout, longer than a run
KILLS=${BENCH_KILLS:-100}
CYCLES=${BENCH_CYCLES:-10000}
ADOPTS=${BENCH_ADOPTS:-50}
RESULTS=${BENCH_RESULTS:-$here/RESULTS.md}
IPERF_T=${BENCH_IPERF_T:-3}

if [ "${1:-}" != --hook ] && [ "${PN_SANDBOX:-}" != 1 ]; then
	[ "$(id -u)" = 0 ] || { echo "run.sh: needs root" >&2; exit 77; }
	exec "$ROOT/tests/sandbox.sh" bash "$here/run.sh" "$@"
fi

. "$ROOT/tests/lib.sh"

# ---------------------------------------------------------------- helpers

# iperf_bps NS: TCP bits/s from a client in NS to the server in wan
iperf_bps() {
	ip netns exec "$1" iperf3 -c 198.51.100.1 -t "$IPERF_T" -J 2>/dev/null |
		jq -r '.end.sum_received.bits_per_second // 0'
}

# ruleset TAG: rules and lines of the ruleset without set elements, and
# the elements of all its sets and maps that the helper writes (not the
# kernel's of the dynamic sets that count connections: one per source
# address with connections, gone with them)
ruleset() {
	echo "rules_$1 $(nft -j list ruleset | jq '[.nftables[] | select(.rule)] | length')"
	echo "lines_$1 $(nft -t list ruleset | wc -l)"
	echo "elems_$1 $(nft -j list table inet pam_netns |
		jq '[.nftables[] | (.set // .map) | select(.) | .elem // [] | .[] |
		    select((try .elem["ct count"] catch null) == null)] | length')"
}

setup() {
	. "$ROOT/tests/e2e/e2e.sh"
	e2e_users
	policy 'networks = {
  bnat = { type = "nat"; pool = "10.210.0.0/16"; pool6 = "fd6e:7600::/48";
           dns = [ "192.0.2.53" ]; };
  biso = { type = "isolated"; };
  bisop = { type = "isolated"; prebuilt = 2; };
  bnatp = { type = "nat"; pool = "10.212.0.0/16"; pool6 = "fd6e:7602::/48";
            dns = [ "192.0.2.53" ]; prebuilt = 2; };
  bshared = { type = "nat"; pool = "10.211.0.0/16"; pool6 = "fd6e:7601::/48"; };
  bstuck = { type = "vpn"; interface = "pnb-never"; address = "10.215.0.2/24";
             dns = "192.0.2.53"; timeout = '"$STUCK_TIMEOUT"'; };
  badopt = { type = "vpn"; interface = "pnb-adopt"; address = "10.214.0.2/24";
             dns = "192.0.2.53"; };
};
rules = (
  { user = "pnuser"; service = "bench-nat"; network = "bnat"; scope = "session"; },
  { user = "pnuser"; service = "bench-iso"; network = "biso"; scope = "session"; },
  { user = "pnuser"; service = "bench-isop"; network = "bisop"; scope = "session"; },
  { user = "pnuser"; service = "bench-natp"; network = "bnatp"; scope = "session"; },
  { user = "pnuser"; service = "bench-join"; network = "bshared"; scope = "shared"; },
  { user = "pnuser"; service = "bench-stuck"; network = "bstuck"; scope = "session"; },
);
default = "host";'
	PAMDIR=$PN_SANDBOX_DIR/pam.d
	mkdir -p "$PAMDIR"
	for s in bench-nat bench-iso bench-join bench-isop bench-natp; do
		printf '%s\n' "auth required pam_permit.so" \
			"account required pam_permit.so" \
			"session required $MODULE $MOD_ARGS" > "$PAMDIR/$s"
	done
	# libpam-net's module: a new namespace with lo for the group pnlab;
	# its close_session answers PAM_PERM_DENIED (it has nothing to undo)
	printf '%s\n' "auth required pam_permit.so" \
		"account required pam_permit.so" \
		"session [success=ok perm_denied=ignore default=bad] pam_newnet.so group=pnlab" \
		"session required pam_permit.so" > "$PAMDIR/bench-newnet"
	# libpam reads "other" of the same dir for what a stack leaves out
	printf '%s required pam_deny.so\n' auth account password session \
		> "$PAMDIR/other"
}

pam() {		# pam SERVICE LABEL N [PAUSE_MS [HOOK]]
	"$B/bench/pam-bench" -c "$PAMDIR" -s "$1" -l "$2" -n "$3" \
		-p "${4:-0}" ${5:+-x "$5"} pnuser
}

iperf_server() {
	local pidf=$PN_SANDBOX_DIR/iperf3.pid
	ip netns exec wan iperf3 -s -B 198.51.100.1 -D -I "$pidf" >/dev/null
	sleep 0.3
	IPERF_PID=$(cat "$pidf")
	track "$IPERF_PID"
}

# bplain: a namespace behind a veth pair, routed to wan without NAT or
# nftables (the reference); plain_down removes it.
plain_up() {
	PLAIN_FWD=$(sysctl -n net.ipv4.ip_forward)
	sysctl -qw net.ipv4.ip_forward=1
	ip netns add bplain
	ip link add bplain0 type veth peer name eth0 netns bplain
	ip addr add 10.220.0.0/31 dev bplain0
	ip link set bplain0 up
	ip -n bplain link set lo up
	ip -n bplain addr add 10.220.0.1/31 dev eth0
	ip -n bplain link set eth0 up
	ip -n bplain route add default via 10.220.0.0
	ip -n wan route add 10.220.0.0/31 via 198.51.100.2
}

plain_down() {
	ip -n wan route del 10.220.0.0/31
	ip link del bplain0
	ip netns del bplain
	sysctl -qw net.ipv4.ip_forward="$PLAIN_FWD"
}

# throughput TAG NS: the plain pair and NS (a nat session) in turns,
# three runs each, so a change of load falls on both alike.
throughput() {
	local i
	plain_up
	for ((i = 0; i < 3; i++)); do
		echo "bps_plain_$1 $(iperf_bps bplain)"
		echo "bps_nat_$1 $(iperf_bps "$2")"
	done
	plain_down
}

# One nat session made by the helper, as the module would ask for it.
throughput_alone() {
	local out
	out=$(helper session-open --user pnuser --service bench-nat --pid $$)
	throughput alone "$(kv netns "$out")"
	helper session-close --session "$(kv session "$out")" >/dev/null
}

# The -x hook of pam-bench in the scale run: with 10 and with SCALE open.
if [ "${1:-}" = --hook ]; then
	ruleset "$BENCH_OPENED"
	if [ "$BENCH_OPENED" != 10 ] || [ "$SCALE" = 10 ]; then
		throughput scale "$(ls /run/netns | grep '^bnat\.' | tail -n1)"
	fi
	exit 0
fi

# with_stuck CMD...: run CMD while STUCK vpn logins, started one a second
# from CMD's start, wait for an interface that never appears (each until
# its timeout, STUCK_TIMEOUT s, longer than CMD runs); then wait for them
# and count, as "stuck_waited N", those that did wait their timeout out.
with_stuck() {
	local dir=$PN_SANDBOX_DIR/stuck bg i
	rm -rf "$dir"
	mkdir -p "$dir"
	{
		for ((i = 0; i < STUCK; i++)); do
			# as the module runs it: its default limit, 30 s
			helper session-open --user pnuser --service bench-stuck \
				--pid $$ --deadline-ms 30000 > "$dir/$i" 2>&1 &
			sleep 1
		done
		wait
	} &
	bg=$!
	"$@"
	wait $bg
	echo "stuck_waited $(grep -l "did not appear within $STUCK_TIMEOUT s" \
		"$dir"/* | wc -l)"
}

# settle: wait (at most a minute) until the CPUs are 90 % idle over a
# second: namespaces and links are torn down by kernel workers long after
# the close that asked for it returned, and that work must not fall on
# the next measurement.
settle() {
	local i a b
	for ((i = 0; i < 60; i++)); do
		a=$(awk '/^cpu / { print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 }' /proc/stat)
		sleep 1
		b=$(awk '/^cpu / { print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 }' /proc/stat)
		awk -v a="$a" -v b="$b" 'BEGIN { split(a, x); split(b, y)
			exit !((y[1] - x[1]) >= 0.9 * (y[2] - x[2])) }' && return 0
	done
	return 0	# a busy machine: measure anyway (set -e)
}

# svc_start / svc_stop: the resident service in the foreground, as on a
# host without systemd (tests/lib.sh); while it runs the module reaches it
# by socket, and without it the module execs the helper.
svc_start() {
	serve_start
	SVC_PID=$(cat "$PN_SANDBOX_DIR/serve.pid")
}

svc_stop() {
	serve_stop
}

# The service's rounds: the same logins by socket, the pool's, and
# pam_newnet, alternating like measure()'s.
measure_service() {
	local per=$1
	svc_start
	settle; pam bench-iso siso "$per"
	settle; pam bench-nat snat "$per"
	settle; pam bench-nat snatp "$per" 50
	helper up bshared >/dev/null
	settle; pam bench-join sjoin "$per"
	helper down bshared >/dev/null
	# the pool refills after each claim: logins 50 ms apart find one
	# (warm it first: the service keeps the pool of the policy of the
	# latest session-scope login, the bench's only once one came)
	helper prebuild >/dev/null
	settle; pam bench-isop piso "$per" 50
	settle; pam bench-natp pnat "$per" 50
	svc_stop
	settle; pam bench-newnet newnet "$per"
	settle; pam bench-newnet newnetp "$per" 50
	settle; pam bench-iso isop "$per" 50
}

# An adopted device its client makes again on the host (OpenVPN on SIGHUP),
# ADOPTS times: the time from the new device on the host to the device in
# its namespace, taken back by the service (its link events), in us.
measure_adopt() {
	local i t0 polls
	ip tuntap add dev pnb-adopt mode tun
	helper up badopt >/dev/null
	for ((i = 0; i < ADOPTS; i++)); do
		ip -n badopt link del pnb-adopt
		t0=${EPOCHREALTIME/./}
		ip tuntap add dev pnb-adopt mode tun
		# bounded: a device not taken back counts as 60 s
		for ((polls = 0; polls < 60000; polls++)); do
			ip -n badopt link show pnb-adopt >/dev/null 2>&1 && break
		done
		[ "$polls" -lt 60000 ] && echo "adopt_back $((${EPOCHREALTIME/./} - t0))" ||
			echo "adopt_back 60000000"
	done
	helper down badopt >/dev/null
	ip link del pnb-adopt
}

# The service over time: arrivals by socket, owners killed, memory.
measure_service_load() {
	local out
	svc_start
	out=$(helper session-open --user pnuser --service bench-nat --pid $$)
	settle; pam bench-nat sarr 200 50
	helper session-close --session "$(kv session "$out")" >/dev/null
	settle; "$B/bench/svc-bench" kill "$KILLS" bench-iso pnuser "$POLICY"
	settle; "$B/bench/svc-bench" cycles "$CYCLES" bench-iso pnuser "$SVC_PID" "$POLICY"
	svc_stop
	# the service reads the bench's policy for its own adopt runs
	serve_start --config "$POLICY"
	settle; measure_adopt
	svc_stop
	# the pool's spares go with the bench
	for ns in $(ls /run/netns | grep -e '^bisop\.-' -e '^bnatp\.-'); do
		helper down "$ns" >/dev/null
	done
}

# Rounds alternate the kinds, so a change of load on a shared machine
# falls on all of them alike, and each kind starts on idle CPUs: the
# kernel tears down the namespaces of the kind before for a second or
# more after its closes returned.
measure() {
	local rounds=3 per i
	per=$(((N + rounds - 1) / rounds))
	for ((i = 0; i < rounds; i++)); do
		settle; "$B/bench/limit" "$per"
		settle; bash "$here/script.sh" "$per"
		settle; pam bench-nat nat "$per"
		settle; pam bench-nat natp "$per" 50
		settle; pam bench-iso iso "$per"
		helper up bshared >/dev/null
		settle; pam bench-join join "$per"
		helper down bshared >/dev/null
		measure_service "$per"
	done
	measure_service_load
	# logins arriving 20/s, alone and with stuck vpn logins among them,
	# in turns, on a host where a nat session is open (so that no run
	# starts with the nftables table to make)
	out=$(helper session-open --user pnuser --service bench-nat --pid $$)
	for ((i = 0; i < STUCK_ROUNDS; i++)); do
		settle; pam bench-nat arr "$ARRIVALS" 50
		settle; with_stuck pam bench-nat arrs "$ARRIVALS" 50
	done
	helper session-close --session "$(kv session "$out")" >/dev/null
	# throughput first, on a quiet machine
	settle
	iperf_server
	throughput_alone
	settle
	pam bench-nat scale "$SCALE" 0 "bash $here/run.sh --hook"
	kill "$IPERF_PID"
	# the kernel's own growth: the limit program with SCALE sessions
	settle
	"$B/bench/limit" "$SCALE" | sed 's/^limit_/lscale_/'

}

# ---------------------------------------------------------------- report

# stat KEY: "median p90" in ms of the samples (us) named KEY
stat() {
	awk -v k="$1" '$1 == k { print $2 }' "$RAW" | sort -n |
		awk '{ v[NR] = $1 } END {
			if (!NR) { print "- -"; exit }
			m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			p = int(NR * 0.9 + 0.999999); if (p < 1) p = 1
			printf "%.2f %.2f\n", m / 1000, v[p] / 1000 }'
}

# pct KEY P: the P-th percentile (nearest rank) in ms of the samples named KEY
pct() {
	awk -v k="$1" '$1 == k { print $2 }' "$RAW" | sort -n |
		awk -v p="$2" '{ v[NR] = $1 } END {
			if (!NR) { print "-"; exit }
			i = int(NR * p / 100 + 0.999999); if (i < 1) i = 1
			printf "%.2f\n", v[i] / 1000 }'
}

vmedian() {	# vmedian KEY: the median of the values named KEY
	awk -v k="$1" '$1 == k { print $2 }' "$RAW" | sort -g |
		awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print 0 }'
}

bps_ratio() {	# bps_ratio A B: "A / B Gbit/s = P %" (medians of 3 runs)
	awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "-"; else
		printf "%.1f / %.1f Gbit/s = %.0f %%", a / 1e9, b / 1e9, 100 * a / b }'
}

val() {		# val KEY: the single value named KEY
	awk -v k="$1" '$1 == k { print $2; exit }' "$RAW"
}

# median FILE-OF-NUMBERS: the median
median() {
	sort -n | awk '{ v[NR] = $1 } END { if (!NR) print "-"; else
		printf "%.2f\n", (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) / 1000 }'
}

# deciles [KEY]: median open latency (ms) of each tenth of the scale run
deciles() {
	local d out= key=${1:-scale_open}
	for ((d = 0; d < 10; d++)); do
		out+="$(awk -v k="$key" '$1 == k { print $2 }' "$RAW" |
			awk -v lo=$((d * SCALE / 10)) -v hi=$(((d + 1) * SCALE / 10)) \
			'NR > lo && NR <= hi' | median) "
	done
	echo "${out% }"
}

ratio() {	# ratio A B: A/B with two decimals
	awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "-"; else printf "%.2f\n", a / b }'
}

verdict() {	# verdict EXPR: PASS when the awk expression holds
	awk "BEGIN { exit !($1) }" && echo PASS || echo MISS
}

label() {	# label KEY: the name of a row
	local what=${1%_*} how=${1##*_}
	case $what in
	limit)	what="limit (libmnl)" ;;
	script)	what="script (ip, nft)" ;;
	nat)	what="pam_netns nat, session scope" ;;
	natp)	what="pam_netns nat, one login alone (50 ms apart)" ;;
	iso)	what="pam_netns isolated, session scope" ;;
	join)	what="pam_netns join a shared namespace" ;;
	scale)	what="pam_netns nat, $SCALE open together" ;;
	arr)	what="pam_netns nat, $ARRIVALS arriving 50 ms apart" ;;
	arrs)	what="same, $STUCK stuck vpn logins among them" ;;
	siso)	what="by socket: isolated, session scope" ;;
	snat)	what="by socket: nat, session scope" ;;
	snatp)	what="by socket: nat, one login alone (50 ms apart)" ;;
	sjoin)	what="by socket: join a shared namespace" ;;
	piso)	what="by socket, pool on: isolated (50 ms apart)" ;;
	pnat)	what="by socket, pool on: nat (50 ms apart)" ;;
	isop)	what="by exec: isolated (50 ms apart)" ;;
	newnet)	what="libpam-net pam_newnet" ;;
	newnetp) what="libpam-net pam_newnet (50 ms apart)" ;;
	sarr)	what="by socket: nat, 200 arriving 50 ms apart" ;;
	esac
	echo "$what: $how"
}

table() {
	local op m p
	echo "| operation | median ms | p90 ms |"
	echo "|---|---:|---:|"
	for op in limit_open script_open nat_open natp_open iso_open join_open \
		  limit_close script_close nat_close natp_close iso_close \
		  join_close scale_open scale_close arr_open arrs_open \
		  newnet_open newnetp_open isop_open siso_open snat_open \
		  snatp_open sjoin_open piso_open pnat_open sarr_open \
		  newnet_close siso_close snat_close sjoin_close piso_close \
		  pnat_close; do
		read -r m p < <(stat "$op")
		echo "| $(label "$op") | $m | $p |"
	done
}

targets() {
	local lim nat natp scr join d first last r10 rN plain bn splain bs ld lfirst llast
	lim=$(stat limit_open | cut -d' ' -f1); nat=$(stat nat_open | cut -d' ' -f1)
	natp=$(stat natp_open | cut -d' ' -f1)
	scr=$(stat script_open | cut -d' ' -f1); join=$(stat join_open | cut -d' ' -f1)
	d=$(deciles); first=${d%% *}; last=${d##* }
	ld=$(deciles lscale_open); lfirst=${ld%% *}; llast=${ld##* }
	r10=$(val rules_10); rN=$(val "rules_$SCALE")
	plain=$(vmedian bps_plain_alone); bn=$(vmedian bps_nat_alone)
	splain=$(vmedian bps_plain_scale); bs=$(vmedian bps_nat_scale)
	echo "| target (DESIGN §7) | measured | verdict |"
	echo "|---|---|---|"
	echo "| nat open ≤ 2.5× limit, back to back | pam_netns/limit = $(ratio "$nat" "$lim") | $(verdict "$nat <= 2.5 * $lim") |"
	echo "| same, one login alone | pam_netns/limit = $(ratio "$natp" "$lim") | $(verdict "$natp <= 2.5 * $lim") |"
	echo "| ≥ 5× faster than the script, back to back | script/pam_netns = $(ratio "$scr" "$nat") | $(verdict "$scr >= 5 * $nat") |"
	echo "| same, one login alone | script/pam_netns = $(ratio "$scr" "$natp") | $(verdict "$scr >= 5 * $natp") |"
	echo "| join ≤ 2 ms | $join ms | $(verdict "$join <= 2") |"
	echo "| ${SCALE}th open within 1.3× the 10th | last/first decile = $(ratio "$last" "$first") (deciles, ms: $d) | $(verdict "$last <= 1.3 * $first") |"
	echo "| (the kernel's limit program, for comparison) | last/first decile = $(ratio "$llast" "$lfirst") (deciles, ms: $ld) | - |"
	echo "| ruleset constant | rules $r10 → $rN, lines $(val lines_10) → $(val "lines_$SCALE"), set elements $(val elems_10) → $(val "elems_$SCALE") | $(verdict "$r10 == $rN && $(val elems_10) == $(val "elems_$SCALE")") |"
	echo "| NAT throughput ≥ 90 % of plain veth | $(bps_ratio "$bn" "$plain") | $(verdict "$bn >= 0.9 * $plain") |"
	echo "| same with $SCALE sessions present (plain veth measured with them too) | $(bps_ratio "$bs" "$splain") | $(verdict "$bs >= 0.9 * $splain") |"
	echo "| (NAT with $SCALE sessions against plain veth alone) | $(bps_ratio "$bs" "$plain") | - |"
	stuck_target
	service_targets
	echo
	echo "Helper max RSS: $(val nat_rss) KiB (nat), $(val scale_rss) KiB (scale run)."
}

# p50 and p99 of the arrivals with stuck vpn logins among them, against
# the same without: within 1.2x
stuck_target() {
	local a50 a99 s50 s99 waited
	a50=$(pct arr_open 50); a99=$(pct arr_open 99)
	s50=$(pct arrs_open 50); s99=$(pct arrs_open 99)
	waited=$(awk '$1 == "stuck_waited" { n += $2 } END { print n + 0 }' "$RAW")
	echo "| $ARRIVALS logins arriving with $STUCK stuck vpn logins among them: p50 and p99 within 1.2× of the same without | p50 $a50 → $s50 ms ($(ratio "$s50" "$a50")×), p99 $a99 → $s99 ms ($(ratio "$s99" "$a99")×); the stuck logins each waited their ${STUCK_TIMEOUT} s: $waited of $((STUCK_ROUNDS * STUCK)) | $(verdict "$s50 <= 1.2 * $a50 && $s99 <= 1.2 * $a99 && $waited == $((STUCK_ROUNDS * STUCK))") |"
}

# DESIGN §2 and issue 18's goals for the resident service
service_targets() {
	local nn nnp piso siso snat lim snatp p99 kmax k50 r100 rN nclose sclose a50 amax
	nn=$(stat newnet_open | cut -d' ' -f1); nnp=$(stat newnetp_open | cut -d' ' -f1)
	piso=$(stat piso_open | cut -d' ' -f1); siso=$(stat siso_open | cut -d' ' -f1)
	snat=$(stat snat_open | cut -d' ' -f1); lim=$(stat limit_open | cut -d' ' -f1)
	snatp=$(stat snatp_open | cut -d' ' -f1); p99=$(pct sarr_open 99)
	k50=$(pct kill_gone 50); kmax=$(pct kill_gone 100)
	r100=$(val svc_rss_100); rN=$(val "svc_rss_$CYCLES")
	a50=$(pct adopt_back 50); amax=$(pct adopt_back 100)
	nclose=$(stat nat_close | cut -d' ' -f1); sclose=$(stat snat_close | cut -d' ' -f1)
	echo "| by socket, pool on: isolated open ≤ 1.2× pam_newnet (both 50 ms apart) | $piso / $nnp ms = $(ratio "$piso" "$nnp") | $(verdict "$piso <= 1.2 * $nnp") |"
	echo "| by socket, pool off: isolated open ≤ 2× pam_newnet (back to back) | $siso / $nn ms = $(ratio "$siso" "$nn") | $(verdict "$siso <= 2 * $nn") |"
	echo "| by socket: nat open ≤ 2× the limit program | $snat / $lim ms = $(ratio "$snat" "$lim") | $(verdict "$snat <= 2 * $lim") |"
	echo "| by socket: a close returns before the namespace's teardown (nat close ≤ 1/5 of the exec path's) | $sclose / $nclose ms | $(verdict "$sclose * 5 <= $nclose") |"
	echo "| by socket: 200 logins at 20/s, p99 open ≤ 2× the median of a login alone | p99 $p99 ms, alone $snatp ms ($(ratio "$p99" "$snatp")×) | $(verdict "$p99 <= 2 * $snatp") |"
	echo "| owner killed (SIGKILL), $KILLS times: session and namespace gone within 1 s, no gc | median $k50 ms, max $kmax ms | $(verdict "$kmax < 1000 && $(awk '$1 == "kill_gone"' "$RAW" | wc -l) == $KILLS") |"
	echo "| the service's RSS after $CYCLES open/close cycles within 10 % of after 100 | $r100 → $rN KiB | $(verdict "$rN <= 1.1 * $r100") |"
	echo "| an adopted device made again on the host, $ADOPTS times: back in its namespace within 1 s | median $a50 ms, max $amax ms | $(verdict "$amax < 1000 && $(awk '$1 == "adopt_back"' "$RAW" | wc -l) == $ADOPTS") |"
}

machine() {
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "- machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1), kernel $(uname -r)"
	echo "- load average before / after: $LOAD0 / $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "- runs: BENCH_N=$N (3 alternating rounds), BENCH_SCALE=$SCALE, iperf3 -t $IPERF_T (3 runs each, in turns), BENCH_ARRIVALS=$ARRIVALS with and without BENCH_STUCK=$STUCK (BENCH_STUCK_ROUNDS=$STUCK_ROUNDS rounds each, in turns, one nat session open throughout), BENCH_KILLS=$KILLS, BENCH_CYCLES=$CYCLES, BENCH_ADOPTS=$ADOPTS"
}

report() {
	{
		echo "# pam_netns benchmark (make bench)"
		echo
		machine
		echo
		table
		echo
		targets
		echo
		echo "Opens are timed around pam_open_session (the full stack: module, helper"
		echo "exec or the service's socket, namespace, links, nftables, DNS, mounts);"
		echo "the script with bash's \$EPOCHREALTIME, the C programs with"
		echo "CLOCK_MONOTONIC. Rows without \"by socket\" are the exec path (no service"
		echo "running). pam_newnet only unshares a namespace with lo: no mount"
		echo "namespace, no /sys, no resolv.conf, no record of the session."
		if [ -f "$here/NOTES.md" ]; then
			echo
			cat "$here/NOTES.md"
		fi
	} > "$RESULTS.tmp"
	mv "$RESULTS.tmp" "$RESULTS"
	cat "$RESULTS"
}

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
RAW=$PN_SANDBOX_DIR/raw
setup
measure > "$RAW"
report

#!/usr/bin/env bash
# Runs inside a fresh network namespace (`unshare --net bash scripts/netns.sh CMD...`), gives it
# just enough network for Chromium's WebRTC, then execs CMD.
#
# Why each piece:
# - lo: the server, Playwright and the browsers talk over localhost.
# - a veth pair with both ends in this namespace: Chromium gathers ICE host candidates only from
#   non-loopback interfaces, so tabs need a real-looking address the orchestrator can reach.
# - a default route: without one Chromium gathers no host candidates at all.
# - 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never routed, and the namespace has no way out anyway,
#   so no packet can leave the machine.
# - udp/5353 dropped: mDNS chatter has nowhere to go; dropping it keeps it from even trying.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: unshare --net bash scripts/netns.sh COMMAND [ARGS...]" >&2
  exit 64
fi

NS_ADDR_A="${TABGRID_NETNS_ADDR_A:-192.0.2.1}"
NS_ADDR_B="${TABGRID_NETNS_ADDR_B:-192.0.2.2}"

ip link set lo up
ip link add tgveth0 type veth peer name tgveth1
ip addr add "${NS_ADDR_A}/24" dev tgveth0
ip addr add "${NS_ADDR_B}/24" dev tgveth1
ip link set tgveth0 up
ip link set tgveth1 up
ip route add default via "${NS_ADDR_B}" dev tgveth0

if command -v nft >/dev/null 2>&1; then
  if nft -f - <<'NFT' 2>/dev/null; then
table inet tabgrid_e2e {
  chain out {
    type filter hook output priority 0; policy accept;
    udp dport 5353 drop
  }
}
NFT
    mdns="udp/5353 dropped"
  else
    mdns="nft failed; udp/5353 not filtered (it cannot leave the namespace anyway)"
  fi
else
  mdns="no nft; udp/5353 not filtered (it cannot leave the namespace anyway)"
fi

echo "[netns] private network namespace: lo + veth ${NS_ADDR_A} <-> ${NS_ADDR_B}, default via ${NS_ADDR_B}; ${mdns}" >&2
exec "$@"

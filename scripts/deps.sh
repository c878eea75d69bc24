#!/usr/bin/env bash
# Installs the Debian packages tcpscope's build, tests, demo and benchmarks
# need, only those missing. Idempotent; needs root (or sudo) only when
# something is missing. Debian 12 (bookworm) package names.
set -euo pipefail

# build
pkgs=(build-essential meson ninja-build pkg-config clang-format libmnl-dev libpcap-dev libcmocka-dev
	libbpf-dev libelf-dev zlib1g-dev clang llvm bpftool)
# tests, lab and demo: real kernel tools to compare against and to drive namespaces
pkgs+=(iproute2 nftables tcpdump tshark net-tools lsof procps python3 bpftrace tcptrace strace)
# benchmarks
pkgs+=(hyperfine time)

missing=()
for p in "${pkgs[@]}"; do
	if ! dpkg-query -W -f='${db:Status-Status}\n' "$p" 2>/dev/null | grep -qx installed; then
		missing+=("$p")
	fi
done
if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
echo "deps: installing ${missing[*]}"
sudo=()
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || { echo "deps: need root to install ${missing[*]}" >&2; exit 1; }
	sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; the default answer (no) is fine
if ! "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"; then
	"${sudo[@]}" apt-get update -q
	"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

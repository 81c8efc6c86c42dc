#!/usr/bin/env bash
# make demo: a throwaway network namespace with a veth pair (veth0 <-> veth1), a foreign static entry that
# neighsync must leave alone, then validate, plan, apply, plan again (no changes) and show the table.
set -euo pipefail
bin=${1:?usage: demo.sh NEIGHSYNC PATH}
desired=${2:?usage: demo.sh NEIGHSYNC PATH}
if [ "$(id -u)" != 0 ]; then echo "make demo needs root (it creates a network namespace)"; exit 1; fi
ns="neighsync-demo-$$"
cleanup() { ip netns del "$ns" 2>/dev/null || true; }
trap cleanup EXIT
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

ip netns add "$ns"
ip -n "$ns" link add veth0 type veth peer name veth1
ip -n "$ns" link set veth0 up
ip -n "$ns" link set veth1 up
# A static entry made by hand (no owner tag): neighsync must not delete it.
ip -n "$ns" neigh add 198.51.100.200 lladdr 02:00:00:00:00:c8 dev veth0 nud permanent

step neighsync validate -f "$desired" --netns "$ns"
"$bin" validate -f "$desired" --netns "$ns"
step neighsync plan -f "$desired" --netns "$ns"
"$bin" plan -f "$desired" --netns "$ns"
step neighsync apply -f "$desired" --netns "$ns"
"$bin" apply -f "$desired" --netns "$ns" --verbose
step neighsync plan -f "$desired" --netns "$ns" --detailed-exitcode
"$bin" plan -f "$desired" --netns "$ns" --detailed-exitcode
step ip -n "$ns" neigh show
ip -n "$ns" neigh show

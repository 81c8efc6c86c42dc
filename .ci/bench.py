#!/usr/bin/env python3
"""make bench: neighsync against iproute2 at 100,000 (and 1,000,000) entries, in a throwaway network namespace.

Each figure alternates neighsync and its iproute2 baseline for ROUNDS rounds after a warm-up and reports medians,
the ratio and the target. Peak RSS comes from wait4(2)'s ru_maxrss (what /usr/bin/time -v prints as "Maximum
resident set size"). The IPv4 figures use 198.18.0.0/15, the RFC 2544 benchmarking range (the documentation
ranges hold only 768 addresses); the scaling figures use IPv6 2001:db8::/32. No traffic is sent: entries are
permanent and the namespace has one veth pair and nothing else. Results go to bench-results/bench.json.

The fleet figure (`plan --hosts`, FLEET_HOSTS hosts x FLEET_ENTRIES entries, every fifth host with drift) needs no
namespace and no root. FIGURES selects what runs: `FIGURES=fleet make bench` runs only the fleet figure,
`FIGURES=kernel` only the namespace figures; the default runs everything.
"""
import json, os, statistics, subprocess, sys, tempfile, time

BIN = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/release/neighsync")
ROUNDS = int(os.environ.get("ROUNDS", "5"))
BIG = int(os.environ.get("BIG", "1000000"))
NS = f"neighsync-bench-{os.getpid()}"
FIGURES = set(os.environ.get("FIGURES", "kernel,fleet").split(","))
FLEET_HOSTS = int(os.environ.get("FLEET_HOSTS", "500"))
FLEET_ENTRIES = int(os.environ.get("FLEET_ENTRIES", "1000"))
OWNER = 245


def sh(*args, check=True, **kw):
    return subprocess.run(list(args), check=check, capture_output=True, text=True, **kw)


def timed(args, stdin=None):
    """Runs a command, returns (seconds, stdout). Fails loudly on a non-zero exit."""
    t0 = time.perf_counter()
    p = subprocess.Popen(args, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = p.communicate()
    dt = time.perf_counter() - t0
    if p.returncode != 0:
        raise SystemExit(f"command failed ({p.returncode}): {' '.join(args)}\n{err.decode()[-2000:]}")
    return dt, out.decode()


class Launcher:
    """Runs the commands whose peak RSS is measured, from a process forked at start-up while this script was small.

    Linux keeps a process's peak RSS across execve(2) (exec_mmap() folds the old mm's high-water mark into
    signal->maxrss), so a command forked straight from this script, after it has read a 26 MB snapshot or a JSON
    document, reports this script's size when that is larger than its own: the `plan --state` figure read 65 MiB
    in some runs and 56 MiB in others for the same binary. The launcher forks each command from a ~10 MiB process,
    so ru_maxrss is the command's own peak (or that floor, reported as launcherFloorKiB)."""

    def __init__(self):
        r_cmd, w_cmd = os.pipe()
        r_res, w_res = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            os.close(w_cmd); os.close(r_res)
            results = os.fdopen(w_res, "w")
            for line in os.fdopen(r_cmd):
                args = json.loads(line)
                t0 = time.perf_counter()
                pid = os.fork()
                if pid == 0:
                    devnull = os.open(os.devnull, os.O_WRONLY)
                    os.dup2(devnull, 1)
                    os.execv(args[0], args)
                _, status, ru = os.wait4(pid, 0)
                dt = time.perf_counter() - t0
                results.write(json.dumps([dt, os.waitstatus_to_exitcode(status), ru.ru_maxrss]) + "\n")
                results.flush()
            os._exit(0)
        os.close(r_cmd); os.close(w_res)
        self.commands = os.fdopen(w_cmd, "w")
        self.results = os.fdopen(r_res)
        self.floor = self.run(["/bin/true"])[1]

    def run(self, args):
        """Runs one command; returns (seconds, peak RSS KiB). Fails loudly on a non-zero exit."""
        self.commands.write(json.dumps(args) + "\n")
        self.commands.flush()
        dt, code, rss = json.loads(self.results.readline())
        if code != 0:
            raise SystemExit(f"command failed: {' '.join(args)}")
        return dt, rss


LAUNCHER = None


def timed_rss(args):
    """Runs a command, returns (seconds, peak RSS KiB) of exactly that command (see Launcher)."""
    return LAUNCHER.run(args)


def mac(i):
    return "02:%02x:%02x:%02x:%02x:%02x" % ((i >> 32) & 0xFF, (i >> 24) & 0xFF, (i >> 16) & 0xFF, (i >> 8) & 0xFF, i & 0xFF)


def v4(i):
    n = (198 << 24) | (18 << 16) | (i + 1)  # 198.18.0.1 …
    return "%d.%d.%d.%d" % (n >> 24, (n >> 16) & 0xFF, (n >> 8) & 0xFF, n & 0xFF)


def v6(i):
    return "2001:db8:1::%x:%x" % ((i + 1) >> 16, (i + 1) & 0xFFFF)


def write_files(d, name, n, addr):
    y = os.path.join(d, f"{name}.yaml")
    with open(y, "w") as f:
        f.write(f"version: 1\nmaxDeletes: {n}\ndefaults: {{ interface: veth0 }}\nneighbors:\n")
        for i in range(n):
            f.write(f"  - address: {addr(i)}\n    physicalAddress: \"{mac(i)}\"\n")
    add = os.path.join(d, f"{name}.add.batch")
    rep = os.path.join(d, f"{name}.replace.batch")
    with open(add, "w") as fa, open(rep, "w") as fr:
        for i in range(n):
            fa.write(f"neigh add {addr(i)} lladdr {mac(i)} dev veth0 nud permanent\n")
            fr.write(f"neigh replace {addr(i)} lladdr {mac(i)} dev veth0 nud permanent\n")
    return y, add, rep


def write_flow(d, name, n, addr):
    """The same entries as write_files, each entry in flow style on one line: `- {address: …, physicalAddress: …}`."""
    y = os.path.join(d, f"{name}.yaml")
    with open(y, "w") as f:
        f.write(f"version: 1\nmaxDeletes: {n}\ndefaults: {{ interface: veth0 }}\nneighbors:\n")
        for i in range(n):
            f.write(f"  - {{address: {addr(i)}, physicalAddress: \"{mac(i)}\"}}\n")
    return y


def write_dir(d, name, n, addr, per_file=100_000):
    """A directory of desired-state files, 100,000 entries each, about 7 MB (one file may hold at most 16 MiB)."""
    path = os.path.join(d, name)
    os.makedirs(path)
    for k in range(0, n, per_file):
        with open(os.path.join(path, f"{k // per_file:03d}.yaml"), "w") as f:
            # Every file of a directory needs its own version (an empty or cut-short file must not prune).
            f.write("version: 1\n")
            if k == 0:
                f.write(f"maxDeletes: {n}\n")
            f.write("defaults: { interface: veth0 }\nneighbors:\n")
            for i in range(k, min(n, k + per_file)):
                f.write(f"  - address: {addr(i)}\n    physicalAddress: \"{mac(i)}\"\n")
    return path


def clear():
    # Admin-down drops every neighbor entry of the link, permanent ones included (neigh_ifdown).
    sh("ip", "-n", NS, "link", "set", "veth0", "down")
    sh("ip", "-n", NS, "link", "set", "veth0", "up")


def count():
    return len(json.loads(sh("ip", "-n", NS, "-j", "neigh", "show", "dev", "veth0", "nud", "permanent").stdout or "[]"))


def median(xs):
    return statistics.median(xs)


def write_fleet(d, hosts, entries):
    """A GitOps fleet directory: hosts/NAME/neighbors.yaml and hosts/NAME/state.json (a neighsync snapshot) with
    `entries` entries each; every fifth host's snapshot has 1% of its MACs drifted and one owned extra row."""
    root = os.path.join(d, "hosts")
    link = ('{"name": "veth0", "index": 2, "arphrdType": 1, "hardwareAddressLength": 6, "ipv4Enabled": true, '
            '"ipv6Enabled": true, "isUp": true}')
    for h in range(hosts):
        host = os.path.join(root, f"edge{h:04d}")
        os.makedirs(host)
        drift = h % 5 == 0
        with open(os.path.join(host, "neighbors.yaml"), "w") as f:
            f.write("version: 1\ndefaults: { interface: veth0 }\nneighbors:\n")
            for i in range(entries):
                f.write(f"  - address: {v4(i)}\n    physicalAddress: \"{mac(i)}\"\n")
        rows = []
        for i in range(entries + (1 if drift else 0)):
            m = mac(i + 1_000_000) if drift and i % 100 == 0 else mac(i)
            rows.append(f'{{"address": "{v4(i)}", "interfaceIndex": 2, "physicalAddress": "{m}", '
                        f'"state": "permanent", "isRouter": false, "protocol": {OWNER}}}')
        with open(os.path.join(host, "state.json"), "w") as f:
            f.write('{"formatVersion": 1, "kind": "neighsync-snapshot", "links": [' + link + '], "neighbors": [\n'
                    + ",\n".join(rows) + "]}\n")
    return root


def fleet(results, d):
    """plan --hosts over FLEET_HOSTS x FLEET_ENTRIES: time and peak RSS, target under 10 s."""
    root = write_fleet(d, FLEET_HOSTS, FLEET_ENTRIES)
    args = [BIN, "plan", "--hosts", root, "--no-color"]
    out = timed(args)[1]  # warm-up (page cache); also checks the run succeeds
    changed = sum(1 for h in range(FLEET_HOSTS) if h % 5 == 0)
    assert f"{FLEET_HOSTS} hosts: {changed} with changes, 0 with errors" in out, out[-300:]
    ts, rss = [], []
    for _ in range(ROUNDS):
        t, r = timed_rss(args); ts.append(t); rss.append(r)
    absolute(results, f"plan --hosts {FLEET_HOSTS} hosts x {FLEET_ENTRIES:,}", ts, 10)
    results["peakRssKiB_fleet_plan"] = median(rss)


def main():
    global LAUNCHER
    LAUNCHER = Launcher()  # first, while this script is small
    results = {"machine": {"nproc": os.cpu_count(), "kernel": os.uname().release}, "rounds": ROUNDS, "figures": [],
               "launcherFloorKiB": LAUNCHER.floor}
    if "fleet" in FIGURES:
        with tempfile.TemporaryDirectory(prefix="neighsync-bench-fleet-") as d:
            fleet(results, d)
    if "kernel" in FIGURES:
        kernel(results)
    report(results)


def kernel(results):
    if os.geteuid() != 0:
        raise SystemExit("make bench needs root (it creates a network namespace); FIGURES=fleet runs without")
    sh("ip", "netns", "add", NS)
    try:
        sh("ip", "-n", NS, "link", "add", "veth0", "type", "veth", "peer", "name", "veth1")
        sh("ip", "-n", NS, "link", "set", "veth1", "up")
        sh("ip", "-n", NS, "link", "set", "veth0", "up")
        with tempfile.TemporaryDirectory(prefix="neighsync-bench-") as d:
            y4, add4, rep4 = write_files(d, "v4-100k", 100_000, v4)
            y6, add6, _ = write_files(d, "v6-100k", 100_000, v6)
            snap = os.path.join(d, "snapshot.json")
            apply4 = [BIN, "apply", "-f", y4, "--netns", NS]

            # Warm-up: page cache, binary, kernel slab.
            clear(); timed(apply4); clear(); timed(["ip", "-n", NS, "-batch", add4])

            # 1. apply into an empty namespace vs ip -batch add.
            ns_t, ip_t, rss = [], [], []
            for _ in range(ROUNDS):
                clear(); t, r = timed_rss(apply4); ns_t.append(t); rss.append(r)
                assert count() == 100_000, "apply did not create 100,000 entries"
                clear(); ip_t.append(timed(["ip", "-n", NS, "-batch", add4])[0])
            fig(results, "apply 100k into empty (IPv4)", ns_t, ip_t, "ip -batch neigh add", 0.5)
            results["peakRssKiB_100k_apply"] = median(rss)

            # 2. converged run vs ip -batch replace of all of them; zero writes.
            clear(); timed(apply4)
            ns_t, ip_t = [], []
            for _ in range(ROUNDS):
                t, out = timed(apply4[:] + ["--output", "json"])
                doc = json.loads(out)
                assert doc["changes"] == [] and doc["summary"]["unchanged"] == 100_000, "converged run wrote"
                ns_t.append(t)
                ip_t.append(timed(["ip", "-n", NS, "-batch", rep4])[0])
            fig(results, "converged apply 100k (cron case)", ns_t, ip_t, "ip -batch neigh replace", 0.3)
            results["convergedWrites"] = 0

            # 2b. the same converged run with the file in flow style (parsing is most of a converged run, and
            # libyaml's cost differs by style); the same target.
            yf = write_flow(d, "v4-100k-flow", 100_000, v4)
            applyf = [BIN, "apply", "-f", yf, "--netns", NS]
            ns_t, ip_t = [], []
            for _ in range(ROUNDS):
                t, out = timed(applyf[:] + ["--output", "json"])
                doc = json.loads(out)
                assert doc["changes"] == [] and doc["summary"]["unchanged"] == 100_000, "converged run (flow) wrote"
                ns_t.append(t)
                ip_t.append(timed(["ip", "-n", NS, "-batch", rep4])[0])
            fig(results, "converged apply 100k, flow style", ns_t, ip_t, "ip -batch neigh replace", 0.3)

            # 3. offline plan, 100k desired x 100k current, from a snapshot.
            with open(snap, "w") as f:
                f.write(sh(BIN, "show", "--all", "--netns", NS, "--output", "json").stdout)
            plan = [BIN, "plan", "-f", y4, "--state", snap]
            ns_t, rss_p = [], []
            for _ in range(ROUNDS):
                t, r = timed_rss(plan); ns_t.append(t); rss_p.append(r)
            absolute(results, "plan --state 100k x 100k", ns_t, 0.5)
            results["peakRssKiB_100k_plan"] = median(rss_p)

            # 4. scaling: IPv6 100k vs 1M apply into empty, time and RSS.
            apply6 = [BIN, "apply", "-f", y6, "--netns", NS]
            t100, r100 = [], []
            for _ in range(ROUNDS):
                clear(); t, r = timed_rss(apply6); t100.append(t); r100.append(r)
            os.remove(add6)
            yb = write_dir(d, "v6-big", BIG, v6)
            applyb = [BIN, "apply", "-f", yb, "--netns", NS]
            tb, rb = [], []
            for _ in range(max(3, ROUNDS // 2 + 1) if BIG >= 1_000_000 else ROUNDS):
                clear(); t, r = timed_rss(applyb); tb.append(t); rb.append(r)
                assert count() == BIG, f"apply did not create {BIG} entries"
            clear()
            k = BIG / 100_000
            results["scaling"] = {"entries": BIG, "time100k": median(t100), "timeBig": median(tb),
                                  "rssKiB100k": median(r100), "rssKiBBig": median(rb),
                                  "timeRatio": median(tb) / median(t100), "rssRatio": median(rb) / median(r100),
                                  "limit": 1.2 * k}
    finally:
        sh("ip", "netns", "del", NS, check=False)


def fig(results, name, ns, base, base_name, target):
    results["figures"].append({"figure": name, "neighsync": median(ns), "baseline": median(base),
                               "baselineName": base_name, "ratio": median(ns) / median(base), "target": target,
                               "kind": "ratio", "runs": {"neighsync": ns, "baseline": base}})


def absolute(results, name, ns, limit):
    results["figures"].append({"figure": name, "neighsync": median(ns), "baseline": None, "ratio": None,
                               "target": limit, "kind": "seconds", "runs": {"neighsync": ns}})


def report(results):
    rows, ok_all = [], True
    for f in results["figures"]:
        if f["kind"] == "ratio":
            ok = f["ratio"] <= f["target"]
            rows.append((f["figure"], f"{f['neighsync']:.3f} s", f"{f['baseline']:.3f} s ({f['baselineName']})",
                         f"{f['ratio']:.2f}", f"<= {f['target']}", ok))
        else:
            ok = f["neighsync"] < f["target"]
            rows.append((f["figure"], f"{f['neighsync']:.3f} s", "-", "-", f"< {f['target']} s", ok))
        f["pass"] = ok; ok_all &= ok
    for key, name in [("peakRssKiB_100k_apply", "peak RSS, apply 100k"),
                      ("peakRssKiB_100k_plan", "peak RSS, plan --state 100k"),
                      ("peakRssKiB_fleet_plan", "peak RSS, plan --hosts")]:
        if key in results:
            mib = results[key] / 1024
            ok = mib <= 64; ok_all &= ok
            rows.append((name, f"{mib:.1f} MiB", "-", "-", "<= 64 MiB", ok))
    if "scaling" in results:
        s = results["scaling"]
        ok = s["timeRatio"] <= s["limit"]; ok_all &= ok
        rows.append((f"apply {s['entries']:,} vs 100k (IPv6), time", f"{s['timeBig']:.3f} s",
                     f"{s['time100k']:.3f} s", f"{s['timeRatio']:.2f}", f"<= {s['limit']:.0f}", ok))
        ok = s["rssRatio"] <= s["limit"]; ok_all &= ok
        rows.append((f"apply {s['entries']:,} vs 100k (IPv6), RSS", f"{s['rssKiBBig']/1024:.1f} MiB",
                     f"{s['rssKiB100k']/1024:.1f} MiB", f"{s['rssRatio']:.2f}", f"<= {s['limit']:.0f}", ok))
    results["pass"] = ok_all
    head = ("figure", "neighsync", "baseline", "ratio", "target", "result")
    table = [head] + [r[:5] + ("pass" if r[5] else "FAIL",) for r in rows]
    w = [max(len(str(r[i])) for r in table) for i in range(6)]
    lines = ["| " + " | ".join(str(r[i]).ljust(w[i]) for i in range(6)) + " |" for r in table]
    lines.insert(1, "|" + "|".join("-" * (x + 2) for x in w) + "|")
    print(f"\nneighsync bench: medians of {results['rounds']} rounds, {results['machine']['nproc']} cores, "
          f"kernel {results['machine']['kernel']}\n")
    print("\n".join(lines))
    os.makedirs("bench-results", exist_ok=True)
    name = "bench.json" if FIGURES >= {"kernel", "fleet"} else f"bench-{'-'.join(sorted(FIGURES))}.json"
    with open(f"bench-results/{name}", "w") as f:
        json.dump(results, f, indent=2)
    print(f"\nwrote bench-results/{name}")
    if not ok_all:
        sys.exit(1)


if __name__ == "__main__":
    main()

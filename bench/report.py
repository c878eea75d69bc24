#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/run.sh's markdown report: hyperfine medians, peak RSS and the goal
# ratios. usage: report.py hyperfine.json rss.txt
import json
import statistics
import sys


def main():
    res = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
    rss = {}
    for line in open(sys.argv[2]):
        name, _, kib = line.rstrip("\n").partition("\t")
        if kib.strip().isdigit():
            rss.setdefault(name, []).append(int(kib))
    med = {n: statistics.median(r["times"]) * 1e3 for n, r in res.items()}
    mem = {n: statistics.median(v) / 1024 for n, v in rss.items()}
    floor = med.get("dump-count")

    print("| Command | median ms | mean ± σ ms | min ms | runs | peak RSS MiB | × dump floor |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for n, r in res.items():
        print(f"| `{n}` | {med[n]:.1f} | {r['mean'] * 1e3:.1f} ± {(r['stddev'] or 0) * 1e3:.1f} "
              f"| {r['min'] * 1e3:.1f} | {len(r['times'])} | {mem.get(n, float('nan')):.1f} "
              f"| {med[n] / floor:.2f} |" if floor else "| |")
    print()
    goals = [
        ("tcpscope states / dump-count (time)", "tcpscope states", "dump-count", 1.15, med),
        ("tcpscope sockets -a / ss -tan (time)", "tcpscope sockets -a", "ss -tan", 0.8, med),
        ("tcpscope sockets -a -p / ss -tanp (time; issue 6: 10x)", "tcpscope sockets -a -p",
         "ss -tanp", 0.1, med),
        ("tcpscope sockets -a -p, TSC_BPF_ITER=0 / ss -tanp (time; issue 2: 3x)",
         "tcpscope sockets -a -p (TSC_BPF_ITER=0)", "ss -tanp", 1 / 3, med),
        ("tcpscope sockets -a -p: BPF iterator / /proc scan (time)", "tcpscope sockets -a -p",
         "tcpscope sockets -a -p (TSC_BPF_ITER=0)", None, med),
        ("tcpscope states / ss pipeline (time)", "tcpscope states",
         "ss -tan | awk | sort | uniq -c", None, med),
        ("tcpscope states / netstat pipeline (time)", "tcpscope states",
         "netstat -nat | awk | sort | uniq -c", None, med),
        ("tcpscope sockets -a -p / lsof -nPi tcp (time)", "tcpscope sockets -a -p",
         "lsof -nPi tcp", None, med),
        ("tcpscope states / ss -tan (peak RSS)", "tcpscope states", "ss -tan", 1.0, mem),
        ("tcpscope sockets -a / ss -tan (peak RSS)", "tcpscope sockets -a", "ss -tan", 1.0, mem),
        ("tcpscope sockets -a -p / ss -tanp (peak RSS)", "tcpscope sockets -a -p", "ss -tanp",
         1.0, mem),
        ("tcpscope sockets -a -p, TSC_BPF_ITER=0 / ss -tanp (peak RSS)",
         "tcpscope sockets -a -p (TSC_BPF_ITER=0)", "ss -tanp", 1.0, mem),
    ]
    print("| Ratio | value | goal | met |")
    print("|---|---:|---:|:---:|")
    for label, a, b, goal, d in goals:
        if a not in d or b not in d or not d[b]:
            print(f"| {label} | n/a | | |")
            continue
        v = d[a] / d[b]
        g = f"≤ {goal:.2f}" if goal else "—"
        met = ("yes" if v <= goal else "**no**") if goal else ""
        print(f"| {label} | {v:.3f} | {g} | {met} |")


main()

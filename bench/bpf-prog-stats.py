#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Time spent inside BPF programs while a command runs.

Enables the kernel's per-program run-time statistics with the bpf(2)
command BPF_ENABLE_STATS, which is scoped to the returned file descriptor:
the statistics stop when this script exits (the host-wide sysctl
kernel.bpf_stats_enabled is never touched). Snapshots run_cnt/run_time_ns
of every loaded program whose name starts with PREFIX (bpftool prog show),
runs COMMAND, snapshots again and prints the deltas; with --per N the
nanoseconds per N-th unit (e.g. per connection: pass the count the command
printed via --per-from-stdout FIELD).

usage: bench/bpf-prog-stats.py [--prefix tsc_] [--per-field K] -- COMMAND...
  --per-field K: the command's stdout's K-th field (1-based) of its last line
                 is a count (connloop: connections); times are divided by it.
"""
import ctypes
import json
import os
import subprocess
import sys

SYS_BPF = {"x86_64": 321, "aarch64": 280}.get(os.uname().machine)
BPF_ENABLE_STATS = 32
BPF_STATS_RUN_TIME = 0


def enable_stats():
    libc = ctypes.CDLL(None, use_errno=True)
    attr = ctypes.c_uint32(BPF_STATS_RUN_TIME)
    fd = libc.syscall(SYS_BPF, BPF_ENABLE_STATS, ctypes.byref(attr), ctypes.sizeof(attr))
    if fd < 0:
        err = ctypes.get_errno()
        sys.exit("bpf-prog-stats: BPF_ENABLE_STATS: %s" % os.strerror(err))
    return fd


def snapshot(prefix):
    out = subprocess.run(["bpftool", "-j", "prog", "show"], check=True,
                         capture_output=True, text=True).stdout
    res = {}
    for p in json.loads(out):
        name = p.get("name", "")
        if name.startswith(prefix):
            key = "%s#%d" % (name, p["id"])
            res[key] = (p.get("run_cnt", 0), p.get("run_time_ns", 0))
    return res


def main(argv):
    prefix, per_field = "tsc_", None
    while argv and argv[0] != "--":
        if argv[0] == "--prefix" and len(argv) > 1:
            prefix, argv = argv[1], argv[2:]
        elif argv[0] == "--per-field" and len(argv) > 1:
            per_field, argv = int(argv[1]), argv[2:]
        else:
            sys.exit(__doc__)
    if not argv or argv[0] != "--" or len(argv) < 2 or SYS_BPF is None:
        sys.exit(__doc__)
    fd = enable_stats()
    before = snapshot(prefix)
    proc = subprocess.run(argv[1:], capture_output=True, text=True)
    after = snapshot(prefix)
    os.close(fd)
    sys.stdout.write(proc.stdout)
    per = None
    if per_field and proc.stdout.strip():
        per = float(proc.stdout.strip().splitlines()[-1].split()[per_field - 1])
    tot_ns = 0
    print("%-28s %12s %12s %10s %s" % ("program", "runs", "ns total", "ns/run",
                                       "us/unit" if per else ""))
    for k in sorted(after):
        c0, t0 = before.get(k, (0, 0))
        c1, t1 = after[k]
        dc, dt = c1 - c0, t1 - t0
        tot_ns += dt
        print("%-28s %12d %12d %10.0f %s" % (k, dc, dt, dt / dc if dc else 0,
                                             "%.3f" % (dt / per / 1000) if per else ""))
    if per:
        print("total: %.3f us per unit (%d units)" % (tot_ns / per / 1000, per))
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
"""Watches a peer's processes while one cell runs: samples the resident set of each root PID
and its descendants (VmRSS from /proc/PID/status) every 0.1 s, and reads their CPU time
(utime + stime) at the start and at the end. Stops on SIGTERM and prints one JSON line:
{"rss_kb": peak of the summed VmRSS, "cpu_s": CPU seconds used by the processes meanwhile}.
Usage: procstat.py PID...   (run in the background; send SIGTERM when the cell is over)
"""
import json
import os
import signal
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def tree(roots):
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    found, todo = [], list(roots)
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def cpu(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK
    except (OSError, IndexError, ValueError):
        return None


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main():
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    pids = tree(int(p) for p in sys.argv[1:])
    start = {pid: cpu(pid) for pid in pids}
    peak = 0
    while not stop:
        peak = max(peak, sum(rss_kb(pid) for pid in pids))
        time.sleep(0.1)
    peak = max(peak, sum(rss_kb(pid) for pid in pids))
    used = 0.0
    for pid, before in start.items():
        after = cpu(pid)
        if before is not None and after is not None:
            used += after - before
    print(json.dumps({"rss_kb": peak, "cpu_s": round(used, 3), "pids": len(pids)}), flush=True)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Results of bench/compare.

  report.py cell --peer P --mode M --conns C --round R --wrk FILE --proc FILE
                 [--drain S --delivered N --delivered-during N]
      parses one wrk run (and procstat.py's line) into one JSON line on stdout.
  report.py table --results FILE [--na FILE] [--meta FILE] [--md FILE]
      prints the table (medians over the rounds; peak RSS is the largest seen) and, with
      --md, writes it with the meta lines (markdown) above it.

Each row's ratios are its req/s over the nginx proxy_pass row's and over the sink-alone row's
for the same mode and connections. A --na line is `PEER REASON` (every mode) or
`PEER@MODE REASON` (that mode only).
"""
import argparse
import json
import re
import statistics
import sys

PEERS = {  # key -> label, in table order
    "relay-sync": "relay serve --sync",
    "relay-sync-resume": "relay serve --sync, TLS sessions resumed",
    "relay-queued": "relay serve, queued (durable)",
    "python": "seed logic, Python http.server",
    "node": "same logic, Node node:http",
    "nginx": "nginx proxy_pass (no work)",
    "sink": "sink alone (ceiling)",
}
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}


def ms(value, unit):
    return float(value) * UNITS[unit]


def parse_wrk(text):
    m = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m|h),", text)
    if not m:
        raise SystemExit(f"report.py: no request count in wrk output:\n{text}")
    requests, seconds = int(m.group(1)), ms(m.group(2), m.group(3)) / 1e3
    lat = {p: ms(v, u) for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s|m|h)\s*$", text, re.M)}
    non2xx = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", text))
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    socket_errors = sum(int(g) for g in sock.groups()) if sock else 0
    return {
        "requests": requests,
        "seconds": seconds,
        "rps": (requests - non2xx) / seconds if seconds else 0.0,
        "p50_ms": lat.get("50"),
        "p99_ms": lat.get("99"),
        "non2xx": non2xx,
        "socket_errors": socket_errors,
    }


def cmd_cell(args):
    with open(args.wrk) as f:
        row = parse_wrk(f.read())
    try:
        with open(args.proc) as f:
            proc = json.loads(f.read().strip().splitlines()[-1])
    except (OSError, ValueError, IndexError):
        proc = {}
    row.update(peer=args.peer, mode=args.mode, conns=args.conns, round=args.round,
               rss_kb=proc.get("rss_kb"), cpu_s=proc.get("cpu_s"), drain_s=args.drain,
               delivered=args.delivered, accepted=row["requests"] - row["non2xx"],
               delivered_rps=args.delivered_during / row["seconds"]
               if args.delivered_during is not None and row["seconds"] else None)
    print(json.dumps(row))
    p99 = "n/a" if row["p99_ms"] is None else f"{row['p99_ms']:.2f} ms"
    print(f"compare: round {args.round} {args.mode:>10} c={args.conns:<3} {args.peer:<13} {row['rps']:>9,.0f} req/s"
          f"  p99 {p99}  errors {row['non2xx'] + row['socket_errors']}", file=sys.stderr)


def fmt(value, digits=0):
    if value is None:
        return "n/a"
    return f"{value:,.{digits}f}"


def cmd_table(args):
    cells = {}
    with open(args.results) as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                cells.setdefault((r["mode"], r["conns"], r["peer"]), []).append(r)
    na = {}
    if args.na:
        try:
            with open(args.na) as f:
                for line in f:
                    if line.strip():
                        peer, reason = line.rstrip("\n").split(" ", 1)
                        na.setdefault(peer, reason)
        except FileNotFoundError:
            pass
    modes = list(dict.fromkeys(m for m, _, _ in cells)) or ["keep-alive"]
    conns = sorted({c for _, c, _ in cells})

    def reason(peer, mode):
        return na.get(f"{peer}@{mode}") or na.get(peer)

    def median(rows, key):
        values = [r[key] for r in rows if r.get(key) is not None]
        return statistics.median(values) if values else None

    head = ["peer", "mode", "conns", "req/s", "delivered/s", "p50 ms", "p99 ms", "errors", "peak RSS MB", "CPU ms/req",
            "vs nginx", "vs ceiling", "note"]
    out = []
    for mode in modes:
        peers = [p for p in PEERS if (mode, p) in {(m, q) for m, _, q in cells} or reason(p, mode)]
        for c in conns:
            ref = {p: median(cells.get((mode, c, p), []), "rps") for p in ("nginx", "sink")}
            for peer in peers:
                rows = cells.get((mode, c, peer), [])
                if not rows:
                    out.append([PEERS[peer], mode, str(c)] + ["n/a"] * 9 + [reason(peer, mode) or "not run"])
                    continue
                rps = median(rows, "rps")
                rss = max((r["rss_kb"] for r in rows if r.get("rss_kb")), default=None)
                cpu = [1e3 * r["cpu_s"] / r["requests"] for r in rows if r.get("cpu_s") is not None and r["requests"]]
                errors = sum(r["non2xx"] + r["socket_errors"] for r in rows)
                notes = [f"{len(rows)} rounds"] if len(rows) != args.rounds else []
                drains = [r["drain_s"] for r in rows if r.get("drain_s") is not None]
                if drains:
                    worst = max(drains)
                    notes.append("sink idle within 0.25 s after each cell" if worst <= 0.25
                                 else f"backlog drained up to {worst:.2f} s after a cell")
                delivered = [r["delivered"] for r in rows if r.get("delivered") is not None]
                if delivered:
                    notes.append(f"delivered {sum(delivered):,} of {sum(r['accepted'] for r in rows):,} accepted")
                non2xx, sockerr = sum(r["non2xx"] for r in rows), sum(r["socket_errors"] for r in rows)
                if errors:
                    notes.append(f"errors: {non2xx} non-2xx, {sockerr} socket")
                if reason(peer, mode):
                    notes.append(reason(peer, mode))
                out.append([
                    PEERS[peer], mode, str(c), fmt(rps),
                    fmt(median(rows, "delivered_rps")) if delivered else "", fmt(median(rows, "p50_ms"), 2), fmt(median(rows, "p99_ms"), 2),
                    str(errors), fmt(rss / 1024 if rss else None, 1), fmt(statistics.median(cpu) if cpu else None, 3),
                    f"{rps / ref['nginx']:.2f}" if rps and ref["nginx"] else "n/a",
                    f"{rps / ref['sink']:.2f}" if rps and ref["sink"] else "n/a",
                    "; ".join(notes),
                ])
    widths = [max(len(r[i]) for r in out + [head]) for i in range(len(head))]
    numeric = set(range(2, 12))

    def line(r):
        return "| " + " | ".join(v.rjust(w) if i in numeric else v.ljust(w) for i, (v, w) in enumerate(zip(r, widths))) + " |"

    rule = "|" + "|".join(("-" * (w + 1) + ":") if i in numeric else "-" * (w + 2) for i, w in enumerate(widths)) + "|"
    table = "\n".join([line(head), rule] + [line(r) for r in out])
    print(table)
    if args.md:
        meta = open(args.meta).read().rstrip() + "\n\n" if args.meta else ""
        with open(args.md, "w") as f:
            f.write("# bench/compare: last results\n\n" + meta + table + "\n")


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("cell")
    c.add_argument("--peer", required=True)
    c.add_argument("--mode", required=True)
    c.add_argument("--conns", type=int, required=True)
    c.add_argument("--round", type=int, required=True)
    c.add_argument("--wrk", required=True)
    c.add_argument("--proc", required=True)
    c.add_argument("--drain", type=float)
    c.add_argument("--delivered", type=int, help="requests the sink got for this cell (queued peer)")
    c.add_argument("--delivered-during", type=int, help="of those, the ones it got while wrk ran")
    t = sub.add_parser("table")
    t.add_argument("--results", required=True)
    t.add_argument("--na")
    t.add_argument("--meta")
    t.add_argument("--md")
    t.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    {"cell": cmd_cell, "table": cmd_table}[args.cmd](args)


if __name__ == "__main__":
    main()

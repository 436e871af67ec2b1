#!/usr/bin/env python3
"""Lambda cold start and per-invocation time, relay against the seed's Python handler, in one run.

Both runtimes run under emulator.py (the Runtime API on loopback) and deliver the same ECS
stopped-task event, signed, to one `relay sink`:
  relay    build/bin/relay lambda (zero-config: WEBHOOK_URL, WEBHOOK_SECRET), or with --packaged
           the bootstrap of build/lambda/relay-lambda.zip unpacked into an empty root and started
           there with chroot (as root), as Lambda starts it
  python   seed_ecs_handler.py (the seed's code) under python_runtime.py (a minimal runtime loop)
Measured:
  start -> first next   from spawning the process to its first GET /invocation/next (loading,
                        config or imports), over --starts fresh processes; each then serves one
                        invocation (the cold one, also reported) and is stopped
  per invocation        from handing an invocation out to receiving its response, over
                        --invocations in a row on one process (the warm case)
The sink must have received every invocation's delivery, else the run fails.

Usage: bench/lambda/run.py [--build DIR] [--starts N] [--invocations N] [--event FILE]
                           [--packaged] [--runtimes relay,python]"""
import argparse
import os
import re
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from emulator import RuntimeApi, error_summary  # noqa: E402

SECRET = "bench-lambda-secret"


class RunFailed(Exception):
    pass


def start_sink(relay, out_path):
    sink = subprocess.Popen([relay, "sink", "--listen", "127.0.0.1:0", "--secret", SECRET],
                            stdout=open(out_path, "wb"), stderr=subprocess.PIPE)
    deadline = time.monotonic() + 10
    line = b""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([sink.stderr], [], [], deadline - time.monotonic())
        if not ready:
            break
        line = sink.stderr.readline()
        listening = re.search(rb"listening on (https?://[^\"\s]+)", line)
        if listening:
            return sink, listening.group(1).decode()
        if not line:
            break
    sink.kill()
    raise RunFailed("relay sink did not start: %r" % line)


def runtimes(args, webhook_url, scratch):
    base = {"WEBHOOK_URL": webhook_url + "/hooks/devops-agent", "WEBHOOK_SECRET": SECRET}
    relay = os.path.join(args.build, "bin", "relay")
    if args.packaged:
        task = os.path.join(scratch, "root", "var", "task")
        os.makedirs(task)
        subprocess.run(["unzip", "-q", os.path.join(args.build, "lambda", "relay-lambda.zip"), "-d", task], check=True)
        relay_cmd = ["chroot", os.path.join(scratch, "root"), "/var/task/bootstrap"]
    else:
        relay_cmd = [relay, "lambda"]
    python_cmd = [sys.executable, os.path.join(HERE, "python_runtime.py")]
    python_env = dict(base, _HANDLER="seed_ecs_handler.lambda_handler", LAMBDA_TASK_ROOT=HERE)
    table = {"relay": (relay_cmd, base), "python": (python_cmd, python_env)}
    return [(name, *table[name]) for name in args.runtimes.split(",")]


def peak_rss_mb(pid):
    try:
        with open("/proc/%d/status" % pid) as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def one_process(cmd, extra_env, event, invocations, log):
    """Starts the runtime, waits for its first `next`, feeds it `invocations` in a row.
    Returns (ns from spawn to first next, [ns per invocation], peak RSS MB)."""
    api = RuntimeApi()
    env = {k: v for k, v in os.environ.items() if k not in ("RELAY_CONFIG", "AWS_LAMBDA_RUNTIME_API")}
    env.update(extra_env, AWS_LAMBDA_RUNTIME_API=api.address)
    spawned = time.perf_counter_ns()
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=log)
    threading.Thread(target=lambda: (proc.wait(), api.first_next.set()), daemon=True).start()
    try:
        api.first_next.wait(30)
        if api.init_error is not None:
            raise RunFailed("%s: init error %s" % (cmd[0], api.init_error))
        if not api.next_calls_ns:
            raise RunFailed("%s exited (status %s) before its first next; see %s" % (cmd[-1], proc.poll(), log.name))
        start_ns = api.next_calls_ns[0] - spawned
        per_invocation = []
        for _ in range(invocations):
            invocation = api.invoke(event)
            if not invocation.done.wait(30):
                raise RunFailed("%s: no answer within 30 s; see %s" % (cmd[-1], log.name))
            if invocation.error:
                raise RunFailed("%s: invocation failed (%s): %s" % (cmd[-1], invocation.error_type,
                                                                     error_summary(invocation)))
            per_invocation.append(invocation.answered_ns - invocation.handed_out_ns)
        return start_ns, per_invocation, peak_rss_mb(proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        api.close()


def ms(values_ns, q=None):
    values = sorted(v / 1e6 for v in values_ns)
    if q is None:
        return statistics.median(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--starts", type=int, default=20)
    parser.add_argument("--invocations", type=int, default=200)
    parser.add_argument("--event", default=os.path.join(ROOT, "payloads/samples/ecs-task-stopped-exit-codes.json"))
    parser.add_argument("--packaged", action="store_true")
    parser.add_argument("--runtimes", default="relay,python")
    args = parser.parse_args()
    with open(args.event, "rb") as f:
        event = f.read()

    scratch = tempfile.mkdtemp(prefix="relay-bench-lambda-")
    sink_out = os.path.join(scratch, "sink.jsonl")
    sink, url = start_sink(os.path.join(args.build, "bin", "relay"), sink_out)
    rows, failures = [], []
    try:
        for name, cmd, env in runtimes(args, url, scratch):
            log = open(os.path.join(scratch, name + ".log"), "wb")
            try:
                starts, cold, rss = [], [], []
                for _ in range(args.starts):
                    start_ns, first, peak = one_process(cmd, env, event, 1, log)
                    starts.append(start_ns)
                    cold.extend(first)
                _, warm, peak = one_process(cmd, env, event, args.invocations, log)
                rows.append((name, starts, cold, warm, peak))
            except RunFailed as failure:
                failures.append("%s: %s" % (name, failure))
    finally:
        sink.terminate()
        sink.wait()
    with open(sink_out, "rb") as f:
        delivered = sum(1 for _ in f)
    expected = len(rows) * (args.starts + args.invocations)

    print("Lambda runtimes under bench/lambda/emulator.py, %d starts, %d warm invocations, event %s"
          % (args.starts, args.invocations, os.path.basename(args.event)))
    print()
    print("| runtime | start -> first next: median | p90 | min | cold invocation: median | "
          "warm invocation: median | p90 | warm invocations/s | peak RSS |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, starts, cold, warm, peak in rows:
        print("| %s | %.1f ms | %.1f ms | %.1f ms | %.2f ms | %.2f ms | %.2f ms | %.0f | %s |" % (
            name + (" (packaged, chroot)" if name == "relay" and args.packaged else ""),
            ms(starts), ms(starts, 0.9), ms(starts, 0.0), ms(cold), ms(warm), ms(warm, 0.9),
            len(warm) / (sum(warm) / 1e9), "%.0f MB" % peak if peak else "n/a"))
    print()
    print("sink: %d of %d deliveries received" % (delivered, expected))
    for failure in failures:
        print("not measured: " + failure)
    if failures or delivered != expected:
        print("logs kept in " + scratch)
        return 1
    shutil.rmtree(scratch)
    return 0


if __name__ == "__main__":
    sys.exit(main())

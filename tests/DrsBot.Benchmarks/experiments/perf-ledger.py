#!/usr/bin/env python3
"""Where each versus target's CPU goes, in microseconds a request, from one system-wide `perf` recording.

DrsBot and the pass-through inside DrsBot's host run the same host; the difference between their ledgers is what
DrsBot's command path costs, item by item. Percentages from a profile of one process cannot say that: they share
out a total that differs between targets. Here each target's samples are scaled by its own CPU per request.

    export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0   # JIT'd code perf can name (W^X hides it)
    dotnet run -c Release --no-build --project tests/DrsBot.Benchmarks -- versus | tee versus.txt
    # when it prints "turns from ...; processes: ...", as root (or with kernel.perf_event_paranoid <= 0):
    perf record -a -g -F 499 -o perf.data -- sleep 75
    perf script -i perf.data -F pid,tid,comm,ip,sym > perf.txt
    python3 tests/DrsBot.Benchmarks/experiments/perf-ledger.py perf.txt DrsBot=PID:US host=PID:US pass=PID:US

PID is the process the "turns from" line names; US is its "CPU µs" per request from the run's table. The first
target is the one whose own code is broken down by area; the second is what the difference column subtracts.
"""
import collections
import re
import sys

# System calls and interrupts, named by the kernel frame a sample passes through (the first that matches wins).
KERNEL = [
    ("__x64_sys_futex", "kernel: futex (a thread woken or put to sleep)"),
    ("asm_sysvec_reschedule_ipi", "kernel: reschedule interrupt (a thread woken from the other core)"),
    ("__x64_sys_sched_yield", "kernel: sched_yield (thread pool spinning)"),
    ("__x64_sys_sendto", "kernel: TCP send, with waking the receiver"),
    ("__x64_sys_sendmsg", "kernel: TCP send, with waking the receiver"),
    ("__x64_sys_recvfrom", "kernel: TCP receive"),
    ("__x64_sys_recvmsg", "kernel: TCP receive"),
    ("__x64_sys_write", "kernel: write (the log pipe)"),
    ("__x64_sys_epoll_wait", "kernel: epoll"),
    ("__x64_sys_epoll_ctl", "kernel: epoll"),
    ("asm_exc_page_fault", "kernel: page faults"),
]

# Managed assemblies, by prefix, into the parts the README names.
PARTS = [
    ("DrsBot.Benchmarks", "the pass-through's own code"),
    ("DrsBot", "DrsBot"),
    ("Microsoft.AspNetCore.Server.Kestrel", "Kestrel"),
    ("System.IO.Pipelines", "Kestrel"),
    ("Microsoft.AspNetCore", "ASP.NET Core (routing, endpoint, hosting)"),
    ("dynamicClass", "ASP.NET Core (routing, endpoint, hosting)"),
    ("System.Net.Http", "HttpClient"),
    ("System.Net.Sockets", "sockets"),
    ("System.Text.Json", "System.Text.Json"),
    ("System.Text.Encodings.Web", "System.Text.Json"),
    ("OpenTelemetry", "metrics (OpenTelemetry)"),
    ("System.Diagnostics.DiagnosticSource", "metrics (OpenTelemetry)"),
    ("Microsoft.Extensions.DependencyInjection", "dependency injection"),
    ("Microsoft.Extensions.Logging", "logging abstractions"),
    ("Hangfire", "Hangfire"),
]

# DrsBot's own code by area: its nearest frame in the sample decides (with what it called in .NET under it).
AREAS = [
    ("the card: rendering", r"DrsBot\.Features\.[A-Za-z]+\.[A-Za-z]+Messages|DrsBot\.Slack\.Blocks|DrsBot\.Slack\.Mrkdwn|DrsBot\.Slack\.Format"),
    ("the card: writing its JSON", r"SlackJsonContext|SlackReply"),
    ("the DRS client: resilience, auth, reading the answer", r"DrsBot\.Drs\."),
    ("the Slack edge: signature, form, endpoint", r"SlackRequestVerification|SlackSignature|SecretHmac|SlashCommand|SlackEndpoints"),
    ("the router, parser, rate limiter and reply budget", r"CommandRouter\+<(Show|Handle)|CommandRouter::(Handle|Show)|CommandParser|CommandRateLimiter|InteractiveReplies"),
    ("the command's log line", r"CommandRouter::Log|LogScopes"),
    ("the ETA and the store", r"WhatStorageKnows|ProgressHandler|PaceHistory|WatchStore"),
]

FRAME = re.compile(r"\[([A-Za-z0-9_.]+)\] ([^\s\[(]+::[^(]+)\(")


def part_of(assembly):
    for prefix, part in PARTS:
        if assembly.startswith(prefix):
            return part
    return None  # CoreLib and the rest: charged to the nearest part above them


def classify(thread, frames):
    """One sample's part: its thread if the runtime owns that thread, else the kernel's or code's part it is in."""
    if thread.startswith("DrsBot log"):
        return "thread: DrsBot's log writer"
    if "Server GC" in thread or "BGC" in thread:
        return "thread: garbage collector"
    if "Tiered Com" in thread:
        return "thread: JIT (tiering)"
    if thread.startswith(".NET Sockets"):
        return "thread: socket engine (epoll)"
    if thread != ".NET TP Worker":
        return "thread: other"
    for frame in frames:
        for symbol, name in KERNEL:
            if frame.endswith(" " + symbol):
                return name
    for frame in frames:
        match = FRAME.search(frame)
        if match and (part := part_of(match.group(1))):
            return part
    return ".NET runtime and thread pool, no part above"


def samples(path):
    """(pid, thread name, frames leaf first) per sample of `perf script -F pid,tid,comm,ip,sym`."""
    head, frames = None, []
    with open(path, errors="replace") as lines:
        for line in lines:
            if not line.strip():
                continue
            if not line.startswith("\t"):
                if head:
                    yield head[0], head[1], frames
                match = re.match(r"(.*?)\s+(\d+)/\d+", line)
                head = (match.group(2), re.sub(r"\d+$", "", match.group(1).strip())) if match else None
                frames = []
            else:
                frames.append(line.strip())
    if head:
        yield head[0], head[1], frames


def main(path, specs):
    targets = []
    for spec in specs:
        name, rest = spec.split("=", 1)
        pid, micros = rest.split(":", 1)
        targets.append((name, pid, float(micros)))
    pids = {pid: name for name, pid, _ in targets}
    counts = {name: collections.Counter() for name, _, _ in targets}
    areas = collections.Counter()
    totals = collections.Counter()
    first = targets[0][0]
    for pid, thread, frames in samples(path):
        name = pids.get(pid)
        if name is None:
            continue
        totals[name] += 1
        part = classify(thread, frames)
        counts[name][part] += 1
        if name == first and part in ("DrsBot", "System.Text.Json"):
            own = next((m.group(2) for f in frames if (m := FRAME.search(f)) and m.group(1) == "DrsBot"), "")
            areas[next((area for area, pattern in AREAS if re.search(pattern, own)), "DrsBot: elsewhere")] += 1

    scale = {name: micros / max(1, totals[name]) for name, _, micros in targets}
    base = targets[1][0] if len(targets) > 1 else None
    print("µs a request".rjust(60) + "".join(f"{name:>10}" for name, _, _ in targets) + (f"{'diff':>10}" if base else ""))
    parts = set().union(*counts.values())
    def diff(part):
        return counts[first][part] * scale[first] - (counts[base][part] * scale[base] if base else 0)
    for part in sorted(parts, key=lambda p: -diff(p)):
        row = [counts[name][part] * scale[name] for name, _, _ in targets]
        if max(row) < 0.3:
            continue
        print(f"{part[:58]:<60}" + "".join(f"{v:>10.1f}" for v in row) + (f"{diff(part):>10.1f}" if base else ""))
    print(f"{'all (the run CPU per request)':<60}" + "".join(f"{m:>10.1f}" for _, _, m in targets)
          + (f"{targets[0][2] - targets[1][2]:>10.1f}" if base else ""))
    print(f"\n{first}'s own code, with what it called in .NET and System.Text.Json, by area (µs a request)")
    for area, count in areas.most_common():
        print(f"  {area:<58}{count * scale[first]:>10.1f}")
    print(f"  {'samples: ' + ', '.join(f'{n} {totals[n]}' for n, _, _ in targets):<58}")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2:])

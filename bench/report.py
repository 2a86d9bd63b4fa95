#!/usr/bin/env python3
"""Turns bench/run.sh's results.tsv (section, case, tool, metric, value) into docs/BENCHMARKS.md.

stella-release appears as the variants bench/run.sh measured: `before` (BASE_DIR, when given), `after-jar`
(`java -jar`) and `after` (bin/stella-release), all in the same run, alternating.
"""
import datetime
import os
import platform
import re
import statistics
import subprocess
import sys
from collections import defaultdict

VARIANTS = {
    "before": "stella-release **before** (`java -jar`, BASE_DIR)",
    "after-jar": "stella-release after (`java -jar`)",
    "after": "stella-release **after** (`bin/stella-release`)",
}


META = {}


def load(path):
    """Figures as lists of floats by (section, case, tool, metric); `meta` lines (commits) go to META."""
    data = defaultdict(list)
    for line in open(path):
        section, case, tool, metric, value = line.rstrip("\n").split("\t")
        if section == "meta":
            META[case] = value
        elif value != "":
            data[(section, case, tool, metric)].append(float(value))
    return data


def sh(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True).stdout.strip()
    except OSError:
        return "?"


def mmm(values, fmt="{:.0f}"):
    if not values:
        return "–"
    return "{} / **{}** / {}".format(fmt.format(min(values)), fmt.format(statistics.median(values)), fmt.format(max(values)))


def med(values):
    return statistics.median(values) if values else None


def main():
    now = load(sys.argv[1])
    out = []
    w = out.append
    cpu = re.search(r"model name\s*:\s*(.*)", open("/proc/cpuinfo").read())
    mem = int(re.search(r"MemTotal:\s*(\d+)", open("/proc/meminfo").read()).group(1)) / 1024 / 1024
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    commit = META.get("commit") or sh("git", "rev-parse", "--short", "HEAD")
    dirty = " (with uncommitted changes)" if META.get("dirty") == "yes" else ""
    base = META.get("base", "")
    nproc = sh("nproc")
    w("# Benchmarks\n")
    w("Written by `bench/run.sh` (see the README); figures are **min / median / max** over repeated runs. "
      "Benchmarks are not tests: nothing in `mvn verify` asserts a time.\n")
    w("| | |\n|---|---|")
    w("| date | %s |" % (META.get("date") or datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")))
    w("| commit (after) | `%s`%s |" % (commit, dirty))
    if base:
        w("| commit (before) | `%s` |" % base)
    w("| machine | %s CPUs (`nproc`), %.1f GiB, %s |" % (nproc, mem, cpu.group(1) if cpu else "?"))
    w("| kernel | %s |" % platform.release())
    w("| java | %s |" % java)
    loadavg = lambda when: (now.get(("machine", "load", when, "value")) or [None])[0]
    w("| load average (1 min) at start / end | %s / %s |" % (loadavg("before"), loadavg("after")))
    w("| make, webhook, wrk | %s; webhook %s; %s |\n" % (sh("make", "--version").splitlines()[0],
                                                      sh("webhook", "-version").split()[-1] if sh("webhook", "-version") else "?",
                                                      (sh("sh", "-c", "wrk -v 2>&1").splitlines() or ["?"])[0].split(" [")[0]))
    variants = [v for v in VARIANTS if any(k[2] == v for k in now)]

    # 1. Orchestration
    w("## 1. Orchestration overhead: the suite pipeline vs `make -j%s`\n" % nproc)
    w("Generated workspaces with N modules (no images) and 5 CLI runtimes; every build command is the same "
      "for both tools. stella-release runs `release suite-2026.04-nova --dry-run --skip-tests` (a fresh JVM each "
      "time, so wall time includes JVM start-up); make runs the same DAG (modules after validate, runtimes after "
      "all modules, then helm, manifest, release) with the same commands, N + 5 exec calls. *CPU* is user + "
      "system time of the process and its children (the commands included), the figure least disturbed by "
      "other work on the machine. *Overhead per exec* = (wall − make's wall) / (N + 5); *pipeline* is the sum of "
      "the stage durations stella-release records (JVM start and stop excluded), and *pipeline overhead per "
      "exec* = (pipeline − make's wall) / (N + 5).\n")
    cases = sorted({k[1] for k in now if k[0] == "orch"}, key=lambda c: (c.split(" × ")[1], int(c.split(" × ")[0])))
    w("| N × command | tool | wall ms | CPU ms | pipeline ms | wall / make (medians) | overhead per exec ms | "
      "pipeline overhead per exec ms | peak RSS MiB |")
    w("|---|---|---|---|---|---|---|---|---|")
    for c in cases:
        n = int(c.split(" × ")[0])
        g = lambda tool, m: now.get(("orch", c, tool, m), [])
        mk = g("make", "wall_ms")
        w("| %s | GNU make | %s | %s | | | | | %s |" % (c, mmm(mk), mmm(g("make", "cpu_ms")),
                                                     mmm([v / 1024 for v in g("make", "rss_kb")], "{:.1f}")))
        for v in variants:
            st, pl = g(v, "wall_ms"), g(v, "pipeline_ms")
            per = [(s - m) / (n + 5) for s, m in zip(st, mk)]
            pper = [(p - m) / (n + 5) for p, m in zip(pl, mk)]
            ratio = "%.1f" % (med(st) / med(mk)) if mk and st and med(mk) > 0 else "–"
            w("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                c, VARIANTS[v], mmm(st), mmm(g(v, "cpu_ms")), mmm(pl), ratio, mmm(per, "{:.2f}"),
                mmm(pper, "{:.2f}"), mmm([x / 1024 for x in g(v, "rss_kb")])))
    reps = {c: len(now.get(("orch", c, "make", "wall_ms"), [])) for c in cases}
    w("\nRuns per figure: %s.\n" % ", ".join("%s: %d" % (c, r) for c, r in reps.items()))

    # 2. Webhooks
    w("## 2. Webhook intake: `serve` vs adnanh/webhook\n")
    w("`wrk -t2 -c16` for the same duration against each, alternating, each after a 3 s warm-up, same signed Gitea "
      "`create` bodies and headers, all on 127.0.0.1. adnanh/webhook checks the signature with a "
      "`payload-hmac-sha256` rule and runs `/bin/true`. stella-release starts each round with a fresh state "
      "directory. *Not a release tag*: one body (tag `v1.0.0`), verified, parsed, answered `202 ignored`. "
      "*Distinct release tags*: every request a different hotfix tag `suite-2026.04.N`, each recorded durably "
      "(file and directory flushed) before its `202 accepted`; these runs then execute in the background (at most "
      "2 at once, competing for the same CPUs) with a cheap configuration: the checkout copies a prepared 9-module "
      "workspace whose commands are `true`.\n")
    w("| case | tool | requests/s | p50 ms | p99 ms | non-2xx | requests/s vs webhook (medians) |")
    w("|---|---|---|---|---|---|---|")
    for c in sorted({k[1] for k in now if k[0] == "webhook"}, reverse=True):
        hook = med(now.get(("webhook", c, "webhook", "rps"), []))
        for tool in [v for v in variants if v != "after-jar"] + ["webhook"]:
            g = lambda m: now.get(("webhook", c, tool, m), [])
            if not g("rps"):
                continue
            ratio = "%.2f ×" % (med(g("rps")) / hook) if tool != "webhook" and hook else ""
            w("| %s | %s | %s | %s | %s | %d | %s |" % (
                c, "adnanh/webhook" if tool == "webhook" else VARIANTS[tool], mmm(g("rps")),
                mmm(g("p50_ms"), "{:.2f}"), mmm(g("p99_ms"), "{:.2f}"), sum(g("non2xx")), ratio))
    for v in variants:
        runs = now.get(("webhook", "distinct release tags (accepted)", v, "runs_recorded"), [])
        if runs:
            w("\nRuns recorded per round (warm-up included), %s: %s." % (v, mmm(runs)))
    w("")

    # 3. Serve
    w("## 3. Start-up and footprint of `serve`\n")
    w("From launching `serve` to the first 200 from `/observe/health`; idle RSS 2 s later; then a dispatch message "
      "(HTTP) releases a 900-module workspace (commands `true`, no images) and RSS is sampled every 100 ms until "
      "the run succeeds.\n")
    serve_variants = [v for v in variants if any(k[0] == "serve" and k[2] == v for k in now)]
    w("| figure | " + " | ".join(VARIANTS[v] for v in serve_variants) + " |")
    w("|---|" + "---|" * len(serve_variants))
    rows = [("start-up to healthy, ms", "startup", "startup_ms", 1),
            ("idle RSS, MiB", "idle", "rss_kb", 1024),
            ("peak RSS while 900 modules build, MiB", "900 modules building", "rss_kb", 1024),
            ("900-module run, dispatch to succeeded, ms", "900-module run (dispatch to done)", "run_ms", 1)]
    for label, case, metric, div in rows:
        w("| %s | %s |" % (label, " | ".join(mmm([x / div for x in now.get(("serve", case, v, metric), [])])
                                          for v in serve_variants)))
    w("")
    notes = os.path.join(os.path.dirname(os.path.abspath(__file__)), "NOTES.md")
    if os.path.exists(notes):
        w(open(notes).read())
    print("\n".join(out))


main()

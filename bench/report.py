#!/usr/bin/env python3
"""Turns bench/run.sh's results.tsv (section, case, tool, metric, value) into docs/BENCHMARKS.md.

With a second results file (an earlier run, e.g. before an optimisation) each figure also gets its
"before" median.
"""
import datetime
import os
import platform
import re
import statistics
import subprocess
import sys
from collections import defaultdict


def load(path):
    data = defaultdict(list)
    if path and os.path.exists(path):
        for line in open(path):
            section, case, tool, metric, value = line.rstrip("\n").split("\t")
            if value != "":
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
    now, before = load(sys.argv[1]), load(sys.argv[2] if len(sys.argv) > 2 else None)
    out = []
    w = out.append
    cpu = re.search(r"model name\s*:\s*(.*)", open("/proc/cpuinfo").read())
    mem = int(re.search(r"MemTotal:\s*(\d+)", open("/proc/meminfo").read()).group(1)) / 1024 / 1024
    java = sh("java", "-version") or subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    commit = sh("git", "rev-parse", "--short", "HEAD")
    dirty = " (with uncommitted changes)" if sh("git", "status", "--porcelain", "--untracked-files=no") else ""
    w("# Benchmarks\n")
    w("Written by `bench/run.sh` (see the README); figures are **min / median / max** over repeated runs. "
      "Benchmarks are not tests: nothing in `mvn verify` asserts a time.\n")
    w("| | |\n|---|---|")
    w("| date | %s |" % datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
    w("| commit | `%s`%s |" % (commit, dirty))
    w("| machine | %s CPUs (`nproc`), %.1f GiB, %s |" % (os.cpu_count() and sh("nproc"), mem, cpu.group(1) if cpu else "?"))
    w("| kernel | %s |" % platform.release())
    w("| java | %s |" % java)
    loadavg = lambda when: (now.get(("machine", "load", when, "value")) or [None])[0]
    w("| load average (1 min) at start / end | %s / %s (a shared machine: other work ran beside the benchmark) |" % (loadavg("before"), loadavg("after")))
    w("| make, webhook, wrk | %s; webhook %s; %s |\n" % (sh("make", "--version").splitlines()[0],
                                                      sh("webhook", "-version").split()[-1] if sh("webhook", "-version") else "?",
                                                      (sh("sh", "-c", "wrk -v 2>&1").splitlines() or ["?"])[0].split(" [")[0]))
    if before:
        w("\"before\" is the median of the same figure in the earlier run `%s` (the conductor before the speed work).\n"
          % os.path.basename(sys.argv[2]))

    def b(key, fmt="{:.0f}"):
        v = med(before.get(key, []))
        return "" if not before else (" | " + (fmt.format(v) if v is not None else "–"))

    # 1. Orchestration
    w("## 1. Orchestration overhead: the suite pipeline vs `make -j%s`\n" % sh("nproc"))
    w("Generated workspaces with N modules (no images) and 5 CLI runtimes; every build command is the same "
      "for both tools. stella-release runs `release suite-2026.04-nova --dry-run --skip-tests` (a fresh JVM each "
      "time, so wall time includes JVM start-up); make runs the same DAG (modules after validate, runtimes after "
      "all modules, then helm, manifest, release) with the same commands, N + 5 exec calls. "
      "*Overhead per exec* = (stella wall − make wall) / (N + 5); *pipeline* is the sum of the stage "
      "durations stella-release records (JVM start and stop excluded), and *pipeline overhead per exec* "
      "= (pipeline − make wall) / (N + 5).\n")
    cases = sorted({k[1] for k in now if k[0] == "orch"}, key=lambda c: (c.split(" × ")[1], int(c.split(" × ")[0])))
    hb = " | before" if before else ""
    w("| N × command | make wall ms | stella wall ms%s | stella pipeline ms%s | ratio stella/make (median) | overhead per exec ms (wall) | pipeline overhead per exec ms%s | stella peak RSS MiB%s | make peak RSS MiB |" % (hb, hb, hb, hb))
    w("|---|---|---|---|---|---|---|---|---|" + ("---|" * 4 if before else ""))
    for c in cases:
        n = int(c.split(" × ")[0])
        g = lambda tool, m: now.get(("orch", c, tool, m), [])
        mk, st, pl = g("make", "wall_ms"), g("stella", "wall_ms"), g("stella", "pipeline_ms")
        per = [(s - m) / (n + 5) for s, m in zip(st, mk)]
        pper = [(p - m) / (n + 5) for p, m in zip(pl, mk)]
        ratio = med(st) / med(mk) if mk and med(mk) > 0 else float("nan")
        bper = ""
        if before:
            bst, bmk, bpl = (before.get(("orch", c, t, m), []) for t, m in
                             (("stella", "wall_ms"), ("make", "wall_ms"), ("stella", "pipeline_ms")))
            bper = " | " + ("{:.2f}".format((med(bpl) - med(bmk)) / (n + 5)) if bpl and bmk else "–")
        w("| %s | %s | %s%s | %s%s | %.1f | %s | %s%s | %s%s | %s |" % (
            c, mmm(mk), mmm(st), b(("orch", c, "stella", "wall_ms")), mmm(pl), b(("orch", c, "stella", "pipeline_ms")),
            ratio, mmm(per, "{:.2f}"), mmm(pper, "{:.2f}"), bper,
            mmm([v / 1024 for v in g("stella", "rss_kb")]), b(("orch", c, "stella", "rss_kb"), "{:.0f}") if not before else
            " | " + ("{:.0f}".format(med(before[("orch", c, "stella", "rss_kb")]) / 1024) if before.get(("orch", c, "stella", "rss_kb")) else "–"),
            mmm([v / 1024 for v in g("make", "rss_kb")], "{:.1f}")))
    reps = {c: len(now.get(("orch", c, "stella", "wall_ms"), [])) for c in cases}
    w("\nRuns per figure: %s.\n" % ", ".join("%s: %d" % (c, r) for c, r in reps.items()))

    # 1b. The speed change, A/B in the same run
    if any(k[0] == "ab" for k in now):
        w("### Process launch A/B, alternating in this run\n")
        w("The same 900 × `true` release with the JDK's default process launch (`POSIX_SPAWN`, via jspawnhelper) "
          "and with `-Djdk.lang.Process.launchMechanism=VFORK`; alternating, same jar (see the notes below).\n")
        w("| launch mechanism | wall ms | build-modules stage ms | build-modules per exec call ms (at parallelism %s) |" % sh("nproc"))
        w("|---|---|---|---|")
        for mech in ("POSIX_SPAWN", "VFORK"):
            st = now.get(("ab", "900 × true", mech, "build_modules_ms"), [])
            w("| %s | %s | %s | %s |" % (mech,
                                         mmm(now.get(("ab", "900 × true", mech, "wall_ms"), [])), mmm(st),
                                         mmm([v / 900 for v in st], "{:.2f}")))
        w("")

    # 2. Webhooks
    w("## 2. Webhook intake: `serve` vs adnanh/webhook\n")
    w("`wrk -t2 -c16` for the same duration against each, alternating (stella-release, webhook, stella-release, ...), "
      "each after a 3 s warm-up, same signed Gitea `create` bodies and headers, all on 127.0.0.1. adnanh/webhook "
      "checks the signature with a `payload-hmac-sha256` rule and runs `/bin/true`. stella-release starts each round "
      "with a fresh state directory. *Not a release tag*: one body (tag `v1.0.0`), verified, parsed, answered "
      "`202 ignored`. *Distinct release tags*: every request a different hotfix tag `suite-2026.04.N`, each recorded "
      "durably (fsync) before its `202 accepted`; these runs then execute in the background (at most 2 at once) "
      "with a cheap configuration: the checkout copies a prepared 9-module workspace whose commands are `true` "
      "(webhook runs have no dry-run switch; publishing sends nothing in this version).\n")
    w("| case | tool | requests/s%s | p50 ms%s | p99 ms%s | non-2xx | ratio of medians (req/s) |" % (hb, hb, hb))
    w("|---|---|---|---|---|---|---|" + ("---|" * 3 if before else ""))
    for c in sorted({k[1] for k in now if k[0] == "webhook"}, reverse=True):
        hook = med(now.get(("webhook", c, "webhook", "rps"), []))
        for tool in ("stella", "webhook"):
            g = lambda m: now.get(("webhook", c, tool, m), [])
            rps = med(g("rps"))
            ratio = "%.2f × webhook" % (rps / hook) if tool == "stella" and hook else ""
            w("| %s | %s | %s%s | %s%s | %s%s | %s | %s |" % (
                c, "stella-release" if tool == "stella" else "adnanh/webhook", mmm(g("rps")), b(("webhook", c, tool, "rps")),
                mmm(g("p50_ms"), "{:.2f}"), b(("webhook", c, tool, "p50_ms"), "{:.2f}"),
                mmm(g("p99_ms"), "{:.2f}"), b(("webhook", c, tool, "p99_ms"), "{:.2f}"),
                "%d" % sum(g("non2xx")), ratio))
    runs = now.get(("webhook", "distinct release tags (accepted)", "stella", "runs_recorded"), [])
    if runs:
        w("\nRuns recorded per round (warm-up included): %s.\n" % mmm(runs))

    # 3. Serve
    w("## 3. Start-up and footprint of `serve`\n")
    w("From launching `java -jar target/stella-release.jar serve` to the first 200 from `/observe/health`; idle RSS "
      "2 s later; then a dispatch message (HTTP) releases a 900-module workspace (commands `true`, no images) and "
      "RSS is sampled every 100 ms until the run succeeds.\n")
    w("| figure | value%s |" % hb)
    w("|---|---|" + ("---|" if before else ""))
    rows = [("start-up to healthy, ms", ("serve", "startup", "stella", "startup_ms"), 1, "{:.0f}"),
            ("idle RSS, MiB", ("serve", "idle", "stella", "rss_kb"), 1024, "{:.0f}"),
            ("peak RSS while 900 modules build, MiB", ("serve", "900 modules building", "stella", "rss_kb"), 1024, "{:.0f}"),
            ("900-module run, dispatch to succeeded, ms", ("serve", "900-module run (dispatch to done)", "stella", "run_ms"), 1, "{:.0f}")]
    for label, key, div, fmt in rows:
        bv = med(before.get(key, [])) if before else None
        w("| %s | %s%s |" % (label, mmm([v / div for v in now.get(key, [])], fmt),
                             (" | " + (fmt.format(bv / div) if bv is not None else "–")) if before else ""))
    w("")
    notes = os.path.join(os.path.dirname(os.path.abspath(__file__)), "NOTES.md")
    if os.path.exists(notes):
        w(open(notes).read())
    print("\n".join(out))


main()

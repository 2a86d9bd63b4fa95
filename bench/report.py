#!/usr/bin/env python3
"""Turns bench/run.sh's results.tsv (section, case, tool, metric, value) into docs/BENCHMARKS.md.

stella-release appears as the variants bench/run.sh measured: `before` (BASE_DIR, when given), `after-jar`
(`java -jar`) and `after` (bin/stella-release), all in the same run, alternating. Every target of issue #15 is a
ratio to a peer measured in the same run (GNU make, a minimal Camel application, adnanh/webhook) or a fixed bound;
the first table gathers them.
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
    "before": "stella-release **before** (BASE_DIR)",
    "after-jar": "stella-release after (`java -jar`)",
    "after": "stella-release **after** (`bin/stella-release`)",
}
HOOK_ACCEPTED = "distinct release tags (accepted, file store)"
CASE_IGNORED = "not a release tag (ignored)"
CASE_PG = "distinct release tags (accepted, PostgreSQL store)"

META = {}


def load(path):
    """Figures as lists of floats by (section, case, tool, metric); `meta` lines (commits) go to META."""
    data = defaultdict(list)
    for line in open(path):
        parts = line.rstrip("\n").split("\t")
        if len(parts) != 5:
            continue
        section, case, tool, metric, value = parts
        if section == "meta":
            META[case] = value
        elif value != "":
            try:
                data[(section, case, tool, metric)].append(float(value))
            except ValueError:
                pass
    return data


def sh(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True).stdout.strip()
    except OSError:
        return "?"


def mmm(values, fmt="{:.0f}"):
    if not values:
        return "–"
    if len(values) == 1:
        return fmt.format(values[0]) + " (1 run)"
    return "{} / **{}** / {}".format(fmt.format(min(values)), fmt.format(statistics.median(values)), fmt.format(max(values)))


def med(values):
    return statistics.median(values) if values else None


def fx(value, fmt="{:.2f}"):
    return "–" if value is None else fmt.format(value)


def ratio(a, b):
    return a / b if a is not None and b else None


def main():
    now = load(sys.argv[1])
    out = []
    w = out.append
    get = lambda *k: now.get(k, [])
    commit = META.get("commit") or sh("git", "rev-parse", "--short", "HEAD")
    dirty = " (with uncommitted changes)" if META.get("dirty") == "yes" else ""
    base = META.get("base", "")
    # The facts of the machine the run was on, as run.sh recorded them; read from this machine only for results
    # files older than that (the report may be written later, elsewhere).
    fact = lambda key, live: META.get(key) or live()
    nproc = fact("nproc", lambda: sh("nproc"))
    first = lambda k: (now.get(k) or [None])[0]

    def load_line(section):
        b, a = first(("load", section, "before", "value")), first(("load", section, "after", "value"))
        t0, t1 = first(("load", section, "before", "epoch")), first(("load", section, "after", "epoch"))
        took = " It took %.0f s." % (t1 - t0) if t0 is not None and t1 is not None else ""
        return "Load average (1 min) before / after this section: %s / %s.%s" % (fx(b, "{:.2f}"), fx(a, "{:.2f}"), took)

    w("# Benchmarks\n")
    w("Written by `bench/run.sh` (see the README); figures are **min / median / max** over repeated runs, ratios are "
      "of medians. Benchmarks are not tests: nothing in `mvn verify` asserts a time.\n")
    w("| | |\n|---|---|")
    w("| date | %s |" % (META.get("date") or datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")))
    w("| commit (after) | `%s`%s |" % (commit, dirty))
    if base:
        w("| commit (before) | `%s` |" % base)
    def live_machine():
        cpu = re.search(r"model name\s*:\s*(.*)", open("/proc/cpuinfo").read())
        mem = int(re.search(r"MemTotal:\s*(\d+)", open("/proc/meminfo").read()).group(1)) / 1024 / 1024
        return "%s CPUs (`nproc`), %.1f GiB, %s" % (nproc, mem, cpu.group(1) if cpu else "?")

    def live_tools():
        hook = sh("webhook", "-version")
        return "%s; webhook %s; %s" % (sh("make", "--version").splitlines()[0], hook.split()[-1] if hook else "?",
                                       (sh("sh", "-c", "wrk -v 2>&1").splitlines() or ["?"])[0].split(" [")[0])

    w("| machine | %s |" % fact("machine", live_machine))
    w("| kernel | %s |" % fact("kernel", platform.release))
    w("| java | %s |" % fact("java", lambda: subprocess.run([os.environ.get("JAVA", "java"), "-version"],
                                                           capture_output=True, text=True).stderr.splitlines()[0]))
    w("| load average (1 min) at start / end | %s / %s |" % (first(("machine", "load", "before", "value")),
                                                          first(("machine", "load", "after", "value"))))
    w("| make, webhook, wrk | %s |" % fact("tools", live_tools))
    if META.get("settings"):
        w("| settings | `%s` |" % META["settings"])
    w("")
    variants = [v for v in VARIANTS if any(k[2] == v and k[0] not in ("load", "machine") for k in now)]
    main_v = "after" if "after" in variants else (variants[-1] if variants else "after")

    # --- figures the targets use ---
    orch_cases = {k[1] for k in now if k[0] in ("orch", "huge")}
    def orch(c, tool, m):
        return get("orch", c, tool, m) + get("huge", c, tool, m)
    true_ns = sorted({int(c.split(" × ")[0]) for c in orch_cases if c.endswith("× true")})
    orch_true_ns = sorted({int(c.split(" × ")[0]) for c in orch_cases if c.endswith("× true")
                           and get("orch", c, "make", "wall_ms")})

    def marginal(tool, metric="wall_ms"):
        """(median at the largest N of the orchestration section − median at the smallest) / (N difference)."""
        if len(orch_true_ns) < 2:
            return None, None, None
        lo, hi = orch_true_ns[0], orch_true_ns[-1]
        a, b = med(get("orch", "%d × true" % hi, tool, metric)), med(get("orch", "%d × true" % lo, tool, metric))
        if a is None or b is None:
            return None, lo, hi
        return (a - b) / (hi - lo), lo, hi

    # --- Targets ---
    w("## Targets (issue #15), this run\n")
    w("Each figure is measured side by side in this run; the details are in the sections below.\n")
    w("| target | measured | goal | met |")
    w("|---|---|---|---|")

    missing = []

    def target(label, value, goal, ok, fmt="{:.2f}"):
        if value is None:
            missing.append(label)
            return
        # A negative figure is noise (e.g. the small run slower than the large one), never a met target.
        verdict = "noise (negative)" if value < 0 else ("yes" if ok(value) else "**no**")
        w("| %s | %s | %s | %s |" % (label, fx(value, fmt), goal, verdict))

    mk, lo, hi = marginal("make")
    for v in variants:
        mv, _, _ = marginal(v)
        target("marginal cost of an exec call, %s / make (N=%s vs %s, `true`)" % (v, hi, lo), ratio(mv, mk),
               "≤ 1.25 ×", lambda x: x <= 1.25)
    for v in variants:
        target("90 × `sleep 0.2` wall, %s / `make -j%s`" % (v, nproc),
               ratio(med(get("orch", "90 × sleep 0.2", v, "wall_ms")), med(get("orch", "90 × sleep 0.2", "make", "wall_ms"))),
               "≤ 1.05 ×", lambda x: x <= 1.05)
    minimal_start = med(get("serve", "startup", "minimal", "startup_ms"))
    serve_vs = [v for v in variants if get("serve", "startup", v, "startup_ms")]
    for v in serve_vs:
        target("`serve` start to healthy, %s / minimal Camel application" % v,
               ratio(med(get("serve", "startup", v, "startup_ms")), minimal_start), "≤ 1.0 ×", lambda x: x <= 1.0)
        target("`serve` idle RSS, %s, MiB" % v, ratio(med(get("serve", "idle", v, "rss_kb")), 1024), "≤ 150",
               lambda x: x <= 150, "{:.0f}")
        target("`serve` peak RSS while a 900-module run builds, %s, MiB" % v,
               ratio(med(get("serve", "900 modules building", v, "rss_kb")), 1024), "≤ 250", lambda x: x <= 250, "{:.0f}")
    hook = lambda c, m: med(get("webhook", c, "webhook", m))
    for v in [v for v in variants if any(k[0] == "webhook" and k[2] == v for k in now)]:
        s = lambda c, m: med(get("webhook", c, v, m))
        target("webhooks ignored, %s req/s / adnanh's" % v, ratio(s(CASE_IGNORED, "rps"), hook(CASE_IGNORED, "rps")),
               "≥ 4 ×", lambda x: x >= 4)
        target("webhooks accepted (file store), %s req/s / adnanh's" % v,
               ratio(s(HOOK_ACCEPTED, "rps"), hook(HOOK_ACCEPTED, "rps")), "≥ 1.0 ×", lambda x: x >= 1.0)
        target("webhooks accepted (file store), %s p99 / adnanh's p99" % v,
               ratio(s(HOOK_ACCEPTED, "p99_ms"), hook(HOOK_ACCEPTED, "p99_ms")), "≤ 1.0 ×", lambda x: x <= 1.0)
        target("webhooks accepted (PostgreSQL store), %s req/s / adnanh's (accepted)" % v,
               ratio(s(CASE_PG, "rps"), hook(HOOK_ACCEPTED, "rps")), "≥ 1.0 ×", lambda x: x >= 1.0)
        target("webhooks accepted (PostgreSQL store), %s p99 / adnanh's p99 (accepted)" % v,
               ratio(s(CASE_PG, "p99_ms"), hook(HOOK_ACCEPTED, "p99_ms")), "≤ 1.0 ×", lambda x: x <= 1.0)
    # Flatness: per module time and memory at the largest N against N=90.
    for v in variants:
        big = max([n for n in true_ns if orch("%d × true" % n, v, "wall_ms")] or [0])
        small = true_ns[0] if true_ns else None
        if big and big != 90 and small is not None and small < 90 and orch("90 × true", v, "wall_ms") \
                and orch("%d × true" % small, v, "wall_ms"):
            # Per module beyond the smallest run, so the JVM's start and the fixed stages cancel out.
            per = lambda n: (med(orch("%d × true" % n, v, "wall_ms")) - med(orch("%d × true" % small, v, "wall_ms"))) / (n - small)
            target("time per module, %s, N=%d / N=90 (marginal: (wall − wall at N=%d) / (N − %d))" % (v, big, small, small),
                   ratio(per(big), per(90)), "≈ 1 (flat)", lambda x: x <= 1.25)
            # Memory per module the same way: what each module beyond the smallest run adds to the peak (the JVM's
            # own footprint cancels out; a total that merely stays near the JVM's is not "per module").
            rss = lambda n: (med(orch("%d × true" % n, v, "rss_kb")) - med(orch("%d × true" % small, v, "rss_kb"))) / (n - small)
            target("peak RSS per module, %s, N=%d / N=90 (marginal: (peak − peak at N=%d) / (N − %d))" % (v, big, small, small),
                   ratio(rss(big), rss(90)), "≤ 1 (flat)", lambda x: x <= 1.25)
    scale_v = [k[2] for k in now if k[0] == "scale" and k[1] == "runs"]
    for v in scale_v[:1]:
        labels = [k[1] for k in now if k[0] == "scale" and k[2] == v and k[3] == "p99_ms"]
        worst = max((med(get("scale", l, v, "p99_ms")), l) for l in labels) if labels else (None, "")
        target("run API and dashboard, worst p99 ms with %d runs (%s)" % (first(("scale", "runs", v, "count")) or 0, worst[1]),
               worst[0], "< 50", lambda x: x < 50)
    if missing:
        w("\nNot measured in this run: %s." % "; ".join(missing))
    w("")

    # 1. Orchestration
    if any(k[0] == "orch" for k in now):
        w("## 1. Orchestration overhead: the suite pipeline vs `make -j%s`\n" % nproc)
        w("Generated workspaces with N modules (no images) and 5 CLI runtimes; every build command is the same "
          "for both tools. stella-release runs `release suite-2026.04-nova --dry-run --skip-tests` (a fresh JVM each "
          "time, so wall time includes JVM start-up); make runs the same DAG (modules after validate, runtimes after "
          "all modules, then helm, manifest, release) with the same commands, N + 5 exec calls. Tools alternate within "
          "each repetition. *CPU* is user + system time of the process and its children (the commands included), the "
          "figure least disturbed by other work on the machine. *Overhead per exec* = (wall − make's wall) / (N + 5); "
          "*pipeline* is the sum of the stage durations stella-release records (JVM start and stop excluded), and "
          "*pipeline overhead per exec* = (pipeline − make's wall) / (N + 5). *Peak RSS*: `/usr/bin/time`'s maximum "
          "resident set (for make, make itself).\n")
        cases = sorted({k[1] for k in now if k[0] == "orch"}, key=lambda c: (c.split(" × ")[1], int(c.split(" × ")[0])))
        w("| N × command | tool | wall ms | CPU ms | pipeline ms | wall / make (medians) | overhead per exec ms | "
          "pipeline overhead per exec ms | peak RSS MiB |")
        w("|---|---|---|---|---|---|---|---|---|")
        for c in cases:
            n = int(c.split(" × ")[0])
            g = lambda tool, m: get("orch", c, tool, m)
            mkw = g("make", "wall_ms")
            w("| %s | GNU make | %s | %s | | | | | %s |" % (c, mmm(mkw), mmm(g("make", "cpu_ms")),
                                                         mmm([v / 1024 for v in g("make", "rss_kb")], "{:.1f}")))
            for v in variants:
                st, pl = g(v, "wall_ms"), g(v, "pipeline_ms")
                if not st:
                    continue
                per = [(s - m) / (n + 5) for s, m in zip(st, mkw)]
                pper = [(p - m) / (n + 5) for p, m in zip(pl, mkw)]
                w("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                    c, VARIANTS[v], mmm(st), mmm(g(v, "cpu_ms")), mmm(pl), fx(ratio(med(st), med(mkw)), "{:.2f}"),
                    mmm(per, "{:.2f}"), mmm(pper, "{:.2f}"), mmm([x / 1024 for x in g(v, "rss_kb")])))
        reps = {c: len(get("orch", c, "make", "wall_ms")) for c in cases}
        w("\nRuns per figure: %s. %s\n" % (", ".join("%s: %d" % (c, r) for c, r in reps.items()), load_line("orch")))
        if lo is not None and hi is not None and lo != hi:
            w("### Marginal cost of an exec call\n")
            w("(median wall at N=%d − median wall at N=%d) / %d, `true` commands: the JVM's start and stop, the same at "
              "both sizes, cancel out. The pipeline column does the same with stella-release's recorded stage "
              "durations.\n" % (hi, lo, hi - lo))
            w("| tool | marginal wall per exec ms | / make's | marginal pipeline per exec ms | marginal CPU per exec ms |")
            w("|---|---|---|---|---|")
            mc, _, _ = marginal("make", "cpu_ms")
            w("| GNU make | %s | 1 | | %s |" % (fx(mk, "{:.3f}"), fx(mc, "{:.3f}")))
            for v in variants:
                mv, _, _ = marginal(v)
                mp, _, _ = marginal(v, "pipeline_ms")
                mcv, _, _ = marginal(v, "cpu_ms")
                w("| %s | %s | %s | %s | %s |" % (VARIANTS[v], fx(mv, "{:.3f}"), fx(ratio(mv, mk)), fx(mp, "{:.3f}"),
                                                 fx(mcv, "{:.3f}")))
            w("")

    # 1b. Flatness
    if len(true_ns) > 1:
        w("### From 90 to 9,000 modules: time per module and memory\n")
        w("`true` commands, medians (N=9,000: one run, `SIZES_HUGE`). *wall / N* includes the JVM's start, which "
          "weighs most at small N; *marginal* is (wall − wall at N=%d) / (N − %d), the cost of one more module; "
          "*pipeline / N* the recorded stage time per module. Peak RSS as above.\n" % (true_ns[0], true_ns[0]))
        w("| N | tool | runs | wall ms | wall / N ms | marginal ms per module | pipeline / N ms | peak RSS MiB |")
        w("|---|---|---|---|---|---|---|---|")
        for n in true_ns:
            c = "%d × true" % n
            for tool in ["make"] + variants:
                st = orch(c, tool, "wall_ms")
                if not st:
                    continue
                small = med(get("orch", "%d × true" % true_ns[0], tool, "wall_ms"))
                marg = (med(st) - small) / (n - true_ns[0]) if small is not None and n != true_ns[0] else None
                pl = orch(c, tool, "pipeline_ms")
                w("| %d | %s | %d | %.0f | %.3f | %s | %s | %.0f |" % (
                    n, "GNU make" if tool == "make" else VARIANTS[tool], len(st), med(st), med(st) / n,
                    fx(marg, "{:.3f}"), fx(med(pl) / n if pl else None, "{:.3f}"), med(orch(c, tool, "rss_kb")) / 1024))
        if any(k[0] == "huge" for k in now):
            w("\n" + load_line("huge"))
        w("")

    # 2. Serve
    serve_variants = [v for v in variants if any(k[0] == "serve" and k[2] == v for k in now)]
    if serve_variants or get("serve", "startup", "minimal", "startup_ms"):
        w("## 2. Start-up and footprint of `serve` vs a minimal Camel application\n")
        w("From launching to the first 200 from `/observe/health`, alternating, a fresh process each time. `serve` is "
          "started the documented way (`bin/stella-release serve`, release configuration and properties of the bench); "
          "the minimal Camel application is `bench/minimal-camel` (camel-main, camel-platform-http-main on Vert.x, "
          "camel-health, camel-yaml-dsl, logback; one YAML route; health checks on `/observe/health` on the same port) "
          "started with plain `java -jar` on the same `java`. Idle RSS 2 s after healthy. Then (serve only) a dispatch "
          "message (HTTP) releases a 900-module workspace (commands `true`, no images) and RSS is sampled every 100 ms "
          "until the run succeeds.\n")
        cols = serve_variants + (["minimal"] if get("serve", "startup", "minimal", "startup_ms") else [])
        label = lambda v: "minimal Camel application" if v == "minimal" else VARIANTS[v]
        w("| figure | " + " | ".join(label(v) for v in cols) + " |")
        w("|---|" + "---|" * len(cols))
        rows = [("start-up to healthy, ms", "startup", "startup_ms", 1),
                ("idle RSS, MiB", "idle", "rss_kb", 1024),
                ("peak RSS while 900 modules build, MiB", "900 modules building", "rss_kb", 1024),
                ("900-module run, dispatch to succeeded, ms", "900-module run (dispatch to done)", "run_ms", 1)]
        for lab, case, metric, div in rows:
            w("| %s | %s |" % (lab, " | ".join(mmm([x / div for x in get("serve", case, v, metric)]) for v in cols)))
        if minimal_start:
            w("| start-up / minimal's (medians) | %s |" % " | ".join(
                fx(ratio(med(get("serve", "startup", v, "startup_ms")), minimal_start)) for v in cols))
        w("\nRuns per figure: %d. %s\n" % (len(get("serve", "startup", cols[0], "startup_ms")), load_line("serve")))

    # 3. Webhooks
    if any(k[0] == "webhook" for k in now):
        w("## 3. Webhook intake: `serve` vs adnanh/webhook\n")
        w("`wrk -t2 -c16` against each, same signed Gitea `create` bodies and headers, all on 127.0.0.1. Each tool is "
          "measured in its own block: every stella-release round first, then every adnanh/webhook round (it spawns a "
          "process per request, thousands a second, which slows a JVM measured right after it). A round is a fresh "
          "process: stella-release gets a warm-up of load (`WARMUP_SECONDS`, same kind of request, other tags) before "
          "the measured seconds, as its JIT needs; adnanh/webhook 3 s. adnanh/webhook checks the signature with a "
          "`payload-hmac-sha256` rule and runs `/bin/true`. *Not a release tag*: one body (tag `v1.0.0`), verified, "
          "parsed, answered `202 ignored`. *Distinct release tags*: every request a different hotfix tag "
          "`suite-2026.04.N`, each recorded durably before its `202 accepted` — with the file store (state directory, "
          "file and directory flushed) or with PostgreSQL as the store (`stella.store.url`, a fresh schema per round; "
          "its peer is adnanh/webhook's accepted figure). Accepted runs then start in the background (at most 2 at "
          "once, at a lower priority: `stella.runs.nice`): with the file store the round's release history holds suite "
          "2026.04, so each run executes every stage of a cheap release (the checkout copies a prepared 9-module "
          "workspace whose commands are `true`) beside the intake; with PostgreSQL the history is the database's, "
          "empty, and the runs fail at validation within milliseconds.\n")
        w("| case | tool | rounds | requests/s | p50 ms | p99 ms | non-2xx | req/s vs adnanh | p99 vs adnanh | warm-up req/s |")
        w("|---|---|---|---|---|---|---|---|---|---|")
        order = [CASE_IGNORED, HOOK_ACCEPTED, CASE_PG]
        cases = [c for c in order if any(k[0] == "webhook" and k[1] == c for k in now)]
        cases += sorted({k[1] for k in now if k[0] == "webhook"} - set(cases))
        for c in cases:
            peer = HOOK_ACCEPTED if c == CASE_PG else c
            hr, hp = hook(peer, "rps"), hook(peer, "p99_ms")
            for tool in [v for v in variants if v != "after-jar"] + ["webhook"]:
                g = lambda m: get("webhook", c, tool, m)
                if not g("rps"):
                    continue
                own = tool == "webhook"
                w("| %s | %s | %d | %s | %s | %s | %d | %s | %s | %s |" % (
                    c, "adnanh/webhook" if own else VARIANTS[tool], len(g("rps")), mmm(g("rps")),
                    mmm(g("p50_ms"), "{:.2f}"), mmm(g("p99_ms"), "{:.2f}"), sum(g("non2xx")),
                    "" if own else fx(ratio(med(g("rps")), hr), "{:.2f} ×"),
                    "" if own else fx(ratio(med(g("p99_ms")), hp), "{:.2f} ×"),
                    mmm(g("warmup_rps"))))
        for v in variants:
            runs = get("webhook", HOOK_ACCEPTED, v, "runs_recorded")
            if runs:
                sent = [1 + a + b for a, b in zip(get("webhook", HOOK_ACCEPTED, v, "warmup_requests"),
                                                  get("webhook", HOOK_ACCEPTED, v, "requests"))]
                w("\nFile store, %s: run records in the state directory after a round: %s; requests answered in the "
                  "round (the first, the warm-up's and the measured ones, all distinct tags and deliveries; wrk does not count "
                  "the up to 2 × 16 in flight when it stops): %s." % (
                      v, mmm(runs), mmm(sent)))
        distinct = float(META.get("hotfixes", "0") or 0) - 2
        over = [c for c in cases for t in variants + ["webhook"]
                if any(x > distinct for x in get("webhook", c, t, "requests")) and c != CASE_IGNORED]
        if distinct > 0 and over:
            w("\n**A measured round sent more requests than there are distinct tags (%d): tags repeated, the repeats "
              "were duplicates** (%s). Raise HOTFIXES." % (distinct, ", ".join(sorted(set(over)))))
        w("\nstella-release's block: %s adnanh/webhook's block: %s\n" % (load_line("webhook-stella"), load_line("webhook-hook")))

    # 4. Scale
    if any(k[0] == "scale" for k in now):
        w("## 4. The run API and the dashboard with many runs in the store\n")
        for v in scale_v[:1]:
            w("`serve` (%s, file store) with %d runs in its state directory, counted through `/api/v1/runs` page by "
              "page: one real run (a webhook, run to its end: it fails at validation like every webhook run of the bench) and finished records made from it by "
              "`bench/gen.py runs` (own id, tag, delivery and times; one in ten failed), which `serve` reads at start "
              "as its own. Accepted webhooks would be the real path but stay queued and execute for hours, 2 at a "
              "time, so they are not used here. Retention is raised for this section (it keeps 1,000 by default). "
              "Each endpoint: `wrk -t1 -c4` for %s s; the dashboard page asks the run API for the newest 50 runs and "
              "`/api/v1/releases` every 2 s, and a run's page `/api/v1/runs/<id>` every second.\n" % (
                  VARIANTS[v], first(("scale", "runs", v, "count")) or 0,
                  re.search(r"SCALE_SECONDS=(\S+)", META.get("settings", "")).group(1)
                  if re.search(r"SCALE_SECONDS=(\S+)", META.get("settings", "")) else "a few"))
            w("| endpoint | requests/s | p50 ms | p99 ms | non-2xx |")
            w("|---|---|---|---|---|")
            for l in [k[1] for k in now if k[0] == "scale" and k[2] == v and k[3] == "p99_ms"]:
                g = lambda m: get("scale", l, v, m)
                w("| `%s` | %s | %s | %s | %d |" % (l, fx(med(g("rps")), "{:.0f}"), fx(med(g("p50_ms"))),
                                                   fx(med(g("p99_ms"))), sum(g("non2xx"))))
            w("\nStart-up to healthy with the runs: %s ms; idle RSS with them: %s MiB. %s\n" % (
                fx(med(get("scale", "start-up with the runs", v, "startup_ms")), "{:.0f}"),
                fx(ratio(med(get("scale", "idle RSS with the runs", v, "rss_kb")), 1024), "{:.0f}"), load_line("scale")))

    notes = os.path.join(os.path.dirname(os.path.abspath(__file__)), "NOTES.md")
    if os.path.exists(notes):
        w(open(notes).read())
    print("\n".join(out))


main()

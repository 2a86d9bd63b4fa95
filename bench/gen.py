#!/usr/bin/env python3
"""Generates the benchmark's inputs: workspaces, release configurations, Makefiles, webhook bodies.

Used by bench/run.sh only; every file lands in the bench's scratch directory, never in the repository.
"""
import hashlib
import hmac
import json
import os
import shutil
import sys
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join(REPO, "examples", "stellaops")
RUNTIMES = ["linux-x64", "linux-arm64", "win-x64", "osx-x64", "osx-arm64"]


def modules(n):
    return ["M%04d" % i for i in range(1, n + 1)]


def workspace(dest, n, hotfixes=0):
    """A workspace with n modules (no version.txt: they take the suite version), the example's chart and
    checklist, and a changelog with a section for 2026.04 and for each hotfix 2026.04.1..hotfixes."""
    os.makedirs(dest, exist_ok=True)
    shutil.copytree(os.path.join(EXAMPLE, "devops"), os.path.join(dest, "devops"), dirs_exist_ok=True)
    shutil.copytree(os.path.join(EXAMPLE, "docs"), os.path.join(dest, "docs"), dirs_exist_ok=True)
    with open(os.path.join(dest, "CHANGELOG.md"), "w") as f:
        f.write("# Changelog\n\n## [2026.04] - 2026-04-15\n\nBenchmark workspace.\n")
        for h in range(1, hotfixes + 1):
            f.write("\n## [2026.04.%d] - 2026-04-16\n" % h)
    for m in modules(n):
        os.makedirs(os.path.join(dest, "src", m), exist_ok=True)


def config(dest, ws, out, n, command, checkout=None):
    """A release.yaml like the default one, with n modules without images, builds whose result is their exit
    code (modules.packages: null, cli.archive: null), and `command` for modules, runtimes and test suites."""
    cmd = json.dumps(command)
    lines = [
        "workspace: %s" % json.dumps(ws),
        "output: %s" % json.dumps(out),
        "parallelism: 0",
        "rules:",
        '  suiteMonths: ["04", "10"]',
        "  changelog: CHANGELOG.md",
        "  checklist: docs/release/CHECKLIST.md",
        "  checklistRequiredFor: [stable, lts]",
        "codenames:",
        '  "2026.04": Nova',
        '  "2026.10": Orion',
        "channels:",
        "  edge: { prerelease: true }",
        "  stable: { standardSupport: P9M }",
        '  lts: { months: ["04"], standardSupport: P3Y, securitySupport: P5Y }',
        "testGate:",
        "  timeout: PT30M",
        "  suites:",
        "    - { name: unit, command: %s }" % cmd,
        "modules:",
        "  command: %s" % cmd,
        "  timeout: PT20M",
        "  packages: null",
        "  publishDir: publish",
        "  items:",
    ]
    lines += ["    - { name: %s, path: src/%s, image: false }" % (m, m) for m in modules(n)]
    lines += [
        "containers:",
        "  repository: git.stella-ops.org/stella-ops.org/{module}",
        "  baseImage: scratch",
        "  appRoot: /app",
        '  entrypoint: [dotnet, "/app/StellaOps.{module}.dll"]',
        '  tags: ["{version}", "{channel}", latest]',
        "cli:",
        "  command: %s" % cmd,
        "  timeout: PT20M",
        "  runtimes: %s" % json.dumps(RUNTIMES),
        "  archive: null",
        "  zipRuntimes: [win-x64]",
        "helm:",
        "  chart: devops/helm/stellaops",
        '  package: "{name}-{version}.tgz"',
        "  lint: [helm, lint]",
        "gitea:",
        "  url: https://git.stella-ops.org",
        "  owner: stella-ops.org",
        "  repo: git.stella-ops.org",
        '  title: "StellaOps {version} {codename}"',
        "  draft: false",
        "checkout:",
        "  mirror: null",
        # Webhook runs get a copy of a prepared workspace instead of a network clone.
        "  command: %s" % json.dumps(checkout or ["sh", "-c", "exit 1"]),
        '  protocols: "file"',
        "  timeout: PT10M",
        '  workspace: "."',
    ]
    with open(dest, "w") as f:
        f.write("\n".join(lines) + "\n")


def makefile(dest, n, command):
    """The pipeline's stage DAG as make targets: every module after validate, every runtime after all modules
    (and the empty containers stage), then helm, manifest, release; stages without a command are empty."""
    recipe = "\t" + " ".join(command) + "\n"
    ms = ["mod-" + m for m in modules(n)]
    rs = ["cli-" + r for r in RUNTIMES]
    out = [".PHONY: all validate modules containers cli helm manifest release " + " ".join(ms + rs), "",
           "all: release", "validate:", "modules: " + " ".join(ms), "containers: modules", "cli: " + " ".join(rs),
           "helm: cli", "manifest: helm", "release: manifest", ""]
    text = "\n".join(out)
    text += "".join("%s: validate\n%s" % (t, recipe) for t in ms)
    text += "".join("%s: containers\n%s" % (t, recipe) for t in rs)
    with open(dest, "w") as f:
        f.write(text)


def gitea_body(tag, delivery):
    """The real Gitea `create` sample with another tag, compact as Gitea sends it."""
    with open(os.path.join(REPO, "src", "test", "resources", "gitea", "webhooks", "gitea-create-tag.json")) as f:
        sample = json.load(f)
    sample["ref"] = tag
    sample["repository"]["clone_url"] = "https://git.example.org/stella-ops.org/stellaops.git"
    return json.dumps(sample, separators=(",", ":"))


def bodies(dest, secret, tags):
    """One line per request: signature, tab, body."""
    with open(dest, "w") as f:
        for i, tag in enumerate(tags):
            body = gitea_body(tag, i)
            sig = hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()
            f.write(sig + "\t" + body + "\n")


def hooks(dest, secret):
    """adnanh/webhook: one hook that checks the Gitea signature over the payload and runs /bin/true."""
    hook = [{"id": "gitea", "execute-command": "/bin/true", "response-message": "accepted",
             "trigger-rule": {"match": {"type": "payload-hmac-sha256", "secret": secret,
                                        "parameter": {"source": "header", "name": "X-Gitea-Signature"}}}}]
    with open(dest, "w") as f:
        json.dump(hook, f)


def runs(template, count):
    """`count` finished run records beside `template` (a real run's record, state/runs/<id>.json), one a minute
    back from the template's time: every one with its own id, hotfix tag, version and delivery, every tenth
    failed (with an error), the others succeeded. They share the template's release directory.
    The service reads them at start-up as it reads its own."""
    import datetime
    import random
    with open(template) as f:
        base = json.load(f)
    runs_dir = os.path.dirname(template)
    t0 = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    rnd = random.Random(7)
    iso = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")
    for i in range(1, count + 1):
        created = t0 - datetime.timedelta(minutes=i)
        rec = dict(base)
        rec["id"] = created.strftime("%Y%m%d-%H%M%S") + "-" + "%x" % rnd.randrange(0x10000, 0x100000)
        n = 100000 + i
        rec["tag"] = "suite-2026.04.%d" % n
        rec["version"] = "2026.04.%d" % n
        rec["deliveries"] = ["bench-stored-%d" % i]
        rec["createdAt"] = iso(created)
        rec["startedAt"] = iso(created + datetime.timedelta(seconds=1))
        rec["finishedAt"] = iso(created + datetime.timedelta(seconds=20))
        upper = str(base.get("state", "")).isupper()
        if i % 10 == 0:
            rec["state"] = "FAILED" if upper else "failed"
            rec["error"] = "stage build-modules failed: M0003 exited with 1 (benchmark record)"
        else:
            rec["state"] = "SUCCEEDED" if upper else "succeeded"
            rec["error"] = None
        with open(os.path.join(runs_dir, rec["id"] + ".json"), "w") as f:
            json.dump(rec, f)


def count_runs(base_url):
    """How many runs the service lists: /api/v1/runs page after page."""
    total, cursor = 0, None
    while True:
        url = base_url + "/api/v1/runs?limit=200" + ("&cursor=" + urllib.request.quote(cursor) if cursor else "")
        with urllib.request.urlopen(url) as r:
            page = json.load(r)
        total += len(page["runs"])
        cursor = page.get("next")
        if not cursor:
            return total


def count_run_files(runs_dir):
    """Runs in a file store: a file of their own (<id>.json), or only P records in the group-committed journal
    (journal-N.log: frames of a 4-byte length, a 4-byte CRC-32 and a payload 'P' + JSON or 'D' + id)."""
    import glob, os, struct
    ids = {os.path.basename(f)[:-5] for f in glob.glob(os.path.join(runs_dir, "*.json"))}
    deleted = set()
    for journal in sorted(glob.glob(os.path.join(runs_dir, "journal-*.log"))):
        data = open(journal, "rb").read()
        at = 0
        while at + 8 <= len(data):
            (length,) = struct.unpack(">i", data[at:at + 4])
            payload = data[at + 8:at + 8 + length]
            if length <= 0 or len(payload) < length:
                break
            at += 8 + length
            if payload[:1] == b"P":
                ids.add(json.loads(payload[1:])["id"])
            elif payload[:1] == b"D":
                deleted.add(payload[1:].decode())
    return len(ids - deleted)


if __name__ == "__main__":
    what, args = sys.argv[1], sys.argv[2:]
    if what == "workspace":
        workspace(args[0], int(args[1]), int(args[2]) if len(args) > 2 else 0)
    elif what == "config":
        config(args[0], args[1], args[2], int(args[3]), args[4].split(" "), json.loads(args[5]) if len(args) > 5 else None)
    elif what == "makefile":
        makefile(args[0], int(args[1]), args[2].split(" "))
    elif what == "bodies-release":
        bodies(args[0], args[1], ["suite-2026.04.%d" % i for i in range(1, int(args[2]) + 1)])
    elif what == "bodies-warm":
        # Release tags of another version, for warm-ups: the measured round's tags stay new.
        bodies(args[0], args[1], ["suite-2026.10.%d" % i for i in range(1, int(args[2]) + 1)])
    elif what == "runs":
        runs(args[0], int(args[1]))
    elif what == "count-run-files":
        print(count_run_files(args[0]))
    elif what == "count-runs":
        print(count_runs(args[0]))
    elif what == "bodies-other":
        bodies(args[0], args[1], ["v1.0.%d" % i for i in range(int(args[2]))])
    elif what == "hooks":
        hooks(args[0], args[1])
    else:
        sys.exit("unknown: " + what)

#!/usr/bin/env python3
"""genruns.py STATE N TEMPLATE_RELEASE_DIR: N run records in STATE/runs/ as RunRegistry writes them; the newest 20
succeeded runs get a copy of TEMPLATE_RELEASE_DIR (state.json's id set to the run's) as their release dir."""
import json, os, sys, shutil, random, datetime
state, n, tmpl = os.path.abspath(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
runs = os.path.join(state, "runs"); os.makedirs(runs, exist_ok=True)
rel = os.path.join(state, "releases"); os.makedirs(rel, exist_ok=True)
random.seed(15)
t0 = datetime.datetime(2026, 11, 1, tzinfo=datetime.timezone.utc)
ids = []
for i in range(n):
    at = t0 + datetime.timedelta(seconds=i * 7)
    rid = at.strftime("%Y%m%d-%H%M%S") + "-%05x" % random.randint(0x10000, 0xfffff)
    st = "failed" if i % 10 == 3 else "succeeded"
    rec = {"id": rid, "kind": "suite", "tag": "suite-2026.04.%d-nova" % (i + 1), "version": "2026.04.%d" % (i + 1),
           "source": "webhook", "deliveries": ["d-%d" % i], "cloneUrl": "https://git.example/x.git", "commit": "%040x" % i,
           "dryRun": False, "skipTests": False, "state": st, "attempts": 1,
           "createdAt": at.isoformat().replace("+00:00", "Z"), "startedAt": at.isoformat().replace("+00:00", "Z"),
           "finishedAt": (at + datetime.timedelta(seconds=3)).isoformat().replace("+00:00", "Z"),
           "releaseDir": None, "error": "exit code 1" if st == "failed" else None, "skipNuget": False, "skipContainer": False}
    ids.append((rid, rec))
for rid, rec in ids[-20:]:
    d = os.path.join(rel, rid); shutil.copytree(tmpl, d, dirs_exist_ok=True)
    sj = os.path.join(d, "state.json"); s = json.load(open(sj)); s["id"] = rid; json.dump(s, open(sj, "w"), indent=2)
    rec["releaseDir"] = d
for rid, rec in ids:
    with open(os.path.join(runs, rid + ".json"), "w") as f:
        json.dump(rec, f, indent=2)
print(ids[-1][0])

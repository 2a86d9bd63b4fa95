#!/usr/bin/env python3
"""genhistory.py HISTORY_DIR N: N suite manifests (9 modules) as record-history keeps them: 2026.04 then hotfixes."""
import os, sys, datetime
d = os.path.join(sys.argv[1], "suites"); os.makedirs(d, exist_ok=True)
n = int(sys.argv[2]); t0 = datetime.datetime(2026, 4, 15, tzinfo=datetime.timezone.utc)
for i in range(n):
    v = "2026.04" if i == 0 else "2026.04.%d" % i
    tag = "suite-%s-nova" % v
    at = (t0 + datetime.timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
    hot = "" if i == 0 else '  hotfixOf: "2026.04"\n'
    mods = "".join('- name: M%04d\n  version: "%s"\n' % (m, v) for m in range(1, 10))
    open(os.path.join(d, tag + ".yaml"), "w").write(
        'schema: stella-release/v1\nsuite:\n  version: "%s"\n  codename: Nova\n  channel: stable\n  tag: %s\n%s  commit: null\n'
        '  releasedAt: %s\n  dryRun: false\nmodules:\n%s' % (v, tag, hot, at, mods))

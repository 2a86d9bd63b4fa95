#!/usr/bin/env bash
# Runs all the tests: installs what they need, then `mvn -B verify`.
# The tests use real processes (bash, git, sha256sum, tar, unzip, gpg, minisign); they fail, never skip, when one is missing.
set -euo pipefail
cd "$(dirname "$0")"

need=()
# chromium and chromedriver: the dashboard tests drive Debian's headless Chromium with Selenium.
# gpg and gpgconf (gnupg): SignedSbomReleaseTest checks the release's signature with gpg --verify.
# minisign: MinisignTest, MinisignDryRunTest and SignedSbomReleaseTest make keys with minisign -G and check with minisign -V.
# prometheus: the post-release watch tests (WatchServiceTest, WatchRestartTest) query a real Prometheus.
for tool in git bash sha256sum tar unzip zip docker-registry skopeo chromium chromedriver gpg gpgconf minisign prometheus; do
  command -v "$tool" >/dev/null 2>&1 || need+=("$tool")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "test.sh: installing missing tools: ${need[*]}"
  pkgs=()
  for tool in "${need[@]}"; do
    case "$tool" in sha256sum) pkgs+=(coreutils) ;; chromedriver) pkgs+=(chromium-driver) ;; gpg | gpgconf) pkgs+=(gnupg) ;; *) pkgs+=("$tool") ;; esac
  done
  apt-get update -qq && apt-get install -y -qq "${pkgs[@]}"
fi

# The RabbitMQ tests use the broker on this machine; start it when nothing listens.
if ! (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null; then
  echo "test.sh: starting RabbitMQ (rabbitmq-server -detached)"
  rabbitmq-server -detached
  for _ in $(seq 1 60); do
    (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null && break
    sleep 1
  done
fi

# The PostgreSQL tests (shared store, database backup and rollback) use the server on this machine; start it when
# nothing listens (Debian's cluster, as the machine starts it).
if ! (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null && [ -d /etc/postgresql ]; then
  echo "test.sh: starting PostgreSQL (pg_ctlcluster)"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
  for _ in $(seq 1 30); do
    (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null && break
    sleep 1
  done
fi

mvn -B verify "$@"

#!/usr/bin/env bash
# Runs all the tests: installs what they need, then `mvn -B verify`.
# The tests use real processes (bash, git, sha256sum, tar, unzip, gpg, minisign); they fail, never skip, when one is missing.
set -euo pipefail
cd "$(dirname "$0")"

need=()
# chromium and chromedriver: the dashboard tests drive Debian's headless Chromium with Selenium.
# gpg and gpgconf (gnupg): SignedSbomReleaseTest checks the release's signature with gpg --verify.
# minisign: MinisignTest, MinisignDryRunTest and SignedSbomReleaseTest make keys with minisign -G and check with minisign -V.
for tool in git bash sha256sum tar unzip zip docker-registry skopeo chromium chromedriver gpg gpgconf minisign; do
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

mvn -B verify "$@"

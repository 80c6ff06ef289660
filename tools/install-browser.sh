#!/usr/bin/env bash
# Install Debian's Chromium for the site's browser tests, if it is missing and this machine allows it.
# Never fails the build: the tests skip with a clear message when no browser could be installed.
command -v chromium >/dev/null 2>&1 && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "note: chromium is not installed and apt-get is not usable here; the browser tests will be skipped" >&2
  exit 0
fi
echo "installing Debian's chromium for the browser tests…"
export DEBIAN_FRONTEND=noninteractive
(apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null) \
  || echo "note: could not install chromium; the browser tests will be skipped" >&2
exit 0

#!/usr/bin/env bash
# Install Debian's Chromium for the site's browser tests, if it is missing and this machine allows it.
# Never fails the build: the tests skip with a clear message when no browser could be installed.
# Says what it installs and why before doing so (BOOK_LANG=en: in English).
say() { case "${BOOK_LANG:-}" in en*|EN*|En*) echo "$2" >&2 ;; *) echo "$1" >&2 ;; esac; }
command -v chromium >/dev/null 2>&1 && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  say "注意：本机没有 chromium，也无法用 apt-get 安装（需要 root）：网站的浏览器测试将跳过" \
      "note: chromium is not installed and apt-get is not usable here; the browser tests will be skipped"
  exit 0
fi
say "为网站的浏览器测试（截图、中文排版）用 apt-get 安装 Debian 的 chromium 与中文字体 fonts-noto-cjk（几百 MB，只装一次）…" \
    "installing Debian's chromium and the CJK fonts fonts-noto-cjk with apt-get for the site's browser tests (a few hundred MB, once)…"
export DEBIAN_FRONTEND=noninteractive
(apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null) \
  || say "注意：无法安装 chromium：网站的浏览器测试将跳过" "note: could not install chromium; the browser tests will be skipped"
exit 0

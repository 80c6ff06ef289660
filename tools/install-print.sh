#!/usr/bin/env bash
# Install what the print outputs need and pip cannot bring: the Noto CJK fonts (make pdf) and a Java runtime
# (EPUBCheck, for make epub), when missing and this machine allows it (root, apt). One announced step.
# Never fails the build: make pdf names the missing package itself, and under CI=true the print tests fail.
need=()
fc-list 2>/dev/null | grep -q "Noto Serif CJK SC" || need+=(fonts-noto-cjk)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "提示：缺少 ${need[*]}，本机无法用 apt-get 安装；印刷版的测试会跳过（CI=true 时失败）" >&2
  exit 0
fi
echo "安装印刷版所需的系统软件包：${need[*]}（Noto CJK 字体用于 PDF，Java 用于 EPUB 检查）…"
export DEBIAN_FRONTEND=noninteractive
(apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null) \
  || echo "提示：无法安装 ${need[*]}；印刷版的测试会跳过（CI=true 时失败）" >&2
exit 0

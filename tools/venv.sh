#!/usr/bin/env bash
# Creates the toolchain's virtual environment for `make`: tools/venv.sh PYTHON VENV [ORIGIN]
# ORIGIN is make's $(origin PYTHON): "file" when PYTHON is the Makefile's default (python3); then, if python3 is too
# old, a newer python3.X on the PATH is taken instead. A PYTHON the author named is used as it is.
#
# A .venv is reused only when it is complete: its Python runs, is new enough, and the marker written after a
# successful `python -m venv` is there. Anything else (left by an interrupted run, by an older Python, by a venv
# without pip) is removed and made again, so that fixing the cause and typing `make check` again is all it takes.
# Every line it prints is one sentence in the author's language (BOOK_LANG=en: English).
set -u
python=${1:-python3}
venv=${2:-.venv}
origin=${3:-command line}
marker="$venv/.venv-created"
want_major=3 want_minor=11

say() {  # say ZH EN: one line on stderr in the author's language
  case "${BOOK_LANG:-}" in en*|EN*) echo "$2" >&2 ;; *) echo "$1" >&2 ;; esac
}

# The version of a Python as "3.11.7", or nothing when it does not run.
version_of() { "$1" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null; }
new_enough() { "$1" -c "import sys; sys.exit(sys.version_info < ($want_major, $want_minor))" 2>/dev/null; }

# (.installed: the stamp of a complete install, which venvs made before this marker existed carry.)
if { [ -f "$marker" ] || [ -f "$venv/.installed" ]; } && new_enough "$venv/bin/python"; then
  exit 0
fi

have=$(version_of "$python")
if { [ -z "$have" ] || ! new_enough "$python"; } && [ "$origin" = file ]; then
  for newer in python3.14 python3.13 python3.12 python3.11; do
    if command -v "$newer" >/dev/null 2>&1 && new_enough "$newer"; then
      say "$python 是 ${have:-无法运行的程序}，改用 $newer" "$python is ${have:-not runnable}: using $newer instead"
      python=$newer have=$(version_of "$newer")
      break
    fi
  done
fi
if ! command -v "$python" >/dev/null 2>&1; then
  say "找不到 $python：请安装 Python $want_major.$want_minor 或更新版本（Debian/Ubuntu：sudo apt install python3.11 python3.11-venv；macOS：brew install python@3.12），然后再运行 make check" \
      "$python not found: install Python $want_major.$want_minor or newer (Debian/Ubuntu: sudo apt install python3.11 python3.11-venv; macOS: brew install python@3.12), then run make check again"
  exit 2
fi
if [ -z "$have" ] || ! new_enough "$python"; then
  say "需要 Python $want_major.$want_minor 或更新版本，而 $python 是 ${have:-无法运行的程序}：请安装 Python 3.11+（Debian/Ubuntu：sudo apt install python3.11 python3.11-venv；macOS：brew install python@3.12），然后再运行 make check，或用 make check PYTHON=python3.11 指定" \
      "Python $want_major.$want_minor or newer is needed, but $python is ${have:-not runnable}: install Python 3.11+ (Debian/Ubuntu: sudo apt install python3.11 python3.11-venv; macOS: brew install python@3.12), then run make check again, or name it: make check PYTHON=python3.11"
  exit 2
fi

if [ -d "$venv" ] && [ -z "$(ls -A "$venv")" ]; then  # an empty folder: what an interrupted venv leaves first
  rmdir "$venv"
fi
if [ -e "$venv" ]; then
  if [ ! -f "$venv/pyvenv.cfg" ]; then  # not a virtual environment: someone else's folder, never removed here
    say "$venv 已存在但不是 Python 虚拟环境（其中没有 pyvenv.cfg）：请移走它，或用 make check VENV=其他目录" \
        "$venv exists but is not a Python virtual environment (no pyvenv.cfg in it): move it away, or use make check VENV=another-folder"
    exit 2
  fi
  old=$(version_of "$venv/bin/python")
  say "删除上次没有建好的 $venv${old:+（Python $old）}，重新创建…" \
      "removing the incomplete $venv${old:+ (Python $old)} left by an earlier try, and creating it again…"
  rm -rf "$venv"
fi

say "用 $python（Python $have）创建 $venv（Python 虚拟环境）…" "creating $venv (a Python virtual environment) with $python (Python $have)…"
if ! log=$("$python" -m venv "$venv" 2>&1); then
  rm -rf "$venv"
  if grep -qi ensurepip <<<"$log"; then
    say "缺少 python3-venv（venv 需要的 ensurepip）：Debian/Ubuntu 上运行 sudo apt install python${have%.*}-venv，然后再运行 make check" \
        "python3-venv is missing (venv needs ensurepip): on Debian/Ubuntu run sudo apt install python${have%.*}-venv, then run make check again"
  else
    say "无法创建 $venv：$(tail -n 1 <<<"$log")" "cannot create $venv: $(tail -n 1 <<<"$log")"
  fi
  exit 2
fi
touch "$marker"

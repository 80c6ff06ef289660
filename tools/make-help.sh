#!/usr/bin/env bash
# `make help` and the answer to a target the Makefile does not have, from the Makefile's own `#> 中文 | English`
# lines (the line above each target). Plain bash and awk: it must work before .venv, or any Python, exists.
#   tools/make-help.sh list MAKEFILE
#   tools/make-help.sh suggest MAKEFILE TARGET
set -u
action=$1 makefile=$2 wanted=${3:-}
case "${BOOK_LANG:-}" in en*|EN*|En*) column=2 ;; *) column=1 ;; esac

# "target<TAB>description" for every documented target, in the Makefile's order.
entries() {
  awk -v column="$column" '
    /^#> / { text = substr($0, 4); split(text, part, / \| /); described = part[column]; if (described == "") described = part[1]; next }
    /^[a-zA-Z][a-zA-Z0-9_-]*:/ && described != "" { name = $0; sub(/:.*/, "", name); print name "\t" described; described = ""; next }
    /^[[:space:]]*$/ { described = "" }' "$makefile"
}

case "$action" in
  list)
    if [ "$column" = 2 ]; then echo "make TARGET — the targets of this book (the first use creates .venv):"
    else echo "make 目标 — 本书的命令（第一次运行时创建 .venv）："; fi
    entries | awk -F '\t' '{ printf "  make %-16s %s\n", $1, $2 }'
    ;;
  suggest)
    nearest=$(entries | cut -f1 | awk -v wanted="$wanted" '
      # Edit distance (Levenshtein) between the typed name and each target; the nearest within reach wins.
      function distance(a, b,    i, j, la, lb, d, cost, x) {
        la = length(a); lb = length(b)
        for (i = 0; i <= la; i++) d[i, 0] = i
        for (j = 0; j <= lb; j++) d[0, j] = j
        for (i = 1; i <= la; i++) for (j = 1; j <= lb; j++) {
          cost = substr(a, i, 1) == substr(b, j, 1) ? 0 : 1
          x = d[i-1, j] + 1; if (d[i, j-1] + 1 < x) x = d[i, j-1] + 1
          if (d[i-1, j-1] + cost < x) x = d[i-1, j-1] + cost
          d[i, j] = x
        }
        return d[la, lb]
      }
      { n = distance(tolower(wanted), $1); if (best == "" || n < bestn) { best = $1; bestn = n } }
      END { if (best != "" && (bestn <= 2 || bestn * 3 <= length(wanted))) print best }')
    if [ "$column" = 2 ]; then
      if [ -n "$nearest" ]; then echo "make: no target '$wanted': did you mean make $nearest? (make help lists them all)" >&2
      else echo "make: no target '$wanted' (make help lists them all)" >&2; fi
    else
      if [ -n "$nearest" ]; then echo "make：没有这个目标“$wanted”：是不是 make $nearest？（make help 列出全部目标）" >&2
      else echo "make：没有这个目标“$wanted”（make help 列出全部目标）" >&2; fi
    fi
    ;;
esac

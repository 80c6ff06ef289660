"""The rules of data claims as tables: what is a data claim, what only looks like one, and what cites it.

To teach the checker a new unit or a new false alarm, add a row here; the code in claims.py only runs the tables.
Patterns run on text whose full-width digits and symbols were already folded to ASCII (reading.prose.HALF_WIDTH).
Citations are read by reading.citations, the grammar the site renders with too.
"""
from __future__ import annotations

import re

# Building blocks. A number is read whole, never backed off digit by digit (an atomic group): a shorter reading would
# leave a digit, a comma or a point before what follows it, which no row below accepts there (but the few words before
# 中 of a ratio, which then have less room), so it matches nowhere the whole one fails; the engine need not try them.
DIGITS = r"(?>\d+(?:,\d{3})*(?:\.\d+)?)"
NUM = rf"(?<![A-Za-z0-9_.\-/]){DIGITS}"                              # 3, 1.5, 1,000 — not the 100 of H100
CN = r"[零一二两三四五六七八九十百千万亿]+"                              # 三百, 二十, 两
RANGE = rf"{NUM}(?:\s*[-~–—至到]\s*{DIGITS})?"                          # 3-10, 1.5~2, 60–80
MAGNITUDE = r"(?:万亿|千亿|百亿|十亿|亿|千万|百万|十万|万|千|[KkMBT](?![A-Za-z]))"
# A Chinese-numeral count is a claim only when it is large (三百万次, 两千名): 一次, 一个请求, 每千次 are ordinary words.
CN_LARGE = r"(?<![每几数上成第])[零一二两三四五六七八九十]*[百千万亿][零一二两三四五六七八九十百千万亿]*(?=[万亿]?\s*[次个名位家])(?<=[百千万亿])"
CURRENCY = r"[$¥￥€£]"
PER = r"(?:\s*(?:/|每)\s*(?:天|日|秒|分钟|小时|月|年|周|sec|day|s|h)(?![A-Za-z]))?"
PER_TIME = r"每(?:秒|分钟|小时)"
RATE_UNIT = r"(?<![A-Za-z])(?:tokens?/s|tok/s|QPS|RPS|req/s|TFLOPS|[KMGT]B/s)(?![A-Za-z])"

# What the book counts as a data claim: (kind, pattern). The table runs as one alternation, so at a given start the
# first row that matches wins: keep the more specific rows of a kind above the general ones.
CLAIM_PATTERNS: list[tuple[str, str]] = [
    ("money", rf"{CURRENCY}\s*{NUM}(?:\s*{MAGNITUDE})?(?:\s*[-~–—至到]\s*{CURRENCY}?\s*{DIGITS}(?:\s*{MAGNITUDE})?)?"),
    ("money", rf"(?:{RANGE}\s*{MAGNITUDE}?|{CN})\s*(?:美元|美金|人民币|元(?![素件数组])|美分|块钱|dollars?\b|USD\b|RMB\b|CNY\b)"),
    ("money", rf"(?:USD|RMB|CNY|US\$)\s*{NUM}(?:\s*{MAGNITUDE})?"),
    ("percent", rf"{RANGE}\s*%"),
    ("percent", rf"{RANGE}\s*(?:percent|per cent|pct)\b"),
    ("percent", rf"{RANGE}\s*个?百分点"),
    ("percent", rf"百分之{CN}"),
    ("percent", r"(?<![零一二两三四五六七八九十])[一二两三四五六七八九]成(?![本功为员立熟长交果就型品分年人])"),
    ("multiplier", rf"{RANGE}\s*(?:倍|[xX](?![A-Za-z0-9])|×(?!\s*[\w(（]))"),  # not the × of a formula: 2 × 层数
    ("multiplier", rf"{NUM}\s*(?:times\b|-?fold\b)"),
    ("multiplier", rf"{CN}倍"),
    ("multiplier", r"翻了?[一两三]?番|翻倍|减半"),
    ("ratio", rf"{CN}分之{CN}"),
    ("ratio", rf"每\s*{NUM}\s*{MAGNITUDE}?\s*[次个份条]?[^，。；,;\x00]{{0,6}}?中\s*(?:约|大约|有|就有)?\s*{NUM}\s*[次个份条]"),
    ("latency", rf"{RANGE}\s*(?:ms|毫秒|μs|us|微秒|ns|纳秒|秒|s|sec|分钟|min|小时|hours?)(?![A-Za-z])"),
    ("size", rf"{RANGE}\s*(?:[KMGTP]i?B|字节|bytes?)(?![A-Za-z])(?!/)"),
    ("rate", rf"{RANGE}\s*{MAGNITUDE}?\s*(?:[KMGT]?B/s|TFLOPS|TFLOP/s|PFLOPS|GFLOPS|FLOPS|tokens?/(?:s|min)|tok/s"
             r"|tokens?/(?:秒|分钟)|个\s*token/秒|QPS|RPS|req/(?:s|min)|次/秒|W\b|瓦|kW|千瓦|kWh|度电)"),
    ("rate", rf"每秒(?:生成|输出|处理)?\s*{NUM}\s*{MAGNITUDE}?\s*个?\s*(?:tokens?|请求|查询|次)"),

    ("count", rf"(?:{RANGE}|{CN_LARGE})\s*{MAGNITUDE}?\s*(?:次(?:请求|查询|咨询|调用|对话|会话|推理)?|个?(?:请求|查询|会话|对话|咨询|调用)"
              r"|名?(?:用户|客户|开发者|工程师|客服)|位(?:用户|客户)|家(?:企业|公司|客户|餐厅|商户))" + PER),
    ("count", rf"{RANGE}\s*{MAGNITUDE}\s*(?:tokens?|个\s*token)"),
    ("count", rf"{RANGE}\s*(?:万亿|千亿|百亿|十亿|亿|千万|百万|十万|万)(?![\w])"),  # 日活达到 5000 万
]

# What only looks like a claim (chapter and page references, dates, versions, model names, shapes, settings). Masked out before the claim patterns run.
NOT_CLAIM_PATTERNS: list[tuple[str, str]] = [
    ("reference", rf"第\s*(?:\d+|{CN})\s*(?:章|节|部分|页|步|版|代|届|轮|次(?!请求|查询))"),
    ("reference", r"(?:\d+\.)+\d+\s*节"),
    ("reference", r"(?:图|表|例|清单|代码|公式|步骤|练习|Figure|Table|Step|Fig\.)\s*\d+(?:[-.]\d+)*"),
    ("reference", r"\bpp?\.\s*\d+(?:\s*[-–]\s*\d+)?"),
    ("date", r"(?:19|20)\d{2}\s*(?:[-–~至到]\s*(?:19|20)\d{2}\s*)?年(?:\s*\d{1,2}\s*月)?(?:\s*\d{1,2}\s*日)?"),
    ("date", r"\b(?:19|20)\d{2}[-/.]\d{1,2}(?:[-/.]\d{1,2})?\b"),
    ("date", r"\d{1,2}\s*月\s*\d{1,2}\s*日"),
    ("date", r"\b(?:19|20)\d{2}\s*[-–]\s*(?:19|20)\d{2}\b"),
    ("version", r"(?:Python|PyTorch|torch|CUDA|cuDNN|Ubuntu|Debian|MkDocs|Triton|vLLM|Docker|K8s|Kubernetes|Node(?:\.js)?)"
                r"\s*v?\d+(?:\.\d+)*\+?"),
    ("version", r"\bv\d+(?:\.\d+)+\b"),
    ("model", r"\b[A-Za-z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*-\d+(?:\.\d+)?[A-Za-z]*(?:-[A-Za-z0-9.]+)*"),  # GPT-3.5, Llama-2-70B
    ("hardware", r"\b(?:RTX|GTX|Tesla)?\s?[A-Z]{1,2}\d{2,4}[A-Za-z]{0,3}(?:\s*(?:SXM|PCIe|NVL))?(?:\s*\d+\s*GB)?\b"),  # A10G, H100 80GB
    ("shape", r"\d+(?:\s*[×xX*]\s*\d+)+"),
    ("config", r"\b[A-Za-z_][A-Za-z0-9_]*\s*=\s*-?\d+(?:\.\d+)?"),
    ("url", r"https?://[^\s\x00]+"),  # not across the separator of the units scanned together (claims.py)
]

# Every row of a table starts with one of these characters. The scan tests this one class before it tries the rows,
# which makes it several times faster on Chinese prose; a new row that starts otherwise must extend its class.
CLAIM_FIRST = r"[0-9$¥￥€£零一二两三四五六七八九十百千万亿翻减每URC]"
NOT_CLAIM_FIRST = r"[0-9A-Za-z_第图表例清代公步练]"


def compile_table(table: list[tuple[str, str]], first: str) -> tuple[re.Pattern, dict[str, str]]:
    """One regex for the whole table (a single scan of the text), and the kind of each row's group. Each row is
    named by an empty group at its end, not a group around it: a row that opens with a character set is then
    skipped by the regex engine at one glance wherever its first character does not fit."""
    groups = {f"r{k}": kind for k, (kind, _) in enumerate(table)}
    rows = "|".join(f"(?:{pattern})(?P<r{k}>)" for k, (_, pattern) in enumerate(table))
    return re.compile(f"(?={first})(?:{rows})"), groups


CLAIMS, CLAIM_KINDS = compile_table(CLAIM_PATTERNS, CLAIM_FIRST)
NOT_CLAIMS, _ = compile_table(NOT_CLAIM_PATTERNS, NOT_CLAIM_FIRST)
# A unit with none of these characters cannot hold a claim: skip it before running the tables.
MAY_HOLD_CLAIM = re.compile(r"[0-9$¥￥€£%零一二两三四五六七八九十百千万亿翻减]")

# The unit that governs a number may stand before it, words between (`每秒生成约 1,200 个`, `请求速率提升到每秒 2,000`,
# `tokens/s 达到 1200`, `吞吐（tokens/s）为 1,200`); not across a clause or an operator (`每小时单价 ÷ 3600` is a
# formula). Run after the table above, on what it left: the figure is reported from its number on.
GAP = r"[^\d\x00，。；;,!?！？（(÷×*/=+<>]"
GOVERNED_PATTERNS: list[tuple[str, str]] = [
    ("rate", rf"{PER_TIME}{GAP}{{0,8}}?{NUM}(?:\s*{MAGNITUDE})?"),
    ("rate", rf"{RATE_UNIT}[）)]?{GAP}{{0,6}}?{NUM}(?:\s*{MAGNITUDE})?"),
]
GOVERNED_FIRST = r"[每tQRrTKMG]"
GOVERNED, GOVERNED_KINDS = compile_table(GOVERNED_PATTERNS, GOVERNED_FIRST)
# What every governing unit above (PER_TIME, RATE_UNIT) holds, as alternatives that each open with a plain character:
# the regex engine then skips to the next of those characters at C speed. A text without any needs no second pass.
GOVERNING_UNIT = re.compile("每(?:秒|分钟|小时)|/s|QPS|RPS|TFLOPS")

# A table's header names the unit of its column (`吞吐 (tokens/s)`, `延迟（ms）`, `成本（美元）`): a cell below it that is
# a bare number is a figure of that kind. The first row whose pattern the header cell holds gives the kind.
HEADER_UNITS: list[tuple[str, str]] = [
    ("rate", r"tokens?/s|tok/s|tokens?/秒|QPS|RPS|req/s|次/秒|[KMGT]i?B/s|[TGP]?FLOPS"),
    ("percent", r"%|百分比"),
    ("multiplier", r"倍|加速比|(?<![A-Za-z])[xX×](?![A-Za-z])"),
    ("money", r"\$|美元|美金|USD|元(?![素件数组])|人民币|RMB|[¥￥€£]"),
    ("latency", r"(?<![A-Za-z])(?:ms|μs|us|ns|s|sec|min)(?![A-Za-z/])|毫秒|微秒|纳秒|秒(?!/)|分钟"),
    ("size", r"(?<![A-Za-z])[KMGTP]i?B(?![A-Za-z/])|字节"),
]
HEADER_UNIT = [(kind, re.compile(pattern)) for kind, pattern in HEADER_UNITS]
BARE_NUMBER = re.compile(rf"\s*(?:约|~|≈)?\s*(?P<num>{RANGE}(?:\s*{MAGNITUDE})?)\s*$")
# Where a figure found by a governing unit before it starts: its number (a digit, or a sign before one).
FIGURE_NUMBER = re.compile(rf"{NUM}(?:\s*{MAGNITUDE})?$")


def header_unit(cell: str) -> str | None:
    """The kind of figure a table header cell's unit makes of the numbers under it, or None."""
    return next((kind for kind, pattern in HEADER_UNIT if pattern.search(cell)), None)

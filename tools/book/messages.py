"""The message catalogue: each template by key, in Chinese (the default) and English (`BOOK_LANG=en`).

A finding's code stays English in every language; only its message is translated. A key is the code, or the code
and a variant after a slash when one code has several messages."""
from __future__ import annotations

import os

MESSAGES: dict[str, dict[str, str]] = {
    "draft-note": {
        "zh": "读者可见的正文在叙述书稿自身的待办状态（“{phrase}”）：待办写进 <!-- --> 注释、"
              "`!!! todo` 框或 TODO(data) 注释，由 book todo 列出",
        "en": "reader-visible prose narrates the manuscript's own TODO state (“{phrase}”): put it in an HTML "
              "comment, a `!!! todo` admonition or a TODO(data) comment, which book todo lists",
    },
    "draft-note/checklist": {
        "zh": "读者可见的正文里有未完成的清单项（“{phrase}”）：放进 `!!! todo` 框或 <!-- --> 注释",
        "en": "an open checklist item in reader-visible prose (“{phrase}”): put it in a `!!! todo` admonition or "
              "an HTML comment",
    },
}


def language() -> str:
    return "en" if os.environ.get("BOOK_LANG", "").lower().startswith("en") else "zh"


def message(key: str, **values: object) -> str:
    """The message for `key` in the reader's language, filled in with `values`."""
    return MESSAGES[key][language()].format(**values)

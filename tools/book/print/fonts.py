"""The fonts the default design needs, found where `make pdf` looks: the configured folder (print.yaml `fonts:` or
$BOOK_FONT_DIR), then the system's. A missing one is named with the package that installs it; nothing is silently
substituted (Typst would otherwise fall back to a font without Chinese glyphs)."""
from __future__ import annotations

import os
from pathlib import Path

# family → the Debian package that installs it
REQUIRED = {
    "Noto Serif CJK SC": "fonts-noto-cjk",
    "Noto Sans CJK SC": "fonts-noto-cjk",
    "Noto Sans Mono CJK SC": "fonts-noto-cjk",
}


def font_folders(configured: Path | None) -> list[Path]:
    folders = []
    env = os.environ.get("BOOK_FONT_DIR")
    for folder in (configured, Path(env) if env else None):
        if folder is not None and folder.is_dir():
            folders.append(folder)
    return folders


def missing(folders: list[Path]) -> dict[str, str]:
    """The required families this machine lacks → the package to install."""
    import typst
    families = set(typst.Fonts(include_system_fonts=True, include_embedded_fonts=True,
                               font_paths=[str(f) for f in folders]).families())
    return {family: package for family, package in REQUIRED.items() if family not in families}

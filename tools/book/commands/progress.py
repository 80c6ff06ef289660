"""The notebooks' progress on the terminal (rich): a line per event, and on a terminal a live line of what runs."""
from __future__ import annotations

import threading
import time
from pathlib import Path

from ..execution import runner
from ..messages import say


def escape(text: str) -> str:
    """Text shown through rich as it is (a path or a reason may hold brackets)."""
    from rich.markup import escape as rich_escape
    return rich_escape(text)


def label(kind: str, style: str) -> str:
    """A progress line's first column, padded to one width in the terminal's cells (a Chinese character takes two)."""
    from rich.cells import cell_len
    text = say(f"progress:{kind}")
    return f"[{style}]{escape(text)}[/{style}]" + " " * max(1, 9 - cell_len(text))


class ConsoleProgress(runner.Progress):
    """Progress lines as the run goes (rich): cached, running (and why), passed or failed with seconds; on a
    terminal, a live line below them with what is running now and for how long."""

    def __init__(self, console=None, total: int = 0):
        from rich.console import Console
        self.console = console or Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)
        self.running: dict[str, float] = {}
        self.total, self.done = total, 0
        self.lock = threading.Lock()
        self.status = None

    def _live(self):
        if not self.console.is_terminal:
            return
        if self.running and self.status is None:
            self.status = self.console.status("")
            self.status.start()
        if self.status is not None:
            if not self.running:
                self.status.stop()
                self.status = None
                return
            now = time.monotonic()
            running = [Path(p).parent.name + say("progress:why", why=say("progress:seconds", seconds=f"{now - t:.0f}"))
                       for p, t in self.running.items()]
            self.status.update(escape(say("progress:live", items=", ".join(running))))

    def event(self, kind: str, path: str = "", **info) -> None:
        with self.lock:
            show = self.console.print
            raw, path = path, escape(path)
            if kind == "cached":
                self.done += 1
                took = info.get("stored_seconds")
                stored = f"  [dim]{escape(say('progress:stored-run', seconds=f'{took:.1f}'))}[/dim]" if took else ""
                show(f"{label('cached', 'dim')} {path}{stored}")
            elif kind == "waiting":
                show(f"{label('waiting', 'yellow')} {path}  [dim]{escape(say('progress:another-run'))}[/dim]")
            elif kind == "running":
                self.running[raw] = time.monotonic()
                why = escape(say("progress:separator").join(info.get("why") or []))
                show(f"{label('running', 'cyan')} {path}" + (f" [dim]{say('progress:why', why=why)}[/dim]" if why else ""))
            elif kind in ("passed", "failed"):
                self.running.pop(raw, None)
                self.done += 1
                colour = "green" if kind == "passed" else "red"
                counter = escape(f"[{self.done}/{self.total}] ") if self.total else ""
                took = say("progress:seconds", seconds=f"{info.get('seconds', 0):.1f}")
                show(f"{label(kind, colour)} {path}  {took}  [dim]{counter}[/dim]")
            elif kind == "prebuild":
                show(f"{label('training', 'cyan')} {escape(say('progress:prebuild', names=', '.join(info['names'])))}")
            elif kind == "prebuilt":
                if info.get("ok"):
                    took = say('progress:prebuilt', seconds=f"{info['seconds']:.1f}")
                    show(f"{label('ready', 'green')} {escape(took)}")
                else:
                    show(f"{label('note', 'yellow')} {escape(say('progress:not-prebuilt', detail=info.get('detail')))}")
            self._live()

    def close(self):
        with self.lock:
            self.running.clear()
            self._live()

"""The person at the robot, behind one small interface so that tests (and a twin) can stand in for them.

An :class:`Operator` confirms each episode's set-up before anything moves, may stop or end an episode while it runs
(``poll``: ``"estop"`` or ``"done"``), and labels success afterwards. :class:`ConsoleOperator` asks on the terminal
(space or ``s`` is the e-stop key, ``d`` ends the episode); :class:`ScriptedOperator` follows a script;
:class:`TwinOperator` lets a twin's simulator judge (used with ``arena real twin``).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

ESTOP, DONE = "estop", "done"


@dataclass(frozen=True)
class EpisodeBrief:
    """What the operator is told about an episode."""

    task: str
    axis: str
    index: int
    config_hash: str
    instruction: str
    sheet: str | None = None  # path of the printable set-up sheet, if one was written


class Operator(Protocol):
    """The person running a real session."""

    def confirm(self, brief: EpisodeBrief, report: Callable[[], str] | None = None) -> bool:
        """Set the scene up and say whether to run the episode (False skips it). ``report`` describes the live view
        (camera distance from the episode's pose, objects on their outlines) when a camera is calibrated."""

    def poll(self) -> str | None:
        """While the episode runs: ``"estop"``, ``"done"`` or None."""

    def label(self, brief: EpisodeBrief) -> bool:
        """Whether the episode succeeded."""

    def say(self, text: str) -> None:
        """Show a line to the operator."""


class ScriptedOperator:
    """An operator that follows a script (tests).

    Args:
        confirmations: Answers to successive :meth:`confirm` calls (default: always yes).
        labels: Answers to successive :meth:`label` calls (default: no).
        estop_after_polls: Press the e-stop key at this poll of each episode (None: never).
        done_after_polls: End each episode at this poll (None: never).
    """

    def __init__(
        self,
        confirmations: Sequence[bool] = (),
        labels: Sequence[bool] = (),
        estop_after_polls: int | None = None,
        done_after_polls: int | None = None,
    ) -> None:
        self._confirmations = list(confirmations)
        self._labels = list(labels)
        self.estop_after_polls = estop_after_polls
        self.done_after_polls = done_after_polls
        self.polls = 0
        self.lines: list[str] = []
        self.briefs: list[EpisodeBrief] = []

    def confirm(self, brief: EpisodeBrief, report: Callable[[], str] | None = None) -> bool:
        self.briefs.append(brief)
        self.polls = 0
        if report is not None:
            self.lines.append(report())
        return self._confirmations.pop(0) if self._confirmations else True

    def poll(self) -> str | None:
        self.polls += 1
        if self.estop_after_polls is not None and self.polls >= self.estop_after_polls:
            return ESTOP
        if self.done_after_polls is not None and self.polls >= self.done_after_polls:
            return DONE
        return None

    def label(self, brief: EpisodeBrief) -> bool:
        return self._labels.pop(0) if self._labels else False

    def say(self, text: str) -> None:
        self.lines.append(text)


class TwinOperator:
    """Stands in for the person when the robot is ``arena real twin``: confirms once the twin has set the episode
    up, ends the episode when the twin's simulator says it succeeded, and labels with that judgement.

    Args:
        judgement: Called with the episode's config hash, returns the twin's success or None before it set up.
        wait_s: How long to wait for the twin to set an episode up.
    """

    def __init__(self, judgement: Callable[[str], bool | None], wait_s: float = 30.0, log=print) -> None:
        self.judgement = judgement
        self.wait_s = wait_s
        self.log = log
        self._hash = ""

    def confirm(self, brief: EpisodeBrief, report: Callable[[], str] | None = None) -> bool:
        import time

        self._hash = brief.config_hash
        deadline = time.monotonic() + self.wait_s
        while self.judgement(self._hash) is None:
            if time.monotonic() > deadline:
                self.log(f"twin did not set up episode {brief.config_hash} within {self.wait_s} s; skipping it")
                return False
            time.sleep(0.05)
        return True

    def poll(self) -> str | None:
        return DONE if self.judgement(self._hash) else None

    def label(self, brief: EpisodeBrief) -> bool:
        return bool(self.judgement(brief.config_hash))

    def say(self, text: str) -> None:
        self.log(text)


class ConsoleOperator:
    """The person at the terminal: questions on stdin; during an episode space or ``s`` is the e-stop key and ``d``
    ends the episode (read in cbreak mode on a terminal, line by line otherwise)."""

    def __init__(self, log=print, read=input) -> None:
        self.log = log
        self.read = read
        self._event: str | None = None
        self._keys: threading.Thread | None = None
        self._stop_keys = threading.Event()

    def confirm(self, brief: EpisodeBrief, report: Callable[[], str] | None = None) -> bool:
        self.log(f"\nepisode {brief.task} / {brief.axis} / {brief.index} ({brief.config_hash}): {brief.instruction}")
        if brief.sheet:
            self.log(f"set-up sheet: {brief.sheet}")
        while True:
            if report is not None:
                self.log(report())
            answer = self.read("set the scene up; [g]o, [s]kip, Enter to refresh the live report: ").strip().lower()
            if answer in ("g", "go", "y", "yes"):
                self._start_keys()
                return True
            if answer in ("s", "skip", "n", "no"):
                return False

    def _start_keys(self) -> None:
        self._event = None
        self._stop_keys.clear()
        self._keys = threading.Thread(target=self._read_keys, daemon=True)
        self._keys.start()
        self.log("running: space or s = E-STOP, d = done")

    def _read_keys(self) -> None:
        stream = sys.stdin
        if not stream.isatty():
            for line in stream:
                key = line.strip()[:1].lower() or " "
                self._event = ESTOP if key in (" ", "s") else DONE if key == "d" else self._event
                if self._event or self._stop_keys.is_set():
                    return
            return
        import select
        import termios
        import tty

        fd = stream.fileno()
        saved = termios.tcgetattr(fd)
        try:
            tty.setcbreak(fd)
            while not self._stop_keys.is_set():
                if select.select([stream], [], [], 0.05)[0]:
                    key = stream.read(1).lower()
                    if key in (" ", "s"):
                        self._event = ESTOP
                    elif key == "d":
                        self._event = DONE
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)

    def poll(self) -> str | None:
        return self._event

    def label(self, brief: EpisodeBrief) -> bool:
        self._stop_keys.set()
        if self._keys is not None:
            self._keys.join(timeout=0.5)
        while True:
            answer = self.read(f"did episode {brief.index} succeed? [y/n]: ").strip().lower()
            if answer in ("y", "yes", "n", "no"):
                return answer.startswith("y")

    def say(self, text: str) -> None:
        self.log(text)

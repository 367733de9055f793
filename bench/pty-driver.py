#!/usr/bin/env python3
"""Runs a program in a pseudo-terminal and times what appears on its screen.

Reads a scenario (JSON) on stdin and prints the results (JSON) on stdout. All
times are taken here, beside the pty, so no process hop sits inside a
measurement. The output is read continuously (a full pty would stall the
program), stripped of escape sequences, and searched for the text a step
waits for. Used by bench/pty.ts; see there for the scenario's types.

Scenario: {"argv": [...], "env": {...}, "cwd": "...", "cols": 100, "rows": 30, "steps": [...]}
Steps, in order:
  {"expect": REGEX, "label"?: NAME, "timeoutMs"?: N}
      wait until the output since the previous expect matches;
      records the milliseconds since launch, and the CPU time the program
      has used, under NAME
  {"send": KEYS, "afterMs"?: N}
      write KEYS to the terminal (one key per step: see STYLE.md), N ms
      (default 100) after the previous step, as a person would
  {"probe": {...}}  keypress-to-frame latency, repeated (see probe())
  {"memory": NAME}  VmHWM and VmRSS of the program, in kB
  {"exit": NAME, "timeoutMs"?: N}   wait for the program to end; its exit code
"""
import codecs
import fcntl
import json
import os
import re
import select
import signal
import struct
import sys
import termios
import time

ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78DEHM])")
# An escape sequence cut off at the end of a read: held back until the rest arrives.
PARTIAL = re.compile(r"\x1b(?:\[[0-?]*[ -/]*|\][^\x07\x1b]*|[()])?$")


class Failure(Exception):
    pass


class Terminal:
    def __init__(self, scenario):
        self.t0 = time.monotonic()
        pid, fd = os.forkpty()
        if pid == 0:
            # The size is set before exec, so the program's first frame already has it.
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", scenario["rows"], scenario["cols"], 0, 0))
            os.chdir(scenario["cwd"])
            os.execvpe(scenario["argv"][0], scenario["argv"], scenario["env"])
        self.pid, self.fd = pid, fd
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.carry = ""
        self.text = ""  # everything shown, escape sequences removed
        self.mark = 0  # where the current wait's search starts
        self.status = None

    def ms(self):
        return (time.monotonic() - self.t0) * 1000

    def pump(self, timeout):
        """Reads what is available within `timeout` seconds; False once the program has closed the pty."""
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return True
        try:
            data = os.read(self.fd, 65536)
        except OSError:
            return False
        if not data:
            return False
        chunk = self.carry + self.decoder.decode(data)
        held = PARTIAL.search(chunk)
        self.carry = chunk[held.start():] if held else ""
        self.text += ESCAPE.sub("", chunk[: held.start()] if held else chunk)
        return True

    def wait_for(self, pattern, timeout_ms, what):
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout_ms / 1000
        searched = self.mark
        while True:
            # Only the new text (and a margin for a match straddling two reads) is searched.
            found = regex.search(self.text, max(self.mark, searched - 400))
            if found:
                self.mark = found.end()
                return
            searched = len(self.text)
            left = deadline - time.monotonic()
            if left <= 0:
                raise Failure(f"timed out after {timeout_ms} ms waiting for {what} /{pattern}/")
            if not self.pump(min(left, 0.05)):
                self.reap(1)
                raise Failure(f"the program ended (status {self.status}) while waiting for {what} /{pattern}/")

    def drain(self, ms):
        """Reads output for `ms` milliseconds."""
        until = time.monotonic() + ms / 1000
        while time.monotonic() < until:
            self.pump(until - time.monotonic())

    def send(self, keys, mark=False):
        """Writes keys; with `mark`, the next wait looks only at what is shown after them."""
        if mark:
            self.mark = len(self.text)
        os.write(self.fd, keys.encode())

    def seen_since(self, start, pattern):
        return re.search(pattern, self.text[start:]) is not None

    def cpu_ms(self):
        """CPU time (user + system) the program itself has used so far; children not included."""
        with open(f"/proc/{self.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")

    def memory(self):
        fields = {}
        with open(f"/proc/{self.pid}/status") as status:
            for line in status:
                name, _, value = line.partition(":")
                if name in ("VmHWM", "VmRSS"):
                    fields[name] = int(value.split()[0])
        return {"hwmKb": fields["VmHWM"], "rssKb": fields["VmRSS"]}

    def reap(self, timeout):
        deadline = time.monotonic() + timeout
        while self.status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(status)
                break
            if time.monotonic() > deadline:
                return None
            self.pump(0.02)  # keep draining: a program blocked on a full pty never exits
        return self.status

    def describe(self):
        """The program's state and its children's command lines, for a failure report."""
        try:
            with open(f"/proc/{self.pid}/stat") as stat:
                state = stat.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            return {"state": "gone", "status": self.status}
        children = []
        for task in os.listdir(f"/proc/{self.pid}/task"):
            try:
                with open(f"/proc/{self.pid}/task/{task}/children") as f:
                    for child in f.read().split():
                        with open(f"/proc/{child}/cmdline") as c:
                            children.append(c.read().replace("\0", " ").strip())
            except OSError:
                pass
        return {"state": state, "children": children}

    def kill(self):
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.reap(5)


def probe(term, spec, results):
    """
    Sends the keys of `spec["cycle"]` in turn, over and over, each time
    measuring from the write to the first frame that shows what that key
    changes (its `shows`). Stops once the screen has shown `until` since
    probing began, or after `maxMs`.
    """
    start = len(term.text)
    deadline = time.monotonic() + spec["maxMs"] / 1000
    samples = results["probes"].setdefault(spec["label"], [])
    while time.monotonic() < deadline:
        for step in spec["cycle"]:
            # A pause before each key, as a person's keystrokes have (output is drained meanwhile).
            term.drain(spec.get("gapMs", 50))
            sent_at = time.time() * 1000
            began = time.monotonic()
            term.send(step["send"], mark=True)
            term.wait_for(step["shows"], spec.get("keyTimeoutMs", 10000), f"the frame after {step['send']!r}")
            samples.append({"key": step["send"], "sentAt": sent_at, "ms": (time.monotonic() - began) * 1000})
            if term.seen_since(start, spec["until"]):
                return
    raise Failure(f"/{spec['until']}/ not seen within {spec['maxMs']} ms of probing")


def run(scenario):
    results = {"marks": {}, "cpu": {}, "probes": {}, "memory": {}, "exits": {}}
    term = Terminal(scenario)
    results["pid"] = term.pid
    try:
        for step in scenario["steps"]:
            if "expect" in step:
                term.wait_for(step["expect"], step.get("timeoutMs", 30000), step.get("label", "text"))
                if "label" in step:
                    results["marks"][step["label"]] = term.ms()
                    results["cpu"][step["label"]] = term.cpu_ms()
            elif "send" in step:
                # As a person types: not the instant the screen changed (see probe()).
                term.drain(step.get("afterMs", 100))
                term.send(step["send"])
            elif "probe" in step:
                probe(term, step["probe"], results)
            elif "memory" in step:
                results["memory"][step["memory"]] = term.memory()
            elif "exit" in step:
                status = term.reap(step.get("timeoutMs", 15000) / 1000)
                if status is None:
                    raise Failure(f"the program did not exit within {step.get('timeoutMs', 15000)} ms")
                results["exits"][step["exit"]] = status
            else:
                raise Failure(f"unknown step {json.dumps(step)}")
    except Failure as failure:
        results["error"] = str(failure)
        results["screen"] = term.text[-scenario.get("tailChars", 3000):]
        results["process"] = term.describe()
    finally:
        term.kill()
    return results


if __name__ == "__main__":
    outcome = run(json.load(sys.stdin))
    json.dump(outcome, sys.stdout)
    sys.exit(1 if "error" in outcome else 0)

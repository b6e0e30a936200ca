"""Load test of the training room: N participants at once, each driving a real Streamlit session.

    python bench/bench_room.py [--participants 30] [--processus 1 3] [--switches 5]

For each set-up (one Streamlit process, or several behind nginx), the room is started by its own
command (`python -m dq_core.room`, demo workspace) and every participant, concurrently:
enters the code (HTTP form), opens a fiche (websocket session, first script run), switches quartier
N times (the sidebar selectbox, as a click sends it), downloads the fiche's Excel file (the deferred
download button: backend request, then the file), opens Évolution, then the Carte.

The sessions speak Streamlit's own websocket protocol (protobuf BackMsg / ForwardMsg), not a browser:
30 headless Chromium pages would need ~3 GB and both cores for themselves on this 2-core machine, and
the figures would measure the browsers, not the server. What is timed is what the server does for a
click: from the message sent to the script run finished (the browser's own drawing is not counted).

Prints, per set-up: p50 / p95 / max of each step (seconds), errors, and the server's peak memory
(sum of the peak resident memory of its processes, VmHWM, nginx included).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import websockets  # noqa: E402
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

from dq_core.store import workspace  # noqa: E402
from dq_core.store.territories import list_quartiers  # noqa: E402
from tests.browser.harness import free_port  # noqa: E402

CODE = "lune-castor-tulipe"
STEPS = ("code", "fiche", "quartier", "excel", "evolution", "carte")
TIMEOUT = 60.0


@dataclass
class Results:
    times: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in STEPS})
    cpu: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in STEPS})
    errors: list[str] = field(default_factory=list)
    server_pids: list[int] = field(default_factory=list)


class Session:
    """One participant's Streamlit session over the websocket."""

    def __init__(self, base: str, cookie: str):
        self.base, self.cookie = base, cookie
        self.elements: list = []
        self.query = ""
        self.session_id = ""

    async def __aenter__(self):
        url = self.base.replace("http://", "ws://") + "/_stcore/stream"
        self.ws = await websockets.connect(url, subprotocols=["streamlit"], max_size=2 ** 28,
                                           additional_headers={"Cookie": self.cookie}, open_timeout=TIMEOUT)
        return self

    async def __aexit__(self, *exc):
        await self.ws.close()

    async def run(self, page: str, query: str, widgets: list | None = None) -> None:
        """One script run: send it, read every message until it is finished."""
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string, state.page_name = query, page
        for widget in widgets or []:
            state.widget_states.widgets.append(widget)
        await self.ws.send(msg.SerializeToString())
        self.elements = []
        await self._read_until(finished)

    async def _read_until(self, done) -> ForwardMsg:
        deadline = time.monotonic() + TIMEOUT
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), timeout=max(0.1, deadline - time.monotonic()))
            fm = ForwardMsg()
            fm.ParseFromString(raw)
            kind = fm.WhichOneof("type")
            if kind == "new_session":
                self.session_id = fm.new_session.initialize.session_id or self.session_id
                self.elements = []                      # a rerun started over: keep the last run's elements
            if kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                element = fm.delta.new_element
                if element.WhichOneof("type") == "exception":
                    raise RuntimeError(f"exception dans la page : {element.exception.message[:200]}")
                self.elements.append(element)
            elif kind == "page_info_changed":
                self.query = fm.page_info_changed.query_string
            if done(fm):
                return fm

    def title(self) -> str | None:
        """The page's first heading (the fiche's: the quartier's name)."""
        body = next((e.heading.body for e in self.elements if e.WhichOneof("type") == "heading"), "")
        return re.sub(r"\\(.)", r"\1", body)                  # Markdown escapes

    def find(self, kind: str, label: str):
        for element in self.elements:
            if element.WhichOneof("type") == kind and getattr(element, kind).label.startswith(label):
                return getattr(element, kind)
        raise RuntimeError(f"pas de {kind} « {label} » sur la page")

    async def download(self, file_id: str) -> bytes:
        msg = BackMsg()
        msg.backend_operation_request.request_id = uuid.uuid4().hex
        msg.backend_operation_request.session_id = self.session_id
        msg.backend_operation_request.deferred_file.file_id = file_id
        await self.ws.send(msg.SerializeToString())
        fm = await self._read_until(lambda m: m.WhichOneof("type") == "backend_operation_response")
        answer = fm.backend_operation_response
        if answer.error_msg:
            raise RuntimeError(f"téléchargement refusé : {answer.error_msg}")
        return await asyncio.to_thread(http_get, self.base + answer.deferred_file.url, self.cookie)


def finished(fm: ForwardMsg) -> bool:
    """The end of a script run (not one cut short by a rerun, which goes on by itself)."""
    return fm.WhichOneof("type") == "script_finished" and fm.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN


def http_get(url: str, cookie: str) -> bytes:
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Cookie": cookie}), timeout=TIMEOUT) as r:
        return r.read()


def enter_code(base: str) -> str:
    """POST the code form; returns the room's cookie (as `name=value`)."""
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None
    opener = urllib.request.build_opener(NoRedirect)
    data = urllib.parse.urlencode({"code": CODE, "suite": "/fiche"}).encode()
    try:
        opener.open(urllib.request.Request(base + "/_salle/entree", data=data), timeout=TIMEOUT)
    except urllib.error.HTTPError as answer:
        if answer.code == 303:
            return answer.headers["set-cookie"].split(";")[0]
        raise
    raise RuntimeError("le code n'a pas ouvert la salle")


@dataclass(frozen=True)
class Plan:
    participants: int
    switches: int
    pause: float          # seconds a person reads before the next click (0: clicks back to back)
    arrivals: float       # participants arrive over this many seconds (0: all at once)


async def participant(base: str, quartiers: list[str], n: int, plan: Plan, results: Results) -> None:
    async def timed(step: str, work):
        start, cpu = time.perf_counter(), cpu_seconds(results.server_pids)
        value = await work
        results.times[step].append(time.perf_counter() - start)
        if plan.participants == 1:          # alone: the server's CPU time is this step's own
            results.cpu[step].append(cpu_seconds(results.server_pids) - cpu)
        await asyncio.sleep(plan.pause)
        return value

    switches = plan.switches
    await asyncio.sleep(plan.arrivals * n / max(1, plan.participants))
    try:
        cookie = await timed("code", asyncio.to_thread(enter_code, base))
        first = quartiers[n % len(quartiers)]
        async with Session(base, cookie) as s:
            await timed("fiche", s.run("fiche", f"quartier={first}"))
            for i in range(1, switches + 1):
                box = s.find("selectbox", "Quartier")
                target = box.options[(n + 7 * i) % len(box.options)]
                await timed("quartier", s.run("fiche", s.query or f"quartier={first}", [_string_widget(box.id, target)]))
                if s.title() != target.split(" — ")[0]:
                    raise RuntimeError(f"la fiche montre « {s.title()} » au lieu de « {target} »")
            button = s.find("download_button", "Télécharger la fiche")
            data = await timed("excel", s.download(button.deferred_file_id))
            if not data.startswith(b"PK"):
                raise RuntimeError("le fichier téléchargé n'est pas un classeur Excel")
            await timed("evolution", s.run("evolution", s.query))
            await timed("carte", s.run("carte", s.query))
    except Exception as exc:          # every failure is counted and said, the other sessions go on
        results.errors.append(f"participant {n + 1} : {type(exc).__name__} : {exc}"[:300])


def _string_widget(widget_id: str, value: str):
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    state = WidgetState()
    state.id, state.string_value = widget_id, value
    return state


def server_pids(launcher: int) -> list[int]:
    """The launcher's children (Streamlit servers, nginx) and theirs."""
    found, todo = [], [launcher]
    while todo:
        pid = todo.pop()
        for task in Path(f"/proc/{pid}/task").glob("*/children"):
            children = [int(c) for c in task.read_text().split()]
            found += children
            todo += children
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes (all their threads), from /proc."""
    total = 0
    for pid in pids:
        stat = Path(f"/proc/{pid}/stat")
        if stat.exists():
            fields = stat.read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def peak_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        status = Path(f"/proc/{pid}/status")
        if status.exists():
            match = re.search(r"VmHWM:\s+(\d+) kB", status.read_text())
            total += int(match[1]) if match else 0
    return total / 1024


def start_room(processes: int, port: int) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "dq_core.room", "--port", str(port), "--adresse", "127.0.0.1",
                             "--code", CODE, "--processus", str(processes)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    for line in proc.stdout:
        if line.startswith("Code d'accès"):
            return proc
    raise RuntimeError("la salle n'a pas démarré")


def measure(processes: int, plan: Plan, quartiers: list[str]) -> None:
    port = free_port()
    room = start_room(processes, port)
    base = f"http://127.0.0.1:{port}"
    results = Results()
    try:
        pids = results.server_pids = server_pids(room.pid)
        cpu_before, client_before, load = cpu_seconds(pids), time.process_time(), os.getloadavg()[0]
        start = time.perf_counter()

        async def everyone():
            await asyncio.gather(*(participant(base, quartiers, n, plan, results) for n in range(plan.participants)))
        asyncio.run(everyone())
        elapsed = time.perf_counter() - start
        memory, cpu = peak_mb(pids), cpu_seconds(pids) - cpu_before
        client_cpu, load = time.process_time() - client_before, max(load, os.getloadavg()[0])
    finally:
        room.send_signal(2)
        room.wait(30)
    setup = "1 processus Streamlit" if processes == 1 else f"{processes} processus Streamlit derrière nginx"
    rhythm = "clics enchaînés sans pause" if not plan.pause else f"{plan.pause:g} s de lecture entre deux clics"
    print(f"\n== {setup}, {plan.participants} participants simultanés, {rhythm}, arrivées sur "
          f"{plan.arrivals:g} s ({elapsed:.1f} s en tout ; charge de la machine jusqu'à {load:.1f}) ==")
    clicks = sum(len(v) for v in results.times.values())
    print(f"temps de calcul du serveur : {cpu:.1f} s ({1000 * cpu / max(1, clicks):.0f} ms par action) ; "
          f"des participants simulés (même machine) : {client_cpu:.1f} s")
    report(memory, results)


def report(memory: float, results: Results) -> None:
    alone = any(results.cpu.values())
    print(f"{'étape':<12}{'n':>5}{'p50':>8}{'p95':>8}{'max':>8}" + (f"{'CPU serveur':>14}" if alone else ""))
    for step, values in results.times.items():
        if values:
            ordered = sorted(values)
            p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
            cpu = f"{statistics.median(results.cpu[step]):>14.2f}" if alone else ""
            print(f"{step:<12}{len(values):>5}{statistics.median(values):>8.2f}{p95:>8.2f}{ordered[-1]:>8.2f}{cpu}")
    print(f"erreurs : {len(results.errors)}")
    for error in results.errors[:10]:
        print(f"  {error}")
    print(f"mémoire maximale du serveur (somme des processus) : {memory:.0f} Mo")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=30)
    parser.add_argument("--processus", type=int, nargs="+", default=[1, 3])
    parser.add_argument("--switches", type=int, default=5)
    parser.add_argument("--pause", type=float, nargs="+", default=[0.0],
                        help="secondes de lecture entre deux clics (plusieurs valeurs : une mesure chacune)")
    parser.add_argument("--arrivees", type=float, default=0.0, help="les participants arrivent sur N secondes")
    args = parser.parse_args()
    with workspace.open_cursor() as cur:                    # builds the demo if it is missing
        quartiers = [q.code for q in list_quartiers(cur)]
    print(f"Démonstration : {len(quartiers)} quartiers ; machine : {os.cpu_count()} cœurs, "
          f"charge {os.getloadavg()[0]:.1f} au départ.")
    for pause in args.pause:
        for processes in args.processus:
            measure(processes, Plan(args.participants, args.switches, pause, args.arrivees), quartiers)


if __name__ == "__main__":
    main()

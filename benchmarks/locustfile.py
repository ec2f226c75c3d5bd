"""The realistic mix of benchmarks/load.py, as a Locust scenario (read that file first).

Run by ``load.py``, which prepares the database and the fixture, not by hand. It reads:

- ``MG_LOAD_FIXTURE``: the JSON written by load.py's setup (participants with their API
  token and session key, the consultation's statements, the Delphi round, the institutions'
  representatives, the registration type, the live room, the pages to browse);
- ``MG_LOAD_OUT``: where to write every accepted write, per kind, with its ids;
- ``MG_LOAD_REQUESTS``: stop after this many requests (0: no cap, the run is timed);
- ``MG_LOAD_USER_RATE``: requests per second of each simulated user (0: as fast as it goes).

Each task acts as a random participant (a person with several tabs open: two users may act
for the same participant at once). A participant votes at most once on each statement of
the consultation, so each accepted vote must leave exactly one vote and one history row.
"""

from __future__ import annotations

import json
import os
import random

import gevent
from locust import FastHttpUser, constant, constant_throughput, events, task

FIXTURE = json.load(open(os.environ["MG_LOAD_FIXTURE"]))  # noqa: SIM115 - read once at start
OUT = os.environ["MG_LOAD_OUT"]
MAX_REQUESTS = int(os.environ.get("MG_LOAD_REQUESTS", "0") or 0)
USER_RATE = float(os.environ.get("MG_LOAD_USER_RATE", "0") or 0)
SEED = int(os.environ.get("MG_LOAD_SEED", "21"))

PARTICIPANTS = FIXTURE["participants"]
PAGES: dict[str, list[str]] = FIXTURE["pages"]
SEARCH = FIXTURE["search_terms"]
COOKIE = FIXTURE["session_cookie"]

rng = random.Random(SEED)
# Per participant: the statements not voted on yet, in a random order, and whether it has
# registered for the forum. Locust runs its users as greenlets of one thread: no lock needed.
unvoted = [rng.sample(FIXTURE["statements"], len(FIXTURE["statements"])) for _ in PARTICIPANTS]
registered = [False] * len(PARTICIPANTS)
accepted: dict[str, list] = {"vote": [], "delphi": [], "endorse": [], "register": []}
refused_duplicates = {"register": 0}
requests_seen = 0
environment = None


@events.init.add_listener
def _init(**kwargs) -> None:
    global environment
    environment = kwargs["environment"]


@events.request.add_listener
def _count(**_kwargs) -> None:
    """Stop the run once ``MAX_REQUESTS`` requests were made (users finish their task)."""
    global requests_seen
    requests_seen += 1
    if MAX_REQUESTS and requests_seen == MAX_REQUESTS and environment is not None:
        gevent.spawn(environment.runner.quit)


def _dump() -> None:
    with open(OUT, "w") as handle:
        json.dump(
            {
                "accepted": accepted,
                "refused_duplicates": refused_duplicates,
                "requests": requests_seen,
            },
            handle,
        )


@events.test_stop.add_listener
def _on_stop(**_kwargs) -> None:
    _dump()


@events.quitting.add_listener
def _on_quit(**_kwargs) -> None:
    _dump()


class Participant(FastHttpUser):
    wait_time = constant_throughput(USER_RATE) if USER_RATE else constant(0)
    connection_timeout = 60.0
    network_timeout = 60.0

    def _who(self) -> tuple[int, dict]:
        i = random.randrange(len(PARTICIPANTS))
        return i, PARTICIPANTS[i]

    def _page(self, name: str) -> None:
        _i, me = self._who()
        path = random.choice(PAGES[name])
        self.client.get(path, name=f"page: {name}", headers={"Cookie": f"{COOKIE}={me['session']}"})

    @staticmethod
    def _bearer(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    # --- browsing (48 %) ---
    @task(6)
    def home(self) -> None:
        self._page("home")

    @task(5)
    def consultation(self) -> None:
        self._page("consultation")

    @task(5)
    def consultation_results(self) -> None:
        self._page("consultation results")

    @task(4)
    def delphi_study(self) -> None:
        self._page("delphi study")

    @task(4)
    def delphi_results(self) -> None:
        self._page("delphi results")

    @task(4)
    def library(self) -> None:
        self._page("library")

    @task(5)
    def document(self) -> None:
        self._page("library document")

    @task(3)
    def strategies(self) -> None:
        self._page("strategies")

    @task(4)
    def strategy(self) -> None:
        self._page("strategy")

    @task(4)
    def accountability(self) -> None:
        self._page("accountability dashboard")

    @task(4)
    def programme(self) -> None:
        self._page("forum programme")

    @task(2)
    def endorsements_page(self) -> None:
        self._page("endorsements")

    # --- site search (8 %) ---
    @task(8)
    def search(self) -> None:
        _i, me = self._who()
        self.client.get(
            f"/me/search/?q={random.choice(SEARCH)}",
            name="search",
            headers={"Cookie": f"{COOKIE}={me['session']}"},
        )

    # --- voting through the API (20 %) ---
    @task(20)
    def vote(self) -> None:
        i, me = self._who()
        if not unvoted[i]:
            return
        statement = unvoted[i].pop()
        value = random.choice((-1, 0, 1))
        body = json.dumps({"statement": statement, "vote": value})
        path = f"/api/v1/consultations/{FIXTURE['consultation']}/votes"
        with self.client.post(
            path,
            data=body,
            headers=self._bearer(me["token"]),
            name="write: vote",
            catch_response=True,
        ) as response:
            if response.status_code == 200:
                accepted["vote"].append([me["user"], statement, value])
                response.success()
            else:
                response.failure(f"HTTP {response.status_code}")

    # --- Delphi answers (5 %) ---
    @task(5)
    def delphi_answer(self) -> None:
        i, me = self._who()
        delphi = FIXTURE["delphi"]
        ranking = random.sample(delphi["options"], len(delphi["options"]))
        answers = [
            {"item": delphi["likert_item"], "value": random.randint(1, delphi["points"])},
            {"item": delphi["ranking_item"], "value": ranking},
        ]
        with self.client.post(
            f"/api/v1/delphi/rounds/{delphi['round']}/answers",
            data=json.dumps({"answers": answers}),
            headers=self._bearer(me["token"]),
            name="write: delphi answers",
            catch_response=True,
        ) as response:
            if response.status_code == 201:
                accepted["delphi"].append([me["user"], delphi["round"]])
                response.success()
            else:
                response.failure(f"HTTP {response.status_code}")

    # --- endorsements by institutions' representatives (3 %) ---
    @task(3)
    def endorse(self) -> None:
        rep = random.choice(FIXTURE["endorse"]["representatives"])
        position = random.choice(("endorse", "take_note", "dissociate", "endorse_with_reservation"))
        body: dict = {"position": position}
        if position == "endorse_with_reservation":
            body["reservation"] = "We cannot endorse the second section as drafted (load test)."
        with self.client.post(
            f"/api/v1/strategies/{FIXTURE['endorse']['strategy']}/endorsements",
            data=json.dumps(body),
            headers=self._bearer(rep["token"]),
            name="write: endorsement",
            catch_response=True,
        ) as response:
            if response.status_code == 201:
                # the row's time stamp names it: a repeated position returns the same row
                accepted["endorse"].append([rep["institution"], response.json()["at"], position])
                response.success()
            else:
                response.failure(f"HTTP {response.status_code}")

    # --- forum registrations (3 %): once each; a second try must be refused ---
    @task(3)
    def register(self) -> None:
        i, me = self._who()
        forum = FIXTURE["forum"]
        path = f"/api/v1/events/{forum['event']}/registrations"
        again = registered[i]
        registered[i] = True
        with self.client.post(
            path,
            data=json.dumps({"type": forum["type"]}),
            headers=self._bearer(me["token"]),
            name="write: registration (again)" if again else "write: registration",
            catch_response=True,
        ) as response:
            # Two users acting for one participant race: the "again" request may reach the
            # server first. Whichever gets the 201 made the registration; the other must be
            # refused ("You are already registered").
            if response.status_code == 201:
                accepted["register"].append([me["user"], response.json()["id"]])
                response.success()
            elif response.status_code == 400:
                refused_duplicates["register"] += 1
                response.success()
            else:
                response.failure(f"HTTP {response.status_code}")

    # --- the live room's projector (11 %) ---
    @task(8)
    def projector_api(self) -> None:
        self.client.get(f"/api/v1/live/{FIXTURE['live']}", name="projector: figures (API)")

    @task(3)
    def projector_screen(self) -> None:
        self.client.get(f"/live/{FIXTURE['live']}/screen/", name="projector: screen page")

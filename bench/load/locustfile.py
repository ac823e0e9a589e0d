"""The task mix of the load benchmark (run by ``bench/load/run.py``, which passes the fixture it built).

Each simulated user is one participant of the 20,000-participant event (accounts are shared round-robin when
there are more users than accounts) and runs one task a second (``constant_throughput(1)``), so the number of
users is the rate asked in tasks per second. Weights say how often each kind of visit comes:

- the agenda page (the phone "day" page a participant keeps open during the event): 40
- the agenda through the API (a calendar or app integration, bearer token): 10
- recommendations (the page with the 10 recommended partners and 200 others): 10
- the requests page: 6
- sending a meeting request (API), mostly to another simulated participant so that someone answers it: 6
- answering one: list my requests (API), accept the oldest pending one addressed to me, if any: 6
- the agreement's outcome dashboard (the observer's session): 6
- API lists (agreements, organisations one page, events): 8; API details (agreement, organisation, event): 8

A 409/422 answer with a ``partnering.*`` code is a refusal of the domain (quota used, request already
answered by another simulated user sharing the account), counted apart in the file ``LOAD_REFUSED`` names,
not as an error. A redirect (e.g. to the log-in page) is an error: the locust client does not follow them.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from collections import Counter

from locust import FastHttpUser, constant_throughput, events, task

FIXTURE = json.loads(open(os.environ["LOAD_FIXTURE"]).read())  # noqa: SIM115 - read once at import
EVENT = FIXTURE["event"]
PEOPLE = FIXTURE["participants"]
LOAD_IDS = [p["participant"] for p in PEOPLE]
ALL_IDS = FIXTURE["all_participants"]
ORGANISATIONS = FIXTURE["organisations"]
REFUSED: Counter[str] = Counter()
_next_person = itertools.count()


@events.test_stop.add_listener
def _write_refused(**_kwargs) -> None:
    path = os.environ.get("LOAD_REFUSED")
    if path:
        with open(path, "w") as handle:
            json.dump(dict(REFUSED), handle)


class Participant(FastHttpUser):
    wait_time = constant_throughput(1)
    # Redirects are not followed: a redirect to the log-in page must count as an error, not as a 200.
    max_redirects = 0

    def on_start(self) -> None:
        person = PEOPLE[next(_next_person) % len(PEOPLE)]
        self.me = person["participant"]
        self.page_headers = {"Cookie": f"sessionid={person['session']}"}
        self.api_headers = {"Authorization": f"Bearer {person['token']}"}
        self.observer_headers = {"Cookie": f"sessionid={FIXTURE['observer_session']}"}
        self.observer_api = {"Authorization": f"Bearer {FIXTURE['observer_token']}"}
        self.rng = random.Random(self.me)

    def _get(self, path: str, name: str, headers: dict) -> dict | list | None:
        with self.client.get(path, headers=headers, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
                return None
            response.success()
            if response.headers.get("content-type", "").startswith("application/json"):
                return response.json()
            return None

    def _post(self, path: str, name: str, body: dict | None = None) -> None:
        with self.client.post(path, json=body, headers=self.api_headers, name=name, catch_response=True) as response:
            if response.status_code in (200, 201):
                response.success()
            elif response.status_code in (409, 422) and str(response.json().get("code", "")).startswith("partnering."):
                REFUSED[name] += 1
                response.success()
            else:
                response.failure(f"status {response.status_code}")

    @task(40)
    def agenda_page(self) -> None:
        self._get(f"/events/{EVENT}/agenda/", "agenda page", self.page_headers)

    @task(10)
    def agenda_api(self) -> None:
        self._get(f"/api/partnering/events/{EVENT}/agenda", "agenda API", self.api_headers)

    @task(10)
    def recommendations(self) -> None:
        self._get(f"/events/{EVENT}/recommendations/", "recommendations", self.page_headers)

    @task(6)
    def requests_page(self) -> None:
        self._get(f"/events/{EVENT}/requests/", "requests page", self.page_headers)

    @task(6)
    def send_request(self) -> None:
        pool = LOAD_IDS if self.rng.random() < 0.8 else ALL_IDS
        recipient = self.rng.choice(pool)
        if recipient == self.me:
            recipient = self.rng.choice(ALL_IDS)
        self._post(f"/api/partnering/events/{EVENT}/requests", "request send", {"recipient": recipient})

    @task(6)
    def accept_request(self) -> None:
        mine = self._get(f"/api/partnering/events/{EVENT}/requests", "API lists", self.api_headers) or []
        pending = [r for r in mine if r["status"] == "pending" and r["recipient"] == self.me]
        if pending:
            self._post(f"/api/partnering/requests/{pending[0]['id']}/accept", "request accept")

    @task(6)
    def dashboard(self) -> None:
        self._get(f"/outcomes/agreements/{FIXTURE['agreement']}/", "dashboard", self.observer_headers)

    @task(8)
    def api_lists(self) -> None:
        kind = self.rng.randrange(4)
        if kind == 0:  # agreements are the observer's (participants see none)
            self._get("/api/agreements", "API lists", self.observer_api)
        elif kind == 1:
            self._get("/api/partnering/events", "API lists", self.api_headers)
        else:  # one page of the directory, anywhere in its 20,000 organisations
            offset = 0 if kind == 2 else self.rng.randrange(0, len(ALL_IDS), 20)
            self._get(f"/api/organisations?limit=20&offset={offset}", "API lists", self.api_headers)

    @task(8)
    def api_details(self) -> None:
        kind = self.rng.randrange(3)
        if kind == 0:
            self._get(f"/api/agreements/{FIXTURE['agreement']}", "API details", self.observer_api)
        elif kind == 1:
            self._get(f"/api/organisations/{self.rng.choice(ORGANISATIONS)}", "API details", self.api_headers)
        else:
            self._get(f"/api/partnering/events/{EVENT}", "API details", self.api_headers)

"""One soak client: full lifecycles in a loop, rotating providers, judging every outcome.

A lifecycle is submit, poll until terminal, and now and then fetch the video.
Outcomes the clients cannot tell apart from the wire alone are checked
against the mock's admin view of the task: a failed task is expected only if
a ``fail-*`` scenario chose it (with that category's code for the provider, from
its spec) or the request itself asked for a failure (a provider's test mode: the
task's outcome is ``fail`` with no scenario, where the server's default is to
succeed); a task still running at its deadline is expected only if the
``stuck`` scenario holds it; an output URL answering as expired storage only
under ``expired-url``.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from soak_flows import (
    FAILED,
    PROVIDERS,
    RUNNING,
    SUCCEEDED,
    Look,
    Submission,
    poll_request,
    read_poll,
    submission,
    submitted_ids,
    takes_webhooks,
)
from soak_hooks import WebhookReceiver
from soak_http import Answer, call
from soak_tally import Tally

from vidukit.providers import spec


@dataclass(frozen=True)
class Settings:
    base: str
    #: monotonic time after which no new lifecycle starts
    stop_at: float
    poll_interval: float = 0.25
    #: seconds from submit after which a task still running is looked into
    task_deadline: float = 20.0
    video_every: int = 20
    hook_share: float = 0.25
    seed: int = 0


class Client:
    def __init__(
        self,
        index: int,
        http: httpx.AsyncClient,
        settings: Settings,
        tally: Tally,
        hooks: WebhookReceiver,
        bodies: Mapping[str, list[Any]],
    ) -> None:
        self.index = index
        self.http = http
        self.settings = settings
        self.tally = tally
        self.hooks = hooks
        self.bodies = bodies
        self.rng = random.Random(f"soak-client:{settings.seed}:{index}")
        self.generation = 0
        # Spread the video fetches: clients in step would all encode at once every round.
        self.succeeded = self.rng.randrange(settings.video_every)

    @property
    def key(self) -> str:
        return f"soak-{self.index}-{self.generation}"

    async def run(self) -> None:
        count = self.index  # stagger the providers across clients
        while time.monotonic() < self.settings.stop_at:
            provider = PROVIDERS[count % len(PROVIDERS)]
            count += 1
            try:
                await self.lifecycle(provider)
            except Exception as exc:
                self.tally.bad("soak client crashed", provider=provider, error=repr(exc))
                self.tally.lifecycles["crashed"] += 1

    async def lifecycle(self, provider: str) -> None:
        s, tally = self.settings, self.tally
        started = time.monotonic()
        template = self.rng.choice(self.bodies[provider])
        token = uuid.uuid4().hex
        asks = takes_webhooks(provider) and self.rng.random() < s.hook_share
        hook = self.hooks.url(provider, token, self.key) if asks else None
        sub = submission(provider, s.base, self.key, template, hook)
        answer = await call(self.http, tally, sub.request, self.rng)
        if answer is None:
            tally.lifecycles["no submit answer"] += 1
            return
        ids = submitted_ids(provider, sub, answer)
        if ids is None and await self.accepted_before(sub, answer):
            tally.ok("a retried submit refused as a duplicate (its first try went through)")
            ids = sub.chosen
        if ids is None:
            tally.bad("submit not accepted", status=answer.status, response=str(answer.body),
                      **sub.request.describe())  # fmt: skip
            tally.lifecycles["submit refused"] += 1
            return
        looks = await self.poll(provider, ids, time.monotonic())
        if looks is None:
            return
        tally.latencies.append(time.monotonic() - started)
        if hook:
            self.hooks.hooks[token].ended_at = time.monotonic()
        verdicts = [await self.judge(provider, tid, look, sub) for tid, look in looks.items()]
        tally.lifecycles["succeeded" if all(verdicts) else "failed as injected"] += 1

    async def poll(self, provider: str, ids: list[str], accepted: float) -> dict[str, Look] | None:
        """Poll until every task is terminal; None when the lifecycle ended otherwise.

        The deadline runs from the submit's acceptance: a submit may wait out a
        quota's ``Retry-After`` (up to a minute) before its task even exists.
        """
        s, tally = self.settings, self.tally
        pending, done = list(ids), {}
        sent, last = 0, "none"
        while pending:
            if time.monotonic() - accepted > s.task_deadline:
                await self.overdue(provider, pending, f"{sent} polls answered, last: {last}")
                return None
            await asyncio.sleep(s.poll_interval * (0.8 + 0.4 * self.rng.random()))
            for task_id in list(pending):  # one poll per task: the wire's poll names one
                request = poll_request(provider, s.base, self.key, task_id)
                answer = await call(self.http, tally, request, self.rng)
                if answer is None:
                    continue
                sent, last = sent + 1, f"{answer.status} {str(answer.body)[:300]}"
                look = read_poll(provider, answer.body, task_id) if answer.status == 200 else None
                if look is None:
                    tally.bad("poll answer unusable", status=answer.status,
                              response=str(answer.body), **request.describe())  # fmt: skip
                    tally.lifecycles["poll refused"] += 1
                    return None
                if look.state != RUNNING:
                    done[task_id] = look
                    pending.remove(task_id)
        return done

    async def accepted_before(self, sub: Submission, answer: Answer) -> bool:
        """A retried submit refused (4xx) after its first try went through unseen: every
        task id the client chose is already on the mock (a duplicate, not a failure)."""
        if not sub.chosen or answer.attempt < 2 or not 400 <= answer.status < 500:
            return False
        for task_id in sub.chosen:
            if (await self.admin_task(task_id)).get("id") != task_id:
                return False
        return True

    async def judge(self, provider: str, task_id: str, look: Look, sub: Submission) -> bool:
        """True for a success; a failure is checked against the fault that chose it."""
        tally = self.tally
        if look.state == SUCCEEDED:
            if not isinstance(look.url, str) or not look.url:
                tally.bad("success without a video URL", provider=provider, task=task_id)
                return False
            self.succeeded += 1
            if self.succeeded % self.settings.video_every == 0:
                await self.fetch_video(provider, task_id, look.url)
            return True
        assert look.state == FAILED
        view = await self.admin_task(task_id)
        scenario = str((view.get("meta") or {}).get("scenario") or "")
        if scenario.startswith("fail-"):
            wanted = spec(provider).failures[scenario.removeprefix("fail-")]
            if look.code == wanted:
                tally.ok(f"task failed: {scenario}")
            else:
                tally.bad("failure code is not the scenario's", provider=provider, task=task_id,
                          scenario=scenario, code=look.code, wanted=wanted)  # fmt: skip
            return False
        if str(view.get("outcome") or "").startswith("fail"):
            tally.ok("task failed: the request asked for a failure (test mode)")
            return False
        tally.bad("task failed with no fault chosen", provider=provider, task=task_id,
                  code=look.code, admin=str(view)[:600])  # fmt: skip
        return False

    async def overdue(self, provider: str, pending: list[str], polls: str) -> None:
        tally = self.tally
        for task_id in pending:
            view = await self.admin_task(task_id)
            if (view.get("meta") or {}).get("scenario") == "stuck":
                tally.ok("stuck task abandoned at its deadline")
                tally.lifecycles["stuck (abandoned)"] += 1
                self.generation += 1  # its WaveSpeed concurrency slot is never freed: new key
            else:
                others = await self.unfinished_of(provider, view.get("owner"), task_id)
                tally.bad("task never finished", provider=provider, task=task_id,
                          state=view.get("state"), admin=str(view)[:600],
                          same_key_unfinished=others, polls=polls)  # fmt: skip
                tally.lifecycles["never finished"] += 1

    async def unfinished_of(self, provider: str, owner: Any, task_id: str) -> list[str]:
        """The key's other unfinished tasks (what may hold its concurrency slots)."""
        base = self.settings.base
        found = []
        for state in ("queued", "processing"):
            try:
                response = await self.http.get(
                    f"{base}/_mock/tasks", params={"provider": provider, "state": state}
                )
                tasks = response.json().get("tasks", [])
            except (httpx.HTTPError, ValueError, AttributeError):
                continue
            found += [
                f"{t.get('id')} {t.get('state')} scenario={(t.get('meta') or {}).get('scenario')}"
                f" polls={t.get('polls')} created={t.get('created_at')}"
                for t in tasks
                if t.get("owner") == owner and t.get("id") != task_id
            ]
        return found

    async def fetch_video(self, provider: str, task_id: str, url: str) -> None:
        tally = self.tally
        tally.request("media")
        try:
            response = await self.http.get(url)
        except httpx.HTTPError as exc:
            tally.bad("video fetch failed", provider=provider, url=url, error=repr(exc))
            return
        ctype = response.headers.get("content-type", "")
        if response.status_code == 200 and ctype.startswith("video/mp4"):
            if response.content[4:8] == b"ftyp":
                tally.videos["served"] += 1
                tally.ok("video served")
                return
        elif response.status_code in (403, 404):
            view = await self.admin_task(task_id)
            meta = view.get("meta") or {}
            if meta.get("scenario") == "expired-url" or meta.get("expired"):
                tally.videos["expired (expired-url)"] += 1
                tally.ok("video URL expired (expired-url)")
                return
        tally.videos["bad"] += 1
        tally.bad("video not served", provider=provider, url=url, status=response.status_code,
                  ctype=ctype, head=response.content[:200])  # fmt: skip

    async def admin_task(self, task_id: str) -> dict[str, Any]:
        self.tally.request("admin")
        try:
            response = await self.http.get(f"{self.settings.base}/_mock/tasks/{task_id}")
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            self.tally.bad("admin lookup failed", task=task_id, error=repr(exc))
            return {}
        return body if isinstance(body, dict) else {}


__all__ = ["Client", "Settings"]

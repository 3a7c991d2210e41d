"""The hub's promises, tried with a real JupyterHub, real tokens and real sandboxed kernels:
a learner's process holds only what that learner may see."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest

from kurskit.store.service_sink import ServiceSink
from kurskit.widgets.insight_dashboard import report_frame
from tests.test_hub.hubfixture import GRADED_SECRET, INSTRUCTOR, RunningHub
from tests.test_hub.kernels import run_in_kernel

pytestmark = pytest.mark.slow


def answer(hub: RunningHub, who: str, question: str, response: object, key: str) -> tuple:
    body = {"course": "demo", "question_id": question, "response": response, "idempotency_key": key}
    return hub.call("POST", hub.service + "api/answers", hub.tokens[who], body)


def mine(hub: RunningHub, who: str, question: str) -> list[dict]:
    url = hub.service + f"api/answers?course=demo&question_id={question}"
    status, answers = hub.call("GET", url, hub.tokens[who])
    assert status == 200, answers
    return answers


def test_the_learner_is_the_token_owner_never_a_name_in_the_request(hub: RunningHub) -> None:
    body = {
        "course": "demo",
        "question_id": "p-choice",
        "response": "a",
        "idempotency_key": "forge-1",
        "learner": "bob",
        "user": "bob",
    }
    status, stored = hub.call("POST", hub.service + "api/answers", hub.tokens["alice"], body)
    assert status == 200, stored
    assert [a["idempotency_key"] for a in mine(hub, "alice", "p-choice")] == ["forge-1"]
    assert mine(hub, "bob", "p-choice") == []


def test_a_learner_reads_only_their_own_answers(hub: RunningHub) -> None:
    assert answer(hub, "bob", "g-choice", "a", "bob-1")[0] == 200
    # The same key from another learner is another answer: keys belong to one learner.
    status, alices = answer(hub, "alice", "g-choice", "b", "bob-1")
    assert status == 200 and alices["response"] == "b"
    assert [a["response"] for a in mine(hub, "bob", "g-choice")] == ["a"]
    assert [a["response"] for a in mine(hub, "alice", "g-choice")] == ["b"]


def test_graded_questions_are_scored_by_the_service_and_pending_until_released(
    hub: RunningHub,
) -> None:
    status, stored = answer(hub, "alice", "g-choice", "b", "graded-right")
    assert status == 200
    assert (stored["score"], stored["correct"], stored["status"]) == (None, None, "pending")
    status, cohort = hub.call("GET", hub.service + "api/cohort?course=demo", hub.tokens[INSTRUCTOR])
    alices = next(row for row in cohort if row["name"] == "alice")
    scored = [a for a in alices["answers"] if a["question_id"] == "g-choice"]
    assert scored and all(a["status"] == "scored" for a in scored)
    assert {a["response"]: a["correct"] for a in scored} == {"b": True}


def test_the_service_enforces_attempts_not_just_the_widget(hub: RunningHub) -> None:
    results = [answer(hub, "bob", "p-choice", "b", f"try-{n}")[0] for n in range(1, 8)]
    assert results[:3] == [200, 200, 200]
    assert results[3:] == [409, 409, 409, 409]
    status, retry = answer(hub, "bob", "p-choice", "b", "try-2")  # a retry is not an attempt
    assert status == 200 and retry["attempt"] == 2
    assert len(mine(hub, "bob", "p-choice")) == 3


def test_an_instructor_reads_their_cohorts_only(hub: RunningHub) -> None:
    answer(hub, "alice", "p-choice", "b", "cohort-a")
    answer(hub, "carl", "g-choice", "a", "cohort-b")
    status, cohort = hub.call("GET", hub.service + "api/cohort?course=demo", hub.tokens[INSTRUCTOR])
    assert status == 200
    assert [(row["name"], row["cohort"]) for row in cohort] == [
        ("alice", "bibliotek-a"),
        ("bob", "bibliotek-a"),
    ]
    for row in cohort:
        assert len({a["learner"] for a in row["answers"]}) <= 1  # each row is one learner's
    assert "cohort-b" not in json.dumps(cohort)  # carl's answer is not there


def test_an_instructor_exports_their_cohorts_answers_only(hub: RunningHub) -> None:
    answer(hub, "alice", "g-choice", "b", "export-a")
    answer(hub, "carl", "g-choice", "b", "export-c")
    url = hub.service + "api/export?course=demo&format=jsonl"
    request = urllib.request.Request(
        url, headers={"Authorization": f"token {hub.tokens[INSTRUCTOR]}"}
    )
    with urllib.request.urlopen(request, timeout=60) as reply:
        records = [json.loads(line) for line in reply.read().decode().splitlines()]
    keys = {r["idempotency_key"].partition("/")[2] for r in records}
    assert "export-a" in keys and "export-c" not in keys
    assert hub.call("GET", url, hub.tokens["alice"])[0] == 403


def test_learners_cannot_reach_instructor_or_admin_actions(hub: RunningHub) -> None:
    token = hub.tokens["alice"]
    cohort = hub.call("GET", hub.service + "api/cohort?course=demo", token)
    release = hub.call(
        "POST", hub.service + "api/release", token, {"course": "demo", "module": "test"}
    )
    forget = hub.call("POST", hub.service + "api/forget", token, {"user": "bob"})
    instructor_forget = hub.call(
        "POST", hub.service + "api/forget", hub.tokens[INSTRUCTOR], {"user": "bob"}
    )
    assert [cohort[0], release[0], forget[0], instructor_forget[0]] == [403, 403, 403, 403]
    assert mine(hub, "bob", "g-choice")  # still there


def test_unauthenticated_forged_and_expired_tokens_are_refused(hub: RunningHub) -> None:
    url = hub.service + "api/answers?course=demo&question_id=p-choice"
    assert hub.call("GET", url)[0] == 401
    assert hub.call("GET", url, "0" * 64)[0] == 401
    assert hub.call("GET", url, hub.tokens["alice"][:-1] + "x")[0] == 401
    expiring = hub.client.call("POST", "/users/alice/tokens", {"expires_in": 1})["token"]
    time.sleep(2.5)
    assert hub.call("GET", url, expiring)[0] == 401
    body = {"course": "demo", "question_id": "p-choice", "response": "b", "idempotency_key": "x"}
    assert hub.call("POST", hub.service + "api/answers", None, body)[0] in (401, 403)


def test_releasing_shows_graded_scores_to_the_learner(hub: RunningHub) -> None:
    answer(hub, "bob", "g-choice", "b", "before-release")
    release = hub.call(
        "POST", hub.service + "api/release", hub.tokens[INSTRUCTOR], {"course": "demo",
        "module": "test.ipynb"},
    )  # fmt: skip
    assert release[0] == 200, release
    scored = {a["idempotency_key"]: a["correct"] for a in mine(hub, "bob", "g-choice")}
    assert scored["before-release"] is True and scored["bob-1"] is False


PROBE = """
import json, os, pathlib
paths = {name: pathlib.Path(value) for name, value in json.loads(%r).items()}
secret = %r[::-1]  # written reversed, so this cell's own history does not hold it
found = {name: path.exists() for name, path in paths.items()}
secrets = []
for root in (pathlib.Path.home(), pathlib.Path("/tmp")):
    for file in root.rglob("*"):
        try:
            if file.is_file() and secret in file.read_text(errors="ignore"):
                secrets.append(str(file))
        except OSError:
            pass
hub_processes = []
for proc in pathlib.Path("/proc").glob("[0-9]*"):
    try:
        hub_processes.append((proc / "cmdline").read_bytes().decode(errors="ignore"))
    except OSError:
        pass
print(json.dumps({
    "found": found,
    "environment": sorted(os.environ),
    "store_url": os.environ.get("KURSKIT_STORE_URL"),
    "secrets": secrets,
    "jupyterhub_visible": any("jupyterhub" in c and "singleuser" not in c for c in hub_processes),
    "home": str(pathlib.Path.home()),
    "transport": __import__("ipykernel.connect").connect.get_connection_info(unpack=True)[
        "transport"
    ],
    "edition": sorted(str(p.relative_to(pathlib.Path.home()))
                      for p in (pathlib.Path.home() / "demo").glob("*")),
}))
"""


def test_a_learners_kernel_sees_no_store_secret_key_or_other_home(hub: RunningHub) -> None:
    hub.start_server("bob")  # bob's home exists and holds his files
    seconds = hub.start_server("alice")
    assert seconds < 60
    state = hub.settings.state_dir
    paths = {
        "bob's home": str(state / "homes" / "bob"),
        "hub database": str(state / "jupyterhub.sqlite"),
        "cookie secret": str(state / "jupyterhub_cookie_secret"),
        "admin token": str(hub.settings.admin_token_file),
        "answer store": str(state / "answers.sqlite"),
        "course sources": str(hub.settings.courses_dir / "demo" / "test.ipynb"),
    }
    base = f"{hub.settings.public_url}/user/alice/"
    probe = PROBE % (json.dumps(paths), GRADED_SECRET[::-1])
    output = run_in_kernel(hub.call, base, hub.tokens["alice"], probe)
    seen = json.loads(output.strip().splitlines()[-1])
    assert seen["found"] == dict.fromkeys(paths, False)
    assert seen["store_url"] is None
    assert seen["secrets"] == []
    assert not seen["jupyterhub_visible"]
    assert seen["home"].endswith("/homes/alice")
    # Kernels talk over IPC sockets in the learner's own folder, not TCP ports on the shared
    # network, where another learner could listen to their output.
    assert seen["transport"] == "ipc"
    assert seen["edition"] == [f"demo/{name}" for name in ("course.yml", "lesson.ipynb",
                                                            "test.ipynb")]  # fmt: skip
    assert "KURSKIT_ANSWERS_URL" in seen["environment"]


def test_widgets_in_a_learners_kernel_save_through_the_service(hub: RunningHub) -> None:
    hub.start_server("alice")
    code = (
        "from kurskit.store.learner_sink import answer_sink\n"
        "from kurskit.course.scoring import Result\n"
        "sink = answer_sink()\n"
        "stored = sink.submit(course='demo', module='lesson.ipynb', question_id='p-choice',"
        " response='b', result=Result(0.0, 1.0, False), idempotency_key='from-kernel')\n"
        "print(type(sink).__name__, stored.score, stored.correct, stored.attempt)\n"
    )
    base = f"{hub.settings.public_url}/user/alice/"
    output = run_in_kernel(hub.call, base, hub.tokens["alice"], code)
    kind, score, correct, _attempt = output.split()
    # The service scored the answer itself: the kernel's claimed result (0, wrong) is ignored.
    assert (kind, score, correct) == ("ServiceSink", "1.0", "True")
    keys = [a["idempotency_key"] for a in mine(hub, "alice", "p-choice")]
    assert "from-kernel" in keys


def test_tokens_never_appear_in_the_logs(hub: RunningHub) -> None:
    hub.start_server("alice")
    log = hub.log.read_text(errors="replace")
    assert "alice" in log  # the log is the hub's
    for name, token in hub.tokens.items():
        assert token not in log, f"{name}'s token is in the hub log"
    assert hub.settings.admin_token_file.read_text().strip() not in log


def test_the_report_page_is_for_the_courses_instructors(hub: RunningHub) -> None:
    url = hub.service + "insight?course=demo"
    status, page = hub.call("GET", url, hub.tokens["alice"])
    assert status == 403 and "only instructors of 'demo'" in str(page)
    # The hub runs the service with the reports (kurskit.answers_service): the instructor
    # gets the course report of the test course (no self-assessment), without comments.
    # At least one answer in the course (409: alice used her attempts in an earlier test).
    assert answer(hub, "alice", "p-choice", "a", "report-1")[0] in (200, 409)
    status, page = hub.call("GET", url, hub.tokens[INSTRUCTOR])
    assert status == 200 and "Kursrapport: Demokurs" in str(page)
    assert "Kommentarer" not in str(page) and "<script" not in str(page)
    status, page = hub.call("GET", url + "&period=2026-h%C3%B8st", hub.tokens[INSTRUCTOR])
    assert status == 404 and "demo has no period 2026-høst" in str(page)
    # The coordinators' Voilà dashboard asks the same page with the server's own token.
    instructor = ServiceSink(hub.service, hub.tokens[INSTRUCTOR])
    framed = report_frame(instructor, "demo", "en", [])
    assert "<iframe" in framed and "Course report: Demokurs" in framed
    refused = report_frame(instructor, "demo", "nb", ["2026-høst"])
    assert "role='alert'" in refused and "demo has no period 2026-høst" in refused
    learner = report_frame(ServiceSink(hub.service, hub.tokens["alice"]), "demo", "nb", [])
    assert "only instructors of" in learner

"""The `kata` command, driven as a learner would: a subprocess in a learner's copy.

Most tests use a two-kata course whose tests need no broker (pure functions),
so their output is stable and golden; a few use a real kata and a real broker
(`kata up` reuse, `kata watch`).
"""

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kafka_katas.learner import cli, progress
from kafka_katas.learner.tools import with_bootstrap
from kafka_katas.stack.select import persistent_allowed

MANIFEST = """format_version = 1

[modules.M1]
title = "First steps"

[[kata]]
id = "greeting"
order = 1
module = "M1"
title = "Say hello"
seed = "none"
path = "m1/test_greeting.py"
points = 5
timeout = 30
needs = []
hints = ["What word greets?", "hello, in lower case.", "return 'hello'"]

[[kata]]
id = "doubling"
order = 2
module = "M1"
title = "Double it"
seed = "none"
path = "m1/test_doubling.py"
points = 10
timeout = 30
needs = []
hints = ["Multiply.", "return n * 2"]
"""

KATA = '''"""M1 · {title}."""

from kafka_katas import todo


def {name}({params}):
    # >>> ANSWER: {name}
    todo("{instruction}")
    # <<< ANSWER: {name}


def test_{name}():
    assert {call} == {expected!r}, "{message}"
'''

KATAS = {
    "greeting": dict(
        title="Say hello",
        name="greeting",
        params="",
        call="greeting()",
        expected="hello",
        instruction="Return the word 'hello'.",
        message="greeting() must return 'hello'",
        answer="    return 'hello'\n",
        wrong="    return 'bye'\n",
    ),
    "doubling": dict(
        title="Double it",
        name="doubling",
        params="n",
        call="doubling(21)",
        expected=42,
        instruction="Return n times two.",
        message="doubling(21) must be 42",
        answer="    return n * 2\n",
        wrong="    return n\n",
    ),
}


def kata_text(kata_id, answer=None):
    spec = KATAS[kata_id]
    text = KATA.format(**spec)
    if answer is not None:
        start = text.index("    todo(")
        end = text.index("    # <<< ANSWER")
        text = text[:start] + answer + text[end:]
    return text


@pytest.fixture
def course(repo_copy):
    """A learner copy (the repository's harness) holding the two-kata course, under git."""
    root = repo_copy([])
    (root / "info.toml").write_text(MANIFEST)
    for kata_id, spec in KATAS.items():
        for folder, answer in (("katas", None), ("solutions", spec["answer"])):
            path = root / folder / "m1" / f"test_{kata_id}.py"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(kata_text(kata_id, answer))
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "pristine course")
    return root


def git(root, *args):
    subprocess.run(
        ["git", "-c", "user.name=l", "-c", "user.email=l@example.com", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


def kata(root, *args, stdin="", env=None, timeout=180):
    return subprocess.run(
        [sys.executable, "-m", "kafka_katas.learner.cli", *args],
        cwd=root,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
        check=False,
    )


def plain(text):
    """Output without the parts that change from run to run (durations, clock times)."""
    text = re.sub(r"\(\d+\.\d s\)", "(T s)", text)
    return re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", "DATE", text)


def solve(root, kata_id, answer_key="answer"):
    path = root / "katas" / "m1" / f"test_{kata_id}.py"
    path.write_text(kata_text(kata_id, KATAS[kata_id][answer_key]))


LIST_PRISTINE = """\
Status without running anything: from the kata file itself, or from the last
run while the file is unchanged. `kata list --run` runs every kata now.

M1 · First steps — 0/2 solved, 0/15 points
   1. greeting  … unsolved   0/5  pts  hints 0/3  (from the file)
      todo() still in greeting
   2. doubling  … unsolved   0/10 pts  hints 0/2  (from the file)
      todo() still in doubling

score: 0/15 points, 0/2 katas solved
"""


def test_list_shows_status_source_points_and_hints(course):
    done = kata(course, "list")
    assert done.returncode == 0, done.stderr
    assert done.stdout == LIST_PRISTINE


def test_a_syntax_error_in_one_kata_does_not_break_list_for_the_others(course):
    path = course / "katas/m1/test_doubling.py"
    path.write_text(path.read_text() + "\ndef broken(:\n")
    solve(course, "greeting")

    listed = kata(course, "list", "--run")

    assert listed.returncode == 0, listed.stderr
    assert "Status from running every kata just now" in listed.stdout
    assert "1. greeting  ✔ pass       5/5  pts  hints 0/3  (this run)" in listed.stdout
    assert "2. doubling  ⚠ broken     0/10 pts  hints 0/2  (this run)" in listed.stdout
    static = kata(course, "list")
    assert "1. greeting  ✔ pass       5/5  pts  hints 0/3  (last run DATE)" in plain(static.stdout)
    assert "2. doubling  ⚠ broken     0/10 pts  hints 0/2  (from the file)" in static.stdout
    assert "syntax error, line 15: invalid syntax" in static.stdout
    run = kata(course, "run", "doubling")
    assert run.returncode == 1
    assert "⚠ broken: doubling does not load" in run.stdout
    assert "  syntax error, line 15: invalid syntax\n" in run.stdout


def test_hints_are_progressive_and_recorded(course):
    outputs = [kata(course, "hint").stdout for _ in range(4)]

    assert outputs[0] == (
        "Hints for greeting (Say hello):\n"
        "  1/3: What word greets?\n"
        "`kata hint greeting` again for hint 2.\n"
    )
    assert outputs[1] == (
        "Hints for greeting (Say hello):\n"
        "  1/3: What word greets?\n"
        "  2/3: hello, in lower case.\n"
        "`kata hint greeting` again for hint 3.\n"
    )
    last = (
        "Hints for greeting (Say hello):\n"
        "  1/3: What word greets?\n"
        "  2/3: hello, in lower case.\n"
        "  3/3: return 'hello'\n"
        "That was the last hint. The solution shows once the kata is solved.\n"
    )
    assert outputs[2] == outputs[3] == last
    kata(course, "hint", "doubling")
    assert progress.hints_used(course) == {"greeting": 3, "doubling": 1}
    stored = json.loads((course / ".kata/progress.json").read_text())
    assert stored == {"version": 1, "hints": {"greeting": 3, "doubling": 1}}
    assert "hints 3/3" in kata(course, "list").stdout


def test_only_the_hints_file_goes_into_the_learners_commits(course):
    kata(course, "hint")
    kata(course, "run", "greeting")
    assert (course / ".kata/last_run.json").exists()
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=course,
        capture_output=True,
        text=True,
        check=True,
    )
    assert status.stdout == "?? .kata/progress.json\n"


def test_kata_runs_the_current_kata_and_never_advances_silently(course):
    first = kata(course)
    assert first.returncode == 1
    assert plain(first.stdout) == (
        "kafka-katas progress (`kata list` for details)\n"
        "  M1   First steps                              ……  0/2 solved  ← greeting\n"
        "score: 0/15 points, 0/2 katas solved\n"
        "\n"
        "Running greeting: Say hello\n"
        "… unsolved: greeting, 0/1 tests pass (T s)\n"
        "  test_greeting:\n"
        "    not solved yet: Return the word 'hello'.\n"
        "  Write: greeting (line 8) in katas/m1/test_greeting.py\n"
        "  Stuck? `kata hint greeting` (hint 1 of 3)\n"
        "  Re-run: `kata`, or `kata watch` to re-run on every save.\n"
    )

    solve(course, "greeting", "wrong")
    wrong = kata(course)
    assert "✘ fail: greeting, 0/1 tests pass" in wrong.stdout
    assert "greeting() must return 'hello'" in wrong.stdout

    solve(course, "greeting")
    green = kata(course)
    assert green.returncode == 0
    assert plain(green.stdout).endswith(
        "Running greeting: Say hello\n"
        "✔ greeting solved: 1/1 tests pass (T s)\n"
        "  Next kata: doubling (Double it), in katas/m1/test_doubling.py\n"
        "  Run `kata` (or `kata next`) to start it.\n"
    )

    moved_on = kata(course)
    assert "← doubling" in moved_on.stdout
    assert "Running doubling: Double it" in moved_on.stdout
    assert "Kata 2 of 2: doubling, Double it" in kata(course, "next").stdout


def test_editing_a_solved_kata_makes_it_current_again(course):
    solve(course, "greeting")
    assert kata(course, "run", "greeting").returncode == 0
    assert "Running doubling" in kata(course).stdout
    solve(course, "greeting", "wrong")
    assert "Running greeting" in kata(course).stdout


def test_reset_asks_restores_from_git_and_keeps_hints(course):
    kata(course, "hint", "greeting")
    solve(course, "greeting")
    git(course, "commit", "-qam", "my answers")  # committed answers: HEAD is not pristine
    path = course / "katas/m1/test_greeting.py"
    path.write_text(path.read_text().replace('"""M1', '"""Edited M1'))

    declined = kata(course, "reset", "greeting", stdin="n\n")
    assert declined.returncode == 1
    assert re.sub(r"git [0-9a-f]{10}", "git REV", declined.stdout) == (
        "  greeting: katas/m1/test_greeting.py <- git REV (answers: greeting; "
        "text outside answer parts restored too)\n"
        "Reset 1 kata file(s)? Your answers will be lost. [y/N] Nothing reset.\n"
    )
    assert "return 'hello'" in path.read_text()

    done = kata(course, "reset", "greeting", stdin="y\n")
    assert done.returncode == 0
    assert done.stdout.endswith("Reset greeting.\n")
    assert path.read_text() == kata_text("greeting")
    assert kata(course, "reset", "--all", "--yes").stdout == (
        "  greeting: already pristine\n  doubling: already pristine\n"
    )
    assert progress.hints_used(course) == {"greeting": 1}


def test_reset_without_git_history_says_what_to_do(course, tmp_path):
    pristine = tmp_path / "pristine"
    pristine.mkdir()
    (course / ".git").rename(pristine / "git-moved-away")
    solve(course, "doubling")

    failed = kata(course, "reset", "doubling", "--yes")
    assert failed.returncode == 1
    assert "no pristine version found" in failed.stdout
    assert "--pristine DIR" in failed.stdout

    (pristine / "katas/m1").mkdir(parents=True)
    (pristine / "katas/m1/test_doubling.py").write_text(kata_text("doubling"))
    done = kata(course, "reset", "doubling", "--yes", "--pristine", str(pristine))
    assert done.returncode == 0, done.stdout
    assert (course / "katas/m1/test_doubling.py").read_text() == kata_text("doubling")


def test_solution_only_once_solved_or_forced(course):
    refused = kata(course, "solution", "greeting")
    assert refused.returncode == 1
    assert refused.stdout == (
        "greeting is not solved yet, so its solution stays hidden.\n"
        "Try `kata hint greeting`; `kata solution greeting --force` shows it anyway.\n"
    )
    solution = (
        "Reference answers for greeting (solutions/m1/test_greeting.py):\n"
        "\n"
        "# >>> ANSWER: greeting\n"
        "    return 'hello'\n"
        "# <<< ANSWER: greeting\n"
    )
    assert kata(course, "solution", "greeting", "--force").stdout == solution

    solve(course, "greeting", "wrong")
    still = kata(course, "solution", "greeting")
    assert still.returncode == 1
    assert "Checking that greeting is solved..." in still.stdout

    solve(course, "greeting")
    shown = kata(course, "solution", "greeting")
    assert shown.returncode == 0
    assert shown.stdout == "Checking that greeting is solved...\n" + solution


def test_verify_runs_everything_and_ignores_stored_progress(course):
    solve(course, "greeting")
    solve(course, "doubling")
    assert kata(course, "list", "--run").stdout.count("✔ pass") == 2
    solve(course, "doubling", "wrong")
    stored = json.loads((course / ".kata/last_run.json").read_text())
    stored["runs"]["doubling"]["sha256"] = progress.file_digest(
        course / "katas/m1/test_doubling.py"
    )  # a forged record: verify must not believe it
    (course / ".kata/last_run.json").write_text(json.dumps(stored))

    verified = kata(course, "verify")

    assert verified.returncode == 1
    assert "kafka-katas scoreboard" in verified.stdout
    assert "verified: 1/2 katas solved" in verified.stdout


def test_unknown_kata_and_missing_course_are_clear_errors(course, tmp_path):
    unknown = kata(course, "run", "nope")
    assert unknown.returncode == 2
    assert "no kata 'nope'; known: greeting, doubling" in unknown.stderr
    outside = kata(tmp_path, "list")
    assert outside.returncode == 2
    assert "no info.toml" in outside.stderr


def test_doctor_reports_each_section(course):
    done = kata(course, "doctor")
    titles = [line for line in done.stdout.splitlines() if line and not line.startswith(" ")]
    assert titles[1:] == [
        "Python",
        "Java (the local backend runs Kafka and the registry as JVMs)",
        "Maven (fetches the Kafka jars from Maven Central, once)",
        "Docker API (the containers backend)",
        "Backend (where Kafka runs for the katas)",
        "Ports (the local backend listens on free ports of 127.0.0.1)",
        titles[7],  # Caches (<the cache folder>; ...)
        "Course (info.toml and the kata files)",
        titles[9],  # N problem(s), M warning(s).
    ]
    assert titles[7].startswith("Caches (")
    assert "✔ 2 katas listed in" in done.stdout


def test_doctor_says_what_to_install_when_nothing_can_run_kafka(course, tmp_path):
    bare = {
        "PATH": str(Path(sys.executable).parent),
        "JAVA_HOME": str(tmp_path / "no-java"),
        "DOCKER_HOST": "unix://" + str(tmp_path / "no-docker.sock"),
        "KATA_BACKEND": "",
        "KAFKA_BOOTSTRAP_SERVERS": "",
    }
    done = kata(course, "doctor", env=bare)
    assert done.returncode == 1
    assert "! no Java 17+ found" in done.stdout
    assert "✘ no backend can run here" in done.stdout
    assert "Install a JDK 17+" in done.stdout


def test_grade_and_dev_commands_are_routed_and_missing_ones_explained(course, capsys):
    assert kata(course, "grade", "--help").returncode == 0
    check = kata(course, "dev", "check", "--static")
    assert "✔ manifest and files agree" in check.stdout  # it ran (it wants wrong answers too)
    assert cli._delegate("kafka_katas.no_such_module", "main", "`kata x`", []) == 2
    assert "`kata x` is not available" in capsys.readouterr().err


def test_cli_adds_the_bootstrap_server_only_where_missing():
    assert with_bootstrap("kafka-topics", ["--list"], "h:1") == [
        "--bootstrap-server",
        "h:1",
        "--list",
    ]
    assert with_bootstrap("kafka-topics", ["--bootstrap-server=x:2", "--list"], "h:1") == [
        "--bootstrap-server=x:2",
        "--list",
    ]
    assert with_bootstrap("kafka-cluster", ["cluster-id"], "h:1") == [
        "cluster-id",
        "--bootstrap-server",
        "h:1",
    ]
    assert with_bootstrap("kafka-storage", ["random-uuid"], "h:1") == ["random-uuid"]


# --- with a real broker -------------------------------------------------------------


def test_kata_up_is_reused_by_test_runs_and_kata_down_stops_it(repo_copy, separate_pytest):
    root = repo_copy(["ordering_by_key", "schema_evolution"])
    up = kata(root, "up", env={"KATA_BACKEND": "local"})
    try:
        assert up.returncode == 0, up.stdout + up.stderr
        with_registry = kata(root, "up", "--registry")  # added to the running stack
        assert with_registry.returncode == 0, with_registry.stdout + with_registry.stderr
        state = json.loads((root / ".kata/stack/state.json").read_text())
        assert sorted(state["pids"]) == ["kafka-1", "registry"]
        assert state["bootstrap"] in up.stdout
        assert kata(root, "status").returncode == 0

        run = separate_pytest(root, "-q", "solutions")
        assert run.returncode == 0, run.stdout + run.stderr
        assert "reused from `kata up`" in run.stdout

        topics = kata(root, "cli", "topics", "--create", "--topic", "seen-by-cli")
        assert topics.returncode == 0, topics.stdout + topics.stderr
        assert "seen-by-cli" in kata(root, "cli", "kafka-topics", "--list").stdout
        assert "kafka-1" in kata(root, "logs", "-n", "5").stdout
    finally:
        down = kata(root, "down")
    assert down.returncode == 0
    assert "Stopped" in down.stdout
    for pid in state["pids"].values():
        assert not Path(f"/proc/{pid}").exists() or "Z" in _proc_state(pid)
    assert kata(root, "status").returncode == 1


def _proc_state(pid):
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


def test_watch_reruns_on_save_waits_before_moving_on_and_spots_missed_saves(course):
    watch = subprocess.Popen(
        [sys.executable, "-m", "kafka_katas.learner.cli", "watch"],
        cwd=course,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "NO_COLOR": "1", "KATA_BACKEND": "local"},
    )
    lines = queue.Queue()

    def read():
        for line in watch.stdout:
            lines.put(line.rstrip("\n"))

    def wait_for(prefix, timeout=120):
        deadline = time.monotonic() + timeout
        seen = []
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                continue
            seen.append(line)
            if line.startswith(prefix):
                return seen
        raise AssertionError(f"no line starting with {prefix!r} in:\n" + "\n".join(seen))

    def type_in(text):
        watch.stdin.write(text + "\n")
        watch.stdin.flush()

    threading.Thread(target=read, daemon=True).start()
    path = course / "katas/m1/test_greeting.py"
    try:
        wait_for("… unsolved: greeting")
        wait_for("Watching katas/m1/test_greeting.py: save to re-run · Enter re-run")
        assert (course / ".kata/stack/state.json").exists()  # warm stack for the runs
        solve(course, "greeting", "wrong")
        assert any("greeting() must return 'hello'" in s for s in wait_for("Watching"))

        # A save that polling cannot see (same size, same mtime), then Enter.
        before = path.stat()
        path.write_text(path.read_text().replace("'bye'", "'hey'"))
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
        type_in("")
        seen = wait_for("Watching")
        assert any(s.startswith("Your last save was not noticed.") for s in seen), seen
        assert any("`kata watch --manual`" in s for s in seen)

        type_in("n")
        assert "greeting is not solved yet; `n` moves on once it is." in wait_for("greeting is")
        solve(course, "greeting")
        seen = wait_for("Watching")
        assert any(s.startswith("✔ greeting solved") for s in seen)
        assert "  In this watch: n + Enter moves on to it." in seen
        type_in("n")
        assert any(s.startswith("… unsolved: doubling") for s in wait_for("Watching"))
        type_in("q")
        assert watch.wait(timeout=60) == 0
    finally:
        if watch.poll() is None:
            watch.send_signal(signal.SIGINT)
            watch.wait(timeout=60)
    assert not (course / ".kata/stack/state.json").exists()  # its own stack is gone


@pytest.mark.parametrize(
    ("explicit", "env", "allowed"),
    [
        (None, {}, True),
        (None, {"KATA_BACKEND": "local"}, True),
        (None, {"KATA_BACKEND": "containers"}, False),
        (None, {"KAFKA_BOOTSTRAP_SERVERS": "h:9092"}, False),
        (None, {"KAFKA_BOOTSTRAP_SERVERS": "h:9092", "KATA_BACKEND": "local"}, True),
        ("external", {}, False),
        ("local", {"KATA_BACKEND": "containers"}, True),
    ],
)
def test_a_kata_up_stack_serves_only_where_the_local_backend_may(explicit, env, allowed):
    assert persistent_allowed(explicit, env) is allowed

"""info.toml is validated when loaded: bad entries fail with a precise message."""

from pathlib import Path

import pytest

from kafka_katas.kata.manifest import ManifestError, load

ROOT = Path(__file__).resolve().parents[1]

ENTRY = """
[modules.M1]
title = "One"

[[kata]]
id = "a"
order = 1
module = "M1"
title = "A"
seed = "s"
path = "m1/test_a.py"
points = 1
timeout = 10
needs = ["kafka"]
hints = ["one", "two"]
"""


def test_the_repository_manifest_loads_in_learning_order():
    manifest = load(ROOT)
    orders = [k.order for k in manifest.katas]
    assert orders == sorted(orders)
    assert manifest.max_score == sum(k.points for k in manifest.katas)
    assert all(len(k.hints) >= 2 for k in manifest.katas)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('hints = ["one", "two"]', 'hints = ["one"]'), "two progressive hints"),
        (('needs = ["kafka"]', 'needs = ["zookeeper"]'), "unknown needs"),
        (('module = "M1"', 'module = "M9"'), "no \\[modules\\] entry"),
        (("points = 1\n", ""), "missing points"),
    ],
)
def test_a_bad_entry_is_refused(tmp_path, change, message):
    (tmp_path / "info.toml").write_text(ENTRY.replace(*change))
    with pytest.raises(ManifestError, match=message):
        load(tmp_path)


def test_duplicate_ids_are_refused(tmp_path):
    second = ENTRY.split("[[kata]]")[1].replace("order = 1", "order = 2")
    (tmp_path / "info.toml").write_text(ENTRY + "[[kata]]" + second)
    with pytest.raises(ManifestError, match="duplicate kata id"):
        load(tmp_path)

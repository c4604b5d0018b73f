"""`kata dev engine`: its settings file, idempotent `up`, rebuilds only on changed inputs.

The engine tests run where `kata dev engine up` has served its socket (CI's
container stage); the settings-file tests run everywhere.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib

import pytest

from kafka_katas.engine import api_socket, config, images

needs_engine = pytest.mark.skipif(
    not api_socket.answers(), reason="`kata dev engine up` has not served its Docker API here"
)


def engine(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kafka_katas.learner.cli", "dev", "engine", *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_the_settings_file_parses_and_has_every_setting(tmp_path):
    path = tmp_path / "containers.conf"
    assert config.ensure(path).startswith(f"{path}: written (containers.default_ulimits, ")
    assert tomllib.loads(path.read_text())["engine"]["runtime"] == "runc"
    assert config.missing_settings(path) == []
    assert "already has" in config.ensure(path)


def test_a_users_own_settings_file_is_never_overwritten(tmp_path):
    path = tmp_path / "containers.conf"
    path.write_text('[engine]\nruntime = "crun"\n')
    with pytest.raises(RuntimeError, match="was not written by kafka-katas"):
        config.ensure(path)
    assert path.read_text() == '[engine]\nruntime = "crun"\n'


@needs_engine
def test_up_again_changes_nothing():
    result = engine("up")
    assert result.returncode == 0, result.stderr
    assert "already serving" in result.stdout
    assert result.stdout.count(": up to date") == 3, result.stdout
    assert f"export DOCKER_HOST={api_socket.docker_host()}" in result.stdout


@needs_engine
def test_an_image_is_rebuilt_only_when_its_inputs_change(tmp_path):
    probe = tmp_path / "probe.txt"
    probe.write_text("one")
    name = f"{images.PREFIX}/rebuild-probe:1"

    def ensure() -> bool:
        files = {"probe.txt": probe}
        containerfile = f"FROM {images.BASE_IMAGE}\nCOPY probe.txt /probe.txt\n"
        return images.ensure_image(
            name,
            images._fingerprint(files),
            lambda image, digest: images._build_from_context(image, digest, files, containerfile),
        ).rebuilt

    try:
        assert ensure()
        assert not ensure()
        probe.write_text("two")
        assert ensure()
    finally:
        subprocess.run(["podman", "rmi", "-f", name], capture_output=True, check=False)


@needs_engine
def test_the_local_kafka_image_has_the_apache_layout():
    script = (
        "ls /opt/kafka/bin/kafka-topics.sh /opt/kafka/bin/kafka-server-start.sh "
        "/opt/kafka/libs/kafka-clients-*.jar /etc/kafka/docker/run && java -version"
    )
    result = subprocess.run(
        ["podman", "run", "--rm", "--entrypoint", "/bin/sh", images.KAFKA_IMAGE, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'version "17' in result.stderr
    assert images.KAFKA_IMAGE.startswith("localhost/kafka-katas/")

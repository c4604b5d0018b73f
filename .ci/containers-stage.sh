#!/usr/bin/env bash
# CI container stage (issue 3): the container path, for real, on a local Docker-API engine.
#
# 1. `kata dev engine up` twice: a cold image build (our images removed first), then a
#    cached one; 2. `pytest solutions` on the containers backend, and the backend's own
#    tests; 3. container stack ready vs local backend ready, in this run;
# 4. the compose stack: up, a plain and an Avro record from the host, down;
# 5. `kata dev engine down`, and fail if any container is left.
# Self-contained: run from anywhere, needs root on Debian, reads no stdin.
set -euo pipefail
cd "$(dirname "$0")/.."
export CI="${CI:-true}"

kata() { python3 -m kafka_katas.learner.cli "$@"; }
stamp() { date +%s.%N; }
took() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$@"; }
section() { printf '\n=== containers stage: %s ===\n' "$*"; }
no_container_left() {
    local left
    left=$(podman ps -a --format '{{.Names}}')
    if [ -n "$left" ]; then
        echo "containers stage: FAILED, containers left after $*:" >&2
        echo "$left" >&2
        exit 1
    fi
}

engine_dir="${KATA_ENGINE_DIR:-/run/kafka-katas}"
compose_up=0
cleanup() {
    status=$?
    if [ "$compose_up" = 1 ]; then
        podman-compose -f docker-compose.yml down >/dev/null 2>&1 || true
    fi
    kata dev engine down || true
    exit "$status"
}
trap cleanup EXIT

command -v podman-compose >/dev/null || python3 -m pip install -q 'podman-compose>=1.6'

section "engine up, cold image build"
# Cold = our images removed first; Debian's .deb files stay cached by debootstrap
# (a fresh machine downloads them too, about 60 MB).
if command -v podman >/dev/null; then
    podman images --format '{{.Repository}}:{{.Tag}}' | grep '^localhost/kafka-katas/' |
        xargs -r podman rmi -f >/dev/null || true
fi
t0=$(stamp)
kata dev engine up
t1=$(stamp)
section "engine up again, cached"
kata dev engine up
t2=$(stamp)
cold_build=$(took "$t0" "$t1")
cached_build=$(took "$t1" "$t2")
eval "$(kata dev engine env)"
echo "DOCKER_HOST=$DOCKER_HOST"

section "pytest solutions on the containers backend"
KATA_BACKEND=containers python3 -m pytest solutions -q -p no:cacheprovider
no_container_left "pytest solutions"

section "the containers backend's own tests"
python3 -m pytest tests/test_containers_backend.py tests/test_engine.py -q -p no:cacheprovider
no_container_left "the backend's tests"

section "ready times, both backends in this run"
ready=$(python3 bench/ready_times.py --runs 2)
echo "$ready"
no_container_left "the ready-time runs"

section "compose stack round trip"
export KAFKA_HOST_PORT REGISTRY_HOST_PORT
KAFKA_HOST_PORT=$(python3 -c "from kafka_katas.stack.process import free_port; print(free_port())")
REGISTRY_HOST_PORT=$(python3 -c "from kafka_katas.stack.process import free_port; print(free_port())")
compose_up=1
t3=$(stamp)
podman-compose -f docker-compose.yml up -d
python3 tests/compose_roundtrip.py "127.0.0.1:$KAFKA_HOST_PORT" \
    "http://127.0.0.1:$REGISTRY_HOST_PORT/apis/ccompat/v7"
podman-compose -f docker-compose.yml down
compose_up=0
no_container_left "compose down"
echo "compose stack: up, round trip and down in $(took "$t3" "$(stamp)") s"

section "engine down"
trap - EXIT
kata dev engine down
no_container_left "engine down"
if [ -S "$engine_dir/docker.sock" ]; then
    echo "containers stage: FAILED, the Docker API socket is still there" >&2
    exit 1
fi

section "timings"
echo "image build: cold ${cold_build} s, cached ${cached_build} s"
echo "$ready"
echo "containers stage: passed, no container left"

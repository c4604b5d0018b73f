"""Apache Kafka in KRaft mode as JVM processes on 127.0.0.1.

Formatting storage costs a JVM start (about 2 s), so each node's formatted
folder is made once per Kafka version and copied for every new cluster.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from confluent_kafka.admin import AdminClient

from kafka_katas.stack import process
from kafka_katas.stack.base import StackError
from kafka_katas.stack.broker_config import kraft_properties, new_cluster_id, render
from kafka_katas.stack.local import downloads
from kafka_katas.stack.local.cds import ClassDataArchive
from kafka_katas.stack.parts import MIN_JAVA
from kafka_katas.wait import WaitTimeout, wait_until

#: Small, fast-starting JVMs: tests need neither a big heap nor peak JIT speed.
JVM_OPTIONS = ["-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"]
READY_TIMEOUT = 90.0
#: A clean shutdown plus writing the archive takes a few seconds, once per machine.
CDS_DUMP_TIMEOUT = 30.0


def log4j_config() -> Path:
    """The packaged log4j2 configuration (a real file, for -Dlog4j2.configurationFile)."""
    return Path(__file__).with_name("log4j2.properties")


@dataclass
class KafkaNode:
    """One combined broker+controller JVM."""

    node_id: int
    port: int
    controller_port: int
    workdir: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def log_file(self) -> Path:
        return self.workdir / "server.log"

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None


class LocalKafka:
    """A KRaft cluster of `nodes` JVMs under `workdir`, torn down by `stop()`."""

    def __init__(self, workdir: Path, nodes: int = 1, *, tied_to_parent: bool = True) -> None:
        self.workdir = workdir
        self.tied_to_parent = tied_to_parent
        self.java, self.java_version = process.find_java(MIN_JAVA)
        self.cds: ClassDataArchive | None = None
        self.nodes = [
            KafkaNode(i, process.free_port(), process.free_port(), workdir / f"node-{i}")
            for i in range(1, nodes + 1)
        ]

    @property
    def bootstrap_servers(self) -> str:
        return ",".join(node.bootstrap for node in self.nodes)

    def start(self) -> None:
        libs = downloads.kafka_libs()
        self.cds = ClassDataArchive(libs.parent, "kafka", self.java, self.java_version)
        voters = {n.node_id: f"127.0.0.1:{n.controller_port}" for n in self.nodes}
        for node in self.nodes:
            self._prepare(node, libs, voters)
        for node in self.nodes:
            self.start_node(node.node_id)
        self.wait_ready()

    def start_node(self, node_id: int) -> None:
        """(Re)start one node; katas about failover stop and start nodes."""
        node = self.node(node_id)
        if node.is_running():
            return
        node.process = process.spawn(
            [
                str(self.java),
                *JVM_OPTIONS,
                *self._class_data_options(node_id),
                f"-Dlog4j2.configurationFile={log4j_config()}",
                f"-Dkata.log.file={node.log_file}",
                "-cp",
                str(downloads.kafka_libs() / "*"),
                "kafka.Kafka",
                str(node.workdir / "server.properties"),
            ],
            log_file=node.workdir / "stdout.log",
            tied_to_parent=self.tied_to_parent,
        )

    def stop_node(self, node_id: int) -> None:
        """Kill one node, as a crash would."""
        process.kill(self.node(node_id).process)

    def node(self, node_id: int) -> KafkaNode:
        return self.nodes[node_id - 1]

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> None:
        """Return once every node accepts connections and the cluster lists all brokers."""
        started = time.monotonic()
        for node in self.nodes:
            try:
                wait_until(
                    lambda node=node: (
                        self._check_alive(node) and process.port_open("127.0.0.1", node.port)
                    ),
                    timeout=timeout,
                    describe=f"Kafka node {node.node_id} did not open port {node.port}",
                )
            except WaitTimeout as exc:
                raise StackError(f"{exc}\n{self._log_tail(node)}") from None
        admin = AdminClient({"bootstrap.servers": self.bootstrap_servers, "log_level": 0})
        remaining = max(5.0, timeout - (time.monotonic() - started))
        try:
            wait_until(
                lambda: (
                    all(self._check_alive(n) for n in self.nodes)
                    and len(_broker_ids(admin)) == len(self.nodes)
                ),
                timeout=remaining,
                describe=f"the cluster did not list {len(self.nodes)} broker(s)",
            )
        except WaitTimeout as exc:
            raise StackError(f"{exc}\n{self._log_tail(self.nodes[0])}") from None

    def _class_data_options(self, node_id: int) -> list[str]:
        if self.cds is None or (node_id != 1 and not self.cds.exists):
            return []
        return self.cds.jvm_options()

    def stop(self) -> None:
        if self.cds is not None and not self.cds.exists and self.nodes[0].is_running():
            self._record_class_data()
        for node in self.nodes:
            process.kill(node.process)

    def _record_class_data(self) -> None:
        """Let node 1 exit cleanly once, so the JVM writes its class-data archive."""
        first = self.nodes[0].process
        assert first is not None
        assert self.cds is not None
        first.terminate()
        try:
            first.wait(timeout=CDS_DUMP_TIMEOUT)
        except subprocess.TimeoutExpired:
            return  # no archive this time; the next run tries again
        self.cds.keep_recording()

    def _check_alive(self, node: KafkaNode) -> bool:
        if node.process is not None and node.process.poll() is not None:
            raise StackError(
                f"Kafka node {node.node_id} exited with code {node.process.returncode} "
                f"during start-up.\n{self._log_tail(node)}"
            )
        return True

    def _log_tail(self, node: KafkaNode) -> str:
        return (
            f"--- last lines of {node.log_file} ---\n{process.tail(node.log_file)}\n"
            f"--- last lines of {node.workdir / 'stdout.log'} ---\n"
            f"{process.tail(node.workdir / 'stdout.log', 10)}"
        )

    def _prepare(self, node: KafkaNode, libs: Path, voters: dict[int, str]) -> None:
        node.workdir.mkdir(parents=True, exist_ok=True)
        data = node.workdir / "data"
        props = kraft_properties(
            node_id=node.node_id,
            voters=voters,
            listeners={
                "PLAINTEXT": f"127.0.0.1:{node.port}",
                "CONTROLLER": f"127.0.0.1:{node.controller_port}",
            },
            advertised={"PLAINTEXT": f"127.0.0.1:{node.port}"},
            log_dir=str(data),
        )
        (node.workdir / "server.properties").write_text(render(props))
        template = self._formatted_template(node.node_id, len(self.nodes), libs, voters)
        shutil.copytree(template, data)

    def _formatted_template(
        self, node_id: int, size: int, libs: Path, voters: dict[int, str]
    ) -> Path:
        """Formatted storage for `node_id` of a `size`-node cluster, made once and cached."""
        template = libs.parent / "formatted" / f"cluster-of-{size}" / f"node-{node_id}"
        if (template / "meta.properties").exists():
            return template
        with downloads.locked(template.with_suffix(".lock")):
            if not (template / "meta.properties").exists():
                self._format(template, node_id, libs, voters)
        return template

    def _format(self, template: Path, node_id: int, libs: Path, voters: dict[int, str]) -> None:
        staging = template.with_name(f"{template.name}.partial")
        shutil.rmtree(staging, ignore_errors=True)
        cluster_id = self._shared_cluster_id(template.parent)
        props_file = staging.with_suffix(".properties")
        staging.parent.mkdir(parents=True, exist_ok=True)
        props_file.write_text(
            render(
                kraft_properties(
                    node_id=node_id,
                    voters=voters,
                    listeners={"PLAINTEXT": "127.0.0.1:0", "CONTROLLER": voters[node_id]},
                    advertised={"PLAINTEXT": "127.0.0.1:0"},
                    log_dir=str(staging),
                )
            )
        )
        result = subprocess.run(
            [
                str(self.java),
                "-cp",
                str(libs / "*"),
                "kafka.tools.StorageTool",
                "format",
                f"--cluster-id={cluster_id}",
                "-c",
                str(props_file),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        props_file.unlink(missing_ok=True)
        if result.returncode != 0:
            raise StackError(f"formatting Kafka storage failed:\n{result.stdout}{result.stderr}")
        shutil.rmtree(template, ignore_errors=True)
        staging.rename(template)

    @staticmethod
    def _shared_cluster_id(folder: Path) -> str:
        """Every node of one cluster shape is formatted with the same cluster id."""
        id_file = folder / "cluster.id"
        folder.mkdir(parents=True, exist_ok=True)
        if not id_file.exists():
            id_file.write_text(new_cluster_id())
        return id_file.read_text().strip()


def _broker_ids(admin: AdminClient) -> set[int]:
    try:
        return set(admin.list_topics(timeout=2).brokers)
    except Exception:
        logging.getLogger(__name__).debug("metadata not ready yet", exc_info=True)
        return set()

"""The Kafka command-line tools by their script names, and the classes behind them.

Containers run `/opt/kafka/bin/<tool>.sh`; the local backend runs the same
main class from the Maven Central jars. Names follow the scripts, without
`.sh`: `kafka-topics`, `kafka-console-producer`, ...
"""

from __future__ import annotations

from collections.abc import Sequence

from kafka_katas.stack.base import StackError

MAIN_CLASSES: dict[str, str] = {
    "kafka-topics": "org.apache.kafka.tools.TopicCommand",
    "kafka-console-producer": "org.apache.kafka.tools.ConsoleProducer",
    "kafka-console-consumer": "org.apache.kafka.tools.consumer.ConsoleConsumer",
    "kafka-consumer-groups": "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand",
    "kafka-transactions": "org.apache.kafka.tools.TransactionsCommand",
    "kafka-get-offsets": "org.apache.kafka.tools.GetOffsetShell",
    "kafka-metadata-quorum": "org.apache.kafka.tools.MetadataQuorumCommand",
    "kafka-configs": "org.apache.kafka.tools.ConfigCommand",
    "kafka-cluster": "org.apache.kafka.tools.ClusterTool",
    "kafka-broker-api-versions": "org.apache.kafka.tools.BrokerApiVersionsCommand",
    "kafka-delete-records": "org.apache.kafka.tools.DeleteRecordsCommand",
    "kafka-leader-election": "org.apache.kafka.tools.LeaderElectionCommand",
    "kafka-log-dirs": "org.apache.kafka.tools.LogDirsCommand",
    "kafka-storage": "kafka.tools.StorageTool",
}


def tool_name(tool: str) -> str:
    """Accept `kafka-topics`, `kafka-topics.sh` or `topics`; return `kafka-topics`."""
    name = tool.removesuffix(".sh")
    if not name.startswith("kafka-"):
        name = f"kafka-{name}"
    if name not in MAIN_CLASSES:
        known = ", ".join(sorted(MAIN_CLASSES))
        raise StackError(f"unknown Kafka tool {tool!r}; known tools: {known}")
    return name


def jvm_cli_command(tool: str, args: Sequence[str]) -> list[str]:
    """Run a tool's main class from the cached Maven Central jars (needs Java 17+)."""
    from kafka_katas.stack import process
    from kafka_katas.stack.local import downloads
    from kafka_katas.stack.parts import MIN_JAVA

    java, _ = process.find_java(MIN_JAVA)
    return [
        str(java),
        "-Xmx256m",
        "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1",
        "-cp",
        str(downloads.kafka_libs() / "*"),
        MAIN_CLASSES[tool_name(tool)],
        *args,
    ]

#!/bin/sh
# Starts a broker/controller: kafka-server-start.sh <server.properties>
bin_dir=$(dirname "$0")
export KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms64m -Xmx512m}"
export KAFKA_LOG4J_OPTS="${KAFKA_LOG4J_OPTS:--Dlog4j2.configurationFile=$bin_dir/../config/log4j2.properties}"
exec "$bin_dir/kafka-run-class.sh" kafka.Kafka "$@"

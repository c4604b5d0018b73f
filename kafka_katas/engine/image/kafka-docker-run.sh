#!/bin/sh
# The image's default command: a KRaft node configured by the environment, following the
# convention the apache/kafka image documents, so one compose file drives both images:
# KAFKA_FOO_BAR=v becomes foo.bar=v (`__` stands for `_`, `___` for `-`); CLUSTER_ID names
# the cluster. The JVM option variables (KAFKA_HEAP_OPTS, ...) are not broker settings.
set -eu
bin=/opt/kafka/bin
props=/tmp/kafka-docker/server.properties
mkdir -p "$(dirname "$props")"
env | grep '^KAFKA_' | while IFS='=' read -r name value; do
  case "$name" in
    KAFKA_HEAP_OPTS | KAFKA_JVM_PERFORMANCE_OPTS | KAFKA_LOG4J_OPTS | KAFKA_OPTS | \
      KAFKA_GC_LOG_OPTS | KAFKA_JMX_OPTS | KAFKA_JMX_PORT | KAFKA_JMX_HOSTNAME | KAFKA_DEBUG | \
      KAFKA_VERSION | KAFKA_LOG4J_ROOT_LOGLEVEL | KAFKA_LOG4J_LOGGERS | KAFKA_TOOLS_LOG4J_LOGLEVEL)
      continue ;;
  esac
  key=$(printf '%s' "${name#KAFKA_}" | sed -e 's/___/-/g' -e 's/__/@/g' -e 's/_/./g' -e 's/@/_/g' | tr 'A-Z' 'a-z')
  printf '%s=%s\n' "$key" "$value"
done >"$props"
grep -q '^log\.dirs=' "$props" || echo 'log.dirs=/tmp/kraft-combined-logs' >>"$props"
cluster_id="${CLUSTER_ID:-$("$bin/kafka-storage.sh" random-uuid)}"
"$bin/kafka-storage.sh" format --ignore-formatted --cluster-id="$cluster_id" -c "$props"
exec "$bin/kafka-server-start.sh" "$props"

"""The local backend: Kafka and Apicurio as JVM processes from Maven Central jars."""

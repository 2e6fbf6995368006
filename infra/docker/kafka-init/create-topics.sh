#!/usr/bin/env bash
# One-shot topic creation for docker-compose (auto topic creation is off on the broker).
# Keep in step with libs/contracts (Topics); test/compose.spec.ts checks that it is.
set -euo pipefail

BOOTSTRAP="${KAFKA_BOOTSTRAP:-kafka:9092}"
TOPICS_CMD=/opt/kafka/bin/kafka-topics.sh

# topic:partitions (the partition count is fixed at creation: it must match the contract's)
for entry in sp.referrals.lifecycle.v1:6 sp.organisations.directory.v1:6 sp.referrals.teams.v1:3; do
  topic="${entry%%:*}"
  partitions="${entry##*:}"
  for name in "$topic" "$topic.dlq"; do
    "$TOPICS_CMD" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
      --topic "$name" --partitions "$partitions" --replication-factor 1
  done
done
"$TOPICS_CMD" --bootstrap-server "$BOOTSTRAP" --list

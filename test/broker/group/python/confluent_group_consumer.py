"""A confluent-kafka (librdkafka) consumer-group member for the group coordinator tests.

Usage: confluent_group_consumer.py BOOTSTRAP GROUP TOPIC EXPECTED [INSTANCE_ID]
Subscribes, consumes EXPECTED records (bounded by a deadline), commits synchronously, closes,
and prints one JSON object: the assignment, the records read, the committed offsets, the
assignments over time ("history": [unix time, partitions]; [] on revoke) and when it left. A negative EXPECTED means: stay in the group for that many
seconds (a member of a mixed group) and commit nothing.
"""
import json
import os
import sys
import time

from confluent_kafka import Consumer, TopicPartition

bootstrap, group, topic, expected = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
instance = sys.argv[5] if len(sys.argv) > 5 else None
conf = {
    "bootstrap.servers": bootstrap,
    "group.id": group,
    "auto.offset.reset": "earliest",
    "enable.auto.commit": False,
    "session.timeout.ms": 6000,
    "heartbeat.interval.ms": 500,
    # ASSIGNOR=cooperative-sticky for incremental (cooperative) rebalancing; the broker only relays.
    "partition.assignment.strategy": os.environ.get("ASSIGNOR", "range"),
}
if instance:
    conf["group.instance.id"] = instance
consumer = Consumer(conf)
assigned = []
current = []
history = []


def on_assign(c, ps):
    assigned.extend(p.partition for p in ps)
    # Incremental: an eager assignor revokes everything first, a cooperative one only what moves.
    current[:] = sorted(set(current) | {p.partition for p in ps})
    history.append([time.time(), list(current)])


def on_revoke(c, ps):
    current[:] = sorted(set(current) - {p.partition for p in ps})
    history.append([time.time(), []])


consumer.subscribe([topic], on_assign=on_assign, on_revoke=on_revoke)
records = []
stay = -expected if expected < 0 else None
deadline = time.time() + (stay if stay is not None else 20)
quiet_until = None
while time.time() < deadline:
    if stay is None and len(records) >= expected and assigned:
        # Poll a little longer: nothing beyond the expected records may arrive.
        quiet_until = quiet_until or time.time() + 1.0
        if time.time() >= quiet_until:
            break
    msg = consumer.poll(0.2)
    if msg is None:
        continue
    if msg.error():
        print(json.dumps({"error": str(msg.error())}), file=sys.stderr)
        continue
    records.append([msg.partition(), msg.offset(), msg.value().decode()])
if records and stay is None:
    consumer.commit(asynchronous=False)
committed = consumer.committed([TopicPartition(topic, p) for p in sorted(set(assigned))], timeout=10)
left_at = time.time()
consumer.close()
print(json.dumps({
    "assigned": sorted(set(assigned)),
    "records": records,
    "committed": {str(tp.partition): tp.offset for tp in committed},
    "history": history, "left_at": left_at,
}))

"""A confluent-kafka (librdkafka) consumer-group member for the group coordinator tests.

Usage: confluent_group_consumer.py BOOTSTRAP GROUP TOPIC EXPECTED [INSTANCE_ID]
Subscribes, consumes EXPECTED records (bounded by a deadline), commits synchronously, closes,
and prints one JSON object: the assignment, the records read, the committed offsets.
"""
import json
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
    "partition.assignment.strategy": "range",
}
if instance:
    conf["group.instance.id"] = instance
consumer = Consumer(conf)
assigned = []
consumer.subscribe([topic], on_assign=lambda c, ps: assigned.extend(p.partition for p in ps))
records = []
deadline = time.time() + 20
quiet_until = None
while time.time() < deadline:
    if len(records) >= expected and assigned:
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
if records:
    consumer.commit(asynchronous=False)
committed = consumer.committed([TopicPartition(topic, p) for p in sorted(set(assigned))], timeout=10)
consumer.close()
print(json.dumps({
    "assigned": sorted(set(assigned)),
    "records": records,
    "committed": {str(tp.partition): tp.offset for tp in committed},
}))

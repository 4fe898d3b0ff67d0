"""A kafka-python consumer-group member for the group coordinator tests.

Usage: kafka_python_group_consumer.py BOOTSTRAP GROUP TOPIC EXPECTED
Same contract as confluent_group_consumer.py: consume EXPECTED records and commit, or with a
negative EXPECTED stay in the group that many seconds; prints one JSON object.
"""
import json
import sys
import time

from kafka import KafkaConsumer, TopicPartition
from kafka.consumer.subscription_state import ConsumerRebalanceListener

bootstrap, group, topic, expected = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
consumer = KafkaConsumer(
    bootstrap_servers=bootstrap,
    group_id=group,
    client_id='samsa-group-kafka-python',
    auto_offset_reset='earliest',
    enable_auto_commit=False,
    session_timeout_ms=6000,
    heartbeat_interval_ms=500,
    request_timeout_ms=15000,
)
assigned = []
current = []
history = []


class Listener(ConsumerRebalanceListener):
    def on_partitions_revoked(self, revoked):
        current[:] = []
        history.append([time.time(), []])

    def on_partitions_assigned(self, ps):
        assigned.extend(p.partition for p in ps)
        current[:] = sorted(p.partition for p in ps)
        history.append([time.time(), list(current)])


consumer.subscribe([topic], listener=Listener())
records = []
stay = -expected if expected < 0 else None
deadline = time.time() + (stay if stay is not None else 20)
quiet_until = None
while time.time() < deadline:
    if stay is None and len(records) >= expected and assigned:
        quiet_until = quiet_until or time.time() + 1.0
        if time.time() >= quiet_until:
            break
    for tp, msgs in consumer.poll(timeout_ms=200).items():
        for m in msgs:
            records.append([m.partition, m.offset, m.value.decode()])
if records and stay is None:
    consumer.commit()
committed = {str(p): consumer.committed(TopicPartition(topic, p)) for p in sorted(set(assigned))}
left_at = time.time()
consumer.close()
print(json.dumps({"assigned": sorted(set(assigned)), "records": records, "committed": committed, "history": history, "left_at": left_at}))

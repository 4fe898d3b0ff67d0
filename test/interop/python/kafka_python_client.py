"""kafka-python (pure Python) as an interop client: metadata, create-topic, produce, consume.

Run with /usr/bin/python3 (Debian's python3-kafka). See interop_common.py for the output.
kafka-python 2.0 has no idempotent producer: it produces with acks=all, retries and one request
in flight per connection, which keeps each partition in order.
"""
import logging
import sys
import time

import kafka
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic

from interop_common import Deadline, emit, log, parser, read_records, text


def base_config(args):
    return {'bootstrap_servers': args.bootstrap, 'client_id': 'samsa-interop-kafka-python', 'request_timeout_ms': 15000}


def metadata(args):
    admin = KafkaAdminClient(**base_config(args))
    try:
        cluster = admin.describe_cluster()
        names = admin.list_topics()
        topics = {}
        for t in (admin.describe_topics(names) if names else []):
            topics[t['topic']] = {
                'error': None if t['error_code'] == 0 else t['error_code'],
                'partitions': sorted(({'id': p['partition'], 'leader': p['leader'], 'replicas': list(p['replicas']), 'isrs': list(p['isr'])}
                                      for p in t['partitions']), key=lambda p: p['id']),
            }
        emit({
            'cluster_id': cluster.get('cluster_id'),
            'controller_id': cluster.get('controller_id'),
            'brokers': sorted(({'id': b['node_id'], 'host': b['host'], 'port': b['port']} for b in cluster['brokers']), key=lambda b: b['id']),
            'topics': topics,
        })
    finally:
        admin.close()


def create_topic(args):
    deadline = Deadline(args.timeout)
    if args.mode == 'admin':
        admin = KafkaAdminClient(**base_config(args))
        try:
            response = admin.create_topics([NewTopic(args.topic, num_partitions=args.partitions, replication_factor=1)], timeout_ms=10000)
            errors = [(t, code) for t, code, *_ in response.topic_errors if code != 0]
            if errors:
                raise RuntimeError('CreateTopics errors: %s' % errors)
        finally:
            admin.close()
    # A producer's metadata request for the topic (auto-creating it in --mode auto) until it has partitions.
    producer = KafkaProducer(**base_config(args), max_block_ms=int(max(1.0, deadline.left()) * 1000))
    try:
        count = 0
        while count == 0:
            deadline.check('metadata for %s' % args.topic)
            count = len(producer.partitions_for(args.topic) or [])
            if count == 0:
                time.sleep(0.1)
    finally:
        producer.close(timeout=5)
    emit({'mode': args.mode, 'topic': args.topic, 'partitions': count})


def produce(args):
    deadline = Deadline(args.timeout)
    records = read_records(args.input)
    producer = KafkaProducer(
        **base_config(args),
        acks='all',
        retries=5,
        max_in_flight_requests_per_connection=1,
        linger_ms=10,
        batch_size=64 * 1024,
        compression_type=None if args.compression == 'none' else args.compression,
        max_block_ms=int(args.timeout * 1000),
    )
    failed = []

    def ok(seq):
        return lambda md: emit({'seq': seq, 'partition': md.partition, 'offset': md.offset})

    def bad(seq):
        def on_error(exc):
            failed.append(seq)
            emit({'seq': seq, 'error': repr(exc)})
        return on_error

    try:
        for r in records:
            future = producer.send(
                r['topic'],
                key=r['key'].encode('utf-8'),
                value=r['value'].encode('utf-8'),
                partition=r['partition'],
                headers=[(k, v.encode('utf-8')) for k, v in r['headers']],
                timestamp_ms=r.get('timestamp'),
            )
            future.add_callback(ok(r['seq']))
            future.add_errback(bad(r['seq']))
        producer.flush(timeout=deadline.left())
    finally:
        producer.close(timeout=5)
    if failed:
        log('produce: %d failed' % len(failed))
        return 1
    return 0


def consume(args):
    deadline = Deadline(args.timeout)
    # No group_id: no coordinator, no commits; partitions are assigned explicitly.
    consumer = KafkaConsumer(**base_config(args), group_id=None, enable_auto_commit=False, auto_offset_reset='earliest',
                             max_partition_fetch_bytes=4 * 1024 * 1024)
    try:
        partitions = None
        while not partitions:
            deadline.check('partitions of %s' % args.topic)
            partitions = consumer.partitions_for_topic(args.topic)
            if not partitions:
                time.sleep(0.1)
        tps = [TopicPartition(args.topic, p) for p in sorted(partitions)]
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        end = consumer.end_offsets(tps)
        log('consume: end offsets %s' % {tp.partition: o for tp, o in end.items()})
        position = {tp: 0 for tp in tps}
        while any(position[tp] < end[tp] for tp in tps):
            deadline.check('consume (positions %s, end %s)' % (position, end))
            for tp, messages in consumer.poll(timeout_ms=500, max_records=2000).items():
                for m in messages:
                    emit({
                        'partition': m.partition,
                        'offset': m.offset,
                        'key': text(m.key),
                        'value': text(m.value),
                        'headers': [[k, text(v)] for k, v in (m.headers or [])],
                        'timestamp': m.timestamp,
                        'timestampType': m.timestamp_type,
                    })
                    position[tp] = m.offset + 1
    finally:
        consumer.close(autocommit=False)
    return 0


def main():
    args = parser(__doc__).parse_args()
    logging.basicConfig(stream=sys.stderr, level=logging.DEBUG if args.debug else logging.WARNING)
    log('kafka-python %s' % kafka.__version__)
    result = {'metadata': metadata, 'create-topic': create_topic, 'produce': produce, 'consume': consume}[args.command](args)
    sys.stdout.flush()
    return result or 0


if __name__ == '__main__':
    sys.exit(main())

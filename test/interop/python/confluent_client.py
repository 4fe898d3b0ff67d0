"""confluent-kafka-python (librdkafka) as an interop client: metadata, create-topic, produce, consume.

Run with /usr/bin/python3 (Debian's python3-confluent-kafka). See interop_common.py for the output.
"""
import sys
import time

import confluent_kafka
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from interop_common import Deadline, emit, log, parser, read_records, text


def base_config(args):
    conf = {'bootstrap.servers': args.bootstrap, 'client.id': 'samsa-interop-confluent', 'socket.timeout.ms': 10000}
    if args.debug:
        conf['debug'] = 'broker,protocol,msg,topic,metadata'
    return conf


def metadata(args):
    admin = AdminClient(base_config(args))
    md = admin.list_topics(timeout=args.timeout)
    emit({
        'cluster_id': md.cluster_id,
        'controller_id': md.controller_id,
        'brokers': sorted(({'id': b.id, 'host': b.host, 'port': b.port} for b in md.brokers.values()), key=lambda b: b['id']),
        'topics': {
            name: {
                'error': None if t.error is None else str(t.error),
                'partitions': sorted(({'id': p.id, 'leader': p.leader, 'replicas': list(p.replicas), 'isrs': list(p.isrs)}
                                      for p in t.partitions.values()), key=lambda p: p['id']),
            } for name, t in md.topics.items()
        },
    })


def wait_for_partitions(handle, topic, deadline):
    """Metadata for `topic` until it has partitions with leaders; returns the partition count."""
    while True:
        deadline.check('metadata for %s' % topic)
        md = handle.list_topics(topic=topic, timeout=max(1.0, deadline.left()))
        t = md.topics.get(topic)
        if t is not None and t.error is None and len(t.partitions) > 0 and all(p.leader >= 0 for p in t.partitions.values()):
            return len(t.partitions)
        time.sleep(0.1)


def create_topic(args):
    deadline = Deadline(args.timeout)
    if args.mode == 'admin':
        admin = AdminClient(base_config(args))
        futures = admin.create_topics([NewTopic(args.topic, num_partitions=args.partitions, replication_factor=args.replication_factor)],
                                      operation_timeout=10, request_timeout=15)
        futures[args.topic].result(timeout=deadline.left())
        count = wait_for_partitions(admin, args.topic, deadline)
    else:
        # A producer's Metadata request for the topic asks the broker to create it (num.partitions).
        producer = Producer(base_config(args))
        count = wait_for_partitions(producer, args.topic, deadline)
    emit({'mode': args.mode, 'topic': args.topic, 'partitions': count})


def produce(args):
    deadline = Deadline(args.timeout)
    records = read_records(args.input)
    conf = base_config(args)
    conf.update({
        'enable.idempotence': True,
        'acks': 'all',
        'linger.ms': 10,
        'compression.type': args.compression,
        'message.timeout.ms': int(args.timeout * 1000),
    })
    producer = Producer(conf)
    failed = []

    def report(seq):
        def on_delivery(err, msg):
            if err is not None:
                failed.append(seq)
                emit({'seq': seq, 'error': str(err)})
            else:
                emit({'seq': seq, 'partition': msg.partition(), 'offset': msg.offset()})
        return on_delivery

    started = time.monotonic()
    for i, r in enumerate(records):
        if args.rate > 0:
            # Paced: record i goes out no earlier than i / rate seconds after the start.
            wait = started + i / args.rate - time.monotonic()
            if wait > 0:
                producer.poll(wait)
        kwargs = {
            'key': r['key'].encode('utf-8'),
            'value': r['value'].encode('utf-8'),
            'partition': r['partition'],
            'headers': [(k, v.encode('utf-8')) for k, v in r['headers']],
            'on_delivery': report(r['seq']),
        }
        if r.get('timestamp') is not None:
            kwargs['timestamp'] = r['timestamp']
        while True:
            try:
                producer.produce(r['topic'], **kwargs)
                break
            except BufferError:
                deadline.check('produce (local queue full)')
                producer.poll(0.05)
        producer.poll(0)
    remaining = producer.flush(deadline.left())
    if remaining > 0 or failed:
        log('produce: %d not delivered, %d failed' % (remaining, len(failed)))
        return 1
    return 0


def consume(args):
    deadline = Deadline(args.timeout)
    conf = base_config(args)
    # librdkafka's consumer needs a group.id. With assign(), explicit start offsets and no commits
    # it never joins or commits: at most FindCoordinator (when the broker serves it), never
    # JoinGroup, OffsetFetch or OffsetCommit.
    conf.update({
        'group.id': 'samsa-interop-unused',
        'enable.auto.commit': False,
        'enable.auto.offset.store': False,
        'auto.offset.reset': 'earliest',
    })
    consumer = Consumer(conf)
    try:
        md = consumer.list_topics(topic=args.topic, timeout=max(1.0, deadline.left()))
        partitions = sorted(md.topics[args.topic].partitions.keys())
        end = {}
        for p in partitions:
            low, high = consumer.get_watermark_offsets(TopicPartition(args.topic, p), timeout=max(1.0, deadline.left()))
            end[p] = high
        log('consume: end offsets %s' % end)
        consumer.assign([TopicPartition(args.topic, p, confluent_kafka.OFFSET_BEGINNING) for p in partitions])
        position = {p: 0 for p in partitions}
        while any(position[p] < end[p] for p in partitions):
            deadline.check('consume (positions %s, end %s)' % (position, end))
            for m in consumer.consume(num_messages=1000, timeout=0.5):
                if m.error() is not None:
                    log('consume: %s' % m.error())
                    continue
                ts_type, ts = m.timestamp()
                emit({
                    'partition': m.partition(),
                    'offset': m.offset(),
                    'key': text(m.key()),
                    'value': text(m.value()),
                    'headers': [[k, text(v)] for k, v in (m.headers() or [])],
                    'timestamp': ts,
                    'timestampType': {confluent_kafka.TIMESTAMP_CREATE_TIME: 0, confluent_kafka.TIMESTAMP_LOG_APPEND_TIME: 1}.get(ts_type, -1),
                })
                position[m.partition()] = m.offset() + 1
    finally:
        consumer.close()
    return 0


def main():
    args = parser(__doc__).parse_args()
    log('confluent-kafka %s, librdkafka %s' % (confluent_kafka.version()[0], confluent_kafka.libversion()[0]))
    result = {'metadata': metadata, 'create-topic': create_topic, 'produce': produce, 'consume': consume}[args.command](args)
    sys.stdout.flush()
    return result or 0


if __name__ == '__main__':
    sys.exit(main())

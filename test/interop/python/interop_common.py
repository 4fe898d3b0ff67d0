"""Shared by the interop helper scripts: argument parsing, JSON-lines output, bounded waits.

Every script prints machine-readable JSON on stdout (one object per line) and diagnostics on
stderr, and exits non-zero on failure. The TypeScript tests in test/interop/ run them with
/usr/bin/python3 and assert on the output.
"""
import argparse
import json
import sys
import time


def parser(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument('command', choices=['metadata', 'create-topic', 'produce', 'consume'])
    p.add_argument('--bootstrap', required=True)
    p.add_argument('--topic')
    p.add_argument('--partitions', type=int, help='create-topic: partition count to ask for')
    p.add_argument('--replication-factor', type=int, default=1, help='create-topic (admin): replication factor to ask for')
    p.add_argument('--mode', choices=['admin', 'auto'], default='admin',
                   help='create-topic: the admin API (CreateTopics) or auto-creation through Metadata')
    p.add_argument('--input', help='produce: JSON-lines file of records (topic, partition, key, value, headers, timestamp, seq)')
    p.add_argument('--compression', default='none')
    p.add_argument('--rate', type=float, default=0.0, help='produce: at most this many records per second (0: as fast as possible)')
    p.add_argument('--timeout', type=float, default=60.0, help='give up after this many seconds')
    p.add_argument('--debug', action='store_true', help="the client's protocol debug log on stderr")
    return p


def emit(obj):
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, separators=(',', ':')) + '\n')


def log(msg):
    sys.stderr.write(msg + '\n')
    sys.stderr.flush()


def read_records(path):
    with open(path, encoding='utf-8') as f:
        return [json.loads(line) for line in f if line.strip()]


def text(b):
    return None if b is None else b.decode('utf-8')


class Deadline:
    def __init__(self, seconds):
        self.end = time.monotonic() + seconds
        self.seconds = seconds

    def left(self):
        return max(0.0, self.end - time.monotonic())

    def expired(self):
        return time.monotonic() >= self.end

    def check(self, what):
        if self.expired():
            raise TimeoutError('%s: not done within %.0f s' % (what, self.seconds))

import { atLeast, between, listOf, oneOf, validator } from './config-definition.js';
import type { ConfigDefinition, ConfigImportance, ConfigType, ConfigValidator } from './config-definition.js';
import {
  COMPRESSION_TYPES,
  INT_MAX,
  LONG_MAX,
  gzipLevelValidator,
  metadataVersionValidator,
  topicConfigDefinitions,
} from './topic-config-definitions.js';
import type { TopicConfigDefinition } from './topic-config-definitions.js';

/**
 * Kafka's broker configuration keys (Kafka 3.x, ZooKeeper mode) as Samsa knows them. Facts —
 * names, types, defaults, valid values, importance, dynamic update mode — follow Kafka's
 * documentation; the doc lines are Samsa's own words. Where Samsa's default differs from
 * Kafka's, `samsaNote` says so.
 *
 * A key absent from this table is reported as unknown (a warning, not an error), like Kafka's
 * "supplied but isn't a known config".
 */
export interface BrokerConfigDefinition extends ConfigDefinition {
  /** Kafka's "Dynamic Update Mode": whether AlterConfigs may change it at run time, and for whom. */
  readonly dynamic: DynamicUpdateMode;
  /** The topic-level config this broker key supplies the default of (log.segment.bytes → segment.bytes). */
  readonly topicSynonym?: string;
  /** Set for keys Samsa accepts but does not act on: setting one (non-empty) gives this warning. */
  readonly ignoredReason?: string;
  /** How Samsa departs from Kafka for this key (a different default, a narrower meaning). */
  readonly samsaNote?: string;
}

export type DynamicUpdateMode = 'read-only' | 'per-broker' | 'cluster-wide';

interface Extra {
  validator?: ConfigValidator;
  ignoredReason?: string;
  samsaNote?: string;
}

let synonymIndex: Map<string, TopicConfigDefinition> | undefined;

/** Broker key -> the topic config it is a synonym of (built once: ~300 keys each looked up). */
function topicOfBrokerSynonym(): Map<string, TopicConfigDefinition> {
  if (synonymIndex === undefined) {
    synonymIndex = new Map();
    for (const t of topicConfigDefinitions.values()) for (const s of t.brokerSynonyms) if (!synonymIndex.has(s.name)) synonymIndex.set(s.name, t);
  }
  return synonymIndex;
}

function key(
  name: string,
  type: ConfigType,
  defaultValue: string | null,
  importance: ConfigImportance,
  dynamic: DynamicUpdateMode,
  doc: string,
  extra: Extra = {},
): BrokerConfigDefinition {
  const synonymOf = topicOfBrokerSynonym().get(name);
  return {
    name,
    type,
    default: defaultValue,
    importance,
    dynamic,
    doc,
    ...(synonymOf === undefined ? {} : { topicSynonym: synonymOf.name }),
    ...(extra.validator === undefined ? {} : { validator: extra.validator }),
    ...(extra.ignoredReason === undefined ? {} : { ignoredReason: extra.ignoredReason }),
    ...(extra.samsaNote === undefined ? {} : { samsaNote: extra.samsaNote }),
  };
}

const KRAFT = 'Samsa runs in ZooKeeper mode (or with its local metadata store) and has no KRaft controller; this key is ignored';
const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'];
const nonEmpty = validator('non-empty string', (v) => ((v as string) === '' ? 'Expected a non-empty string' : undefined));

const DEFINITIONS: BrokerConfigDefinition[] = [
  // ---- identity and cluster
  key('broker.id', 'int', '-1', 'high', 'read-only',
    'This broker\'s id; -1 lets ZooKeeper generate one when broker.id.generation.enable is true. Equal to node.id when both are set.',
    { samsaNote: 'Without zookeeper.connect and with neither broker.id nor node.id set, Samsa uses 0.' }),
  key('node.id', 'int', '-1', 'high', 'read-only',
    'This node\'s id (KRaft\'s name for broker.id); Samsa accepts either, and they must agree when both are set.'),
  key('broker.id.generation.enable', 'boolean', 'true', 'medium', 'read-only',
    'Whether a broker without an id gets one generated through ZooKeeper.'),
  key('reserved.broker.max.id', 'int', '1000', 'medium', 'read-only',
    'Ids up to this value are for configured brokers; generated ids start above it.', { validator: atLeast(0) }),
  key('broker.rack', 'string', null, 'medium', 'read-only', 'The rack of this broker, for rack-aware replica placement.'),
  key('cluster.id', 'string', null, 'medium', 'read-only',
    'Samsa only: the cluster id to use or expect; without it the id stored in the log directories (or a new one) is used.',
    { samsaNote: 'Not a Kafka server.properties key (Kafka keeps the id in meta.properties).' }),
  key('process.roles', 'list', '', 'high', 'read-only', 'KRaft roles of this node (broker, controller).',
    { validator: listOf('broker', 'controller'), ignoredReason: KRAFT }),
  key('controller.quorum.voters', 'list', '', 'high', 'read-only', 'KRaft: the controller quorum as id@host:port.',
    { ignoredReason: KRAFT }),
  key('controller.quorum.bootstrap.servers', 'list', '', 'high', 'read-only', 'KRaft: controllers to bootstrap from.',
    { ignoredReason: KRAFT }),
  key('controller.listener.names', 'string', null, 'high', 'read-only',
    'KRaft: the listeners used by the controller; Samsa does not open them.', { ignoredReason: KRAFT }),
  key('metadata.log.dir', 'string', null, 'high', 'read-only', 'KRaft: where the metadata log lives.',
    { ignoredReason: KRAFT }),
  key('inter.broker.protocol.version', 'string', '3.7-IV4', 'medium', 'read-only',
    'The protocol version brokers use with each other.', { validator: metadataVersionValidator }),
  key('unstable.api.versions.enable', 'boolean', 'false', 'low', 'read-only',
    'Whether ApiVersions advertises API versions still marked unstable.'),

  // ---- ZooKeeper
  key('zookeeper.connect', 'string', null, 'high', 'read-only',
    'ZooKeeper connection string host:port[,host:port...][/chroot]; unset, Samsa keeps metadata in its local store.',
    {
      validator: validator('host:port[,host:port...][/chroot]', (v) =>
        /^[^,/\s]+(:\d+)?(,[^,/\s]+(:\d+)?)*(\/[^\s]*)?$/.test(v as string)
          ? undefined
          : 'Expected host:port[,host:port...][/chroot]'),
      samsaNote: 'Optional in Samsa: without it a single broker keeps its metadata locally.',
    }),
  key('zookeeper.session.timeout.ms', 'int', '18000', 'high', 'read-only', 'ZooKeeper session timeout.'),
  key('zookeeper.connection.timeout.ms', 'int', null, 'high', 'read-only',
    'How long to wait for a ZooKeeper connection; unset means zookeeper.session.timeout.ms.'),
  key('zookeeper.max.in.flight.requests', 'int', '10', 'high', 'read-only',
    'The most unanswered requests sent to ZooKeeper at once.', { validator: atLeast(1) }),
  key('zookeeper.set.acl', 'boolean', 'false', 'high', 'read-only', 'Whether the broker sets secure ACLs on its znodes.'),
  key('zookeeper.metadata.migration.enable', 'boolean', 'false', 'high', 'read-only',
    'Kafka\'s ZooKeeper-to-KRaft migration switch; not supported by Samsa.'),

  // ---- listeners and security
  key('listeners', 'string', 'PLAINTEXT://:9092', 'high', 'per-broker',
    'Where to listen, as NAME://host:port pairs; an empty host binds every interface.'),
  key('advertised.listeners', 'string', null, 'high', 'per-broker',
    'The addresses given to clients, if different from listeners; unset means the listeners.',
    { samsaNote: 'When defaulted from listeners, an empty or wildcard host is advertised as localhost (Kafka: the canonical host name).' }),
  key('listener.security.protocol.map', 'string', 'PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL',
    'low', 'per-broker', 'Security protocol of each listener name, as NAME:PROTOCOL pairs.'),
  key('inter.broker.listener.name', 'string', null, 'medium', 'read-only',
    'The listener brokers use to talk to each other; unset means the one named after security.inter.broker.protocol.'),
  key('security.inter.broker.protocol', 'string', 'PLAINTEXT', 'medium', 'read-only',
    'Security protocol between brokers; not to be set together with inter.broker.listener.name.',
    { validator: oneOf(...SECURITY_PROTOCOLS) }),
  key('sasl.enabled.mechanisms', 'list', 'GSSAPI', 'medium', 'per-broker', 'SASL mechanisms the broker accepts.'),
  key('sasl.mechanism.inter.broker.protocol', 'string', 'GSSAPI', 'medium', 'per-broker', 'SASL mechanism between brokers.'),
  key('sasl.jaas.config', 'password', null, 'medium', 'per-broker', 'JAAS login context for SASL connections.'),
  key('ssl.keystore.type', 'string', 'JKS', 'medium', 'per-broker', 'Format of the key store file.'),
  key('ssl.keystore.location', 'string', null, 'high', 'per-broker', 'Location of the key store file.'),
  key('ssl.keystore.password', 'password', null, 'high', 'per-broker', 'Password of the key store file.'),
  key('ssl.key.password', 'password', null, 'high', 'per-broker', 'Password of the private key in the key store.'),
  key('ssl.truststore.type', 'string', 'JKS', 'medium', 'per-broker', 'Format of the trust store file.'),
  key('ssl.truststore.location', 'string', null, 'high', 'per-broker', 'Location of the trust store file.'),
  key('ssl.truststore.password', 'password', null, 'high', 'per-broker', 'Password of the trust store file.'),
  key('ssl.client.auth', 'string', 'none', 'medium', 'per-broker', 'Whether TLS clients must (required), may (requested) or need not authenticate.',
    { validator: oneOf('required', 'requested', 'none') }),
  key('ssl.protocol', 'string', 'TLSv1.3', 'medium', 'per-broker', 'TLS protocol used to create the SSL context.'),
  key('ssl.enabled.protocols', 'list', 'TLSv1.2,TLSv1.3', 'medium', 'per-broker', 'TLS protocols enabled for connections.'),
  key('ssl.endpoint.identification.algorithm', 'string', 'https', 'low', 'per-broker', 'Host name verification algorithm.'),
  key('authorizer.class.name', 'string', '', 'low', 'read-only', 'The authorizer, by class name; empty for none.'),
  key('principal.builder.class', 'class', 'org.apache.kafka.common.security.authenticator.DefaultKafkaPrincipalBuilder',
    'medium', 'per-broker', 'Builds the principal of an authenticated connection.'),
  key('super.users', 'list', '', 'medium', 'read-only', 'Principals allowed everything by the ACL authorizer.'),
  key('allow.everyone.if.no.acl.found', 'boolean', 'false', 'medium', 'read-only',
    'ACL authorizer: whether a resource without ACLs is open to everyone.'),
  key('create.topic.policy.class.name', 'class', null, 'low', 'read-only', 'Policy that validates topic creations.'),
  key('alter.config.policy.class.name', 'class', null, 'low', 'read-only', 'Policy that validates config changes.'),

  // ---- network and threads
  key('num.network.threads', 'int', '3', 'high', 'cluster-wide', 'Threads that receive requests and send responses.',
    { validator: atLeast(1) }),
  key('num.io.threads', 'int', '8', 'high', 'cluster-wide', 'Threads that process requests, including disk I/O.',
    { validator: atLeast(1) }),
  key('background.threads', 'int', '10', 'high', 'cluster-wide', 'Threads for background work.', { validator: atLeast(1) }),
  key('queued.max.requests', 'int', '500', 'high', 'read-only',
    'Requests queued for the I/O threads before the network stops reading.', { validator: atLeast(1) }),
  key('queued.max.request.bytes', 'long', '-1', 'medium', 'read-only',
    'Bytes of queued requests before the network stops reading; -1 for no limit.'),
  key('socket.send.buffer.bytes', 'int', '102400', 'high', 'read-only', 'SO_SNDBUF of server sockets; -1 for the OS default.'),
  key('socket.receive.buffer.bytes', 'int', '102400', 'high', 'read-only', 'SO_RCVBUF of server sockets; -1 for the OS default.'),
  key('socket.request.max.bytes', 'int', '104857600', 'high', 'read-only', 'The largest request the broker reads.',
    { validator: atLeast(1) }),
  key('socket.listen.backlog.size', 'int', '50', 'medium', 'read-only', 'Pending-connection queue length of each listener.',
    { validator: atLeast(1) }),
  key('connections.max.idle.ms', 'long', '600000', 'medium', 'read-only', 'Idle connections are closed after this long.'),
  key('connections.max.reauth.ms', 'long', '0', 'medium', 'read-only', 'Most time between SASL re-authentications; 0 for none.'),
  key('max.connections', 'int', INT_MAX, 'medium', 'cluster-wide', 'The most connections the broker accepts.',
    { validator: atLeast(0) }),
  key('max.connections.per.ip', 'int', INT_MAX, 'medium', 'cluster-wide', 'The most connections from one IP address.',
    { validator: atLeast(0) }),
  key('max.connections.per.ip.overrides', 'string', '', 'medium', 'cluster-wide', 'Per-IP or per-host limits, as host:count pairs.'),
  key('request.timeout.ms', 'int', '30000', 'high', 'read-only', 'How long the broker waits for answers to its own requests.'),
  key('fetch.max.bytes', 'int', '57671680', 'medium', 'read-only', 'The most bytes one fetch response carries.',
    { validator: atLeast(1024) }),
  key('max.incremental.fetch.session.cache.slots', 'int', '1000', 'medium', 'read-only',
    'The most incremental fetch sessions the broker keeps.', { validator: atLeast(0) }),
  key('fetch.purgatory.purge.interval.requests', 'int', '1000', 'medium', 'read-only', 'Purge interval of the fetch purgatory.'),
  key('producer.purgatory.purge.interval.requests', 'int', '1000', 'medium', 'read-only', 'Purge interval of the produce purgatory.'),
  key('delete.records.purgatory.purge.interval.requests', 'int', '1', 'medium', 'read-only', 'Purge interval of the delete-records purgatory.'),
  key('metric.reporters', 'list', '', 'low', 'cluster-wide', 'Metric reporter classes.'),
  key('metrics.num.samples', 'int', '2', 'low', 'read-only', 'Samples kept to compute metrics.', { validator: atLeast(1) }),
  key('metrics.sample.window.ms', 'long', '30000', 'low', 'read-only', 'Window of one metrics sample.', { validator: atLeast(1) }),
  key('metrics.recording.level', 'string', 'INFO', 'low', 'read-only', 'The highest recording level of metrics.'),

  // ---- topics
  key('num.partitions', 'int', '1', 'medium', 'read-only', 'Partitions of an auto-created topic, or of a created topic that names none.',
    { validator: atLeast(1) }),
  key('default.replication.factor', 'int', '1', 'medium', 'read-only', 'Replication factor of topics created without one.'),
  key('auto.create.topics.enable', 'boolean', 'true', 'high', 'read-only', 'Whether metadata requests for an unknown topic create it.'),
  key('delete.topic.enable', 'boolean', 'true', 'high', 'read-only', 'Whether topics may be deleted.'),
  key('min.insync.replicas', 'int', '1', 'high', 'cluster-wide',
    'With acks=all, the fewest in-sync replicas that must hold a write for it to succeed.', { validator: atLeast(1) }),
  key('unclean.leader.election.enable', 'boolean', 'false', 'high', 'cluster-wide',
    'Whether a replica out of the ISR may become leader as a last resort.'),
  key('auto.leader.rebalance.enable', 'boolean', 'true', 'high', 'read-only', 'Whether preferred leaders are restored periodically.'),
  key('leader.imbalance.check.interval.seconds', 'long', '300', 'high', 'read-only', 'How often leader balance is checked.',
    { validator: atLeast(1) }),
  key('leader.imbalance.per.broker.percentage', 'int', '10', 'high', 'read-only', 'Imbalance per broker that triggers a rebalance.'),
  key('controlled.shutdown.enable', 'boolean', 'true', 'medium', 'read-only', 'Whether a stopping broker first moves its leaderships away.'),
  key('controlled.shutdown.max.retries', 'int', '3', 'medium', 'read-only', 'Attempts of a controlled shutdown.'),
  key('controlled.shutdown.retry.backoff.ms', 'long', '5000', 'medium', 'read-only', 'Wait between controlled shutdown attempts.'),
  key('controller.socket.timeout.ms', 'int', '30000', 'medium', 'read-only', 'Socket timeout of controller-to-broker channels.'),
  key('message.max.bytes', 'int', '1048588', 'high', 'cluster-wide', 'The largest record batch accepted (topic: max.message.bytes).',
    { validator: atLeast(0) }),
  key('compression.type', 'string', 'producer', 'high', 'cluster-wide',
    'Final compression of topics: a codec, "uncompressed", or "producer" to keep the producer\'s.',
    { validator: oneOf(...COMPRESSION_TYPES) }),
  key('compression.gzip.level', 'int', '-1', 'medium', 'cluster-wide', 'gzip level for compression.type=gzip.',
    { validator: gzipLevelValidator }),
  key('compression.lz4.level', 'int', '9', 'medium', 'cluster-wide', 'lz4 level for compression.type=lz4.',
    { validator: between(1, 17) }),
  key('compression.zstd.level', 'int', '3', 'medium', 'cluster-wide', 'zstd level for compression.type=zstd.',
    { validator: between(-131072, 22) }),

  // ---- log
  key('log.dir', 'string', './data', 'high', 'read-only', 'The directory of the log data, used when log.dirs is not set.',
    { samsaNote: 'Kafka\'s default is /tmp/kafka-logs; Samsa keeps data in ./data so that `npm start` survives a reboot.' }),
  key('log.dirs', 'string', null, 'high', 'read-only', 'Comma-separated directories of the log data; unset means log.dir.'),
  key('num.recovery.threads.per.data.dir', 'int', '1', 'high', 'cluster-wide',
    'Threads per log directory for recovery at startup and flushing at shutdown.', { validator: atLeast(1) }),
  key('log.segment.bytes', 'int', '1073741824', 'high', 'cluster-wide', 'The size at which a segment file is rolled.',
    { validator: atLeast(14) }),
  key('log.roll.ms', 'long', null, 'high', 'cluster-wide', 'The age at which a segment is rolled; unset means log.roll.hours.'),
  key('log.roll.hours', 'int', '168', 'high', 'read-only', 'The age in hours at which a segment is rolled.',
    { validator: atLeast(1) }),
  key('log.roll.jitter.ms', 'long', null, 'high', 'cluster-wide',
    'The most random time subtracted from the roll time; unset means log.roll.jitter.hours.'),
  key('log.roll.jitter.hours', 'int', '0', 'high', 'read-only', 'The most random time in hours subtracted from the roll time.',
    { validator: atLeast(0) }),
  key('log.retention.ms', 'long', null, 'high', 'cluster-wide',
    'How long segments are kept; -1 for no limit. Wins over log.retention.minutes and log.retention.hours.'),
  key('log.retention.minutes', 'int', null, 'high', 'read-only',
    'How long segments are kept, in minutes; wins over log.retention.hours.'),
  key('log.retention.hours', 'int', '168', 'high', 'read-only', 'How long segments are kept, in hours.'),
  key('log.retention.bytes', 'long', '-1', 'high', 'cluster-wide', 'The most bytes a partition keeps; -1 for no limit.'),
  key('log.retention.check.interval.ms', 'long', '300000', 'medium', 'read-only',
    'How often the retention of every log is enforced.', { validator: atLeast(1) }),
  key('log.index.size.max.bytes', 'int', '10485760', 'medium', 'cluster-wide', 'The size of a segment\'s index files.',
    { validator: atLeast(4) }),
  key('log.index.interval.bytes', 'int', '4096', 'medium', 'cluster-wide', 'Bytes of records between two offset-index entries.',
    { validator: atLeast(0) }),
  key('log.flush.interval.messages', 'long', LONG_MAX, 'high', 'cluster-wide', 'Force an fsync after this many messages.',
    { validator: atLeast(1) }),
  key('log.flush.interval.ms', 'long', null, 'high', 'cluster-wide',
    'Force an fsync when unflushed data is this old; unset means log.flush.scheduler.interval.ms.'),
  key('log.flush.scheduler.interval.ms', 'long', LONG_MAX, 'high', 'read-only', 'How often logs are checked for a due flush.'),
  key('log.flush.offset.checkpoint.interval.ms', 'int', '60000', 'high', 'read-only',
    'How often recovery points are checkpointed.', { validator: atLeast(0) }),
  key('log.flush.start.offset.checkpoint.interval.ms', 'int', '60000', 'high', 'read-only',
    'How often log start offsets are checkpointed.', { validator: atLeast(0) }),
  key('log.cleanup.policy', 'list', 'delete', 'medium', 'cluster-wide', 'Default cleanup policy: delete, compact, or both.',
    { validator: listOf('compact', 'delete') }),
  key('log.segment.delete.delay.ms', 'long', '60000', 'high', 'cluster-wide', 'How long a deleted segment\'s files linger.',
    { validator: atLeast(0) }),
  key('log.message.timestamp.type', 'string', 'CreateTime', 'medium', 'cluster-wide',
    'Whether record timestamps are the producer\'s (CreateTime) or the broker\'s (LogAppendTime).',
    { validator: oneOf('CreateTime', 'LogAppendTime') }),
  key('log.message.timestamp.difference.max.ms', 'long', LONG_MAX, 'medium', 'cluster-wide',
    'Deprecated: largest difference between a CreateTime timestamp and the broker clock.', { validator: atLeast(0) }),
  key('log.message.timestamp.before.max.ms', 'long', LONG_MAX, 'medium', 'cluster-wide',
    'How far in the past a CreateTime timestamp may be.', { validator: atLeast(0) }),
  key('log.message.timestamp.after.max.ms', 'long', LONG_MAX, 'medium', 'cluster-wide',
    'How far in the future a CreateTime timestamp may be.', { validator: atLeast(0) }),
  key('log.message.downconversion.enable', 'boolean', 'true', 'low', 'cluster-wide',
    'Whether fetches from old clients may be down-converted.'),
  key('log.message.format.version', 'string', '3.0-IV1', 'medium', 'read-only',
    'Deprecated: ignored from inter.broker.protocol.version 3.0 on.', { validator: metadataVersionValidator }),
  key('log.preallocate', 'boolean', 'false', 'medium', 'cluster-wide', 'Whether new segment files are preallocated.'),
  key('log.local.retention.ms', 'long', '-2', 'medium', 'cluster-wide', 'Tiered storage: local retention time; -2 means log.retention.ms.',
    { validator: atLeast(-2) }),
  key('log.local.retention.bytes', 'long', '-2', 'medium', 'cluster-wide', 'Tiered storage: local retention size; -2 means log.retention.bytes.',
    { validator: atLeast(-2) }),
  key('remote.log.storage.system.enable', 'boolean', 'false', 'medium', 'read-only', 'Whether tiered storage is enabled (not supported by Samsa).'),
  key('log.cleaner.enable', 'boolean', 'true', 'medium', 'read-only', 'Whether the log cleaner (compaction) runs.'),
  key('log.cleaner.threads', 'int', '1', 'medium', 'cluster-wide', 'Threads of the log cleaner.', { validator: atLeast(0) }),
  key('log.cleaner.dedupe.buffer.size', 'long', '134217728', 'medium', 'cluster-wide', 'Memory for deduplication, across cleaner threads.'),
  key('log.cleaner.io.buffer.size', 'int', '524288', 'medium', 'cluster-wide', 'I/O buffer memory, across cleaner threads.',
    { validator: atLeast(0) }),
  key('log.cleaner.io.buffer.load.factor', 'double', '0.9', 'medium', 'cluster-wide', 'Load factor of the dedupe buffer.'),
  key('log.cleaner.io.max.bytes.per.second', 'double', '1.7976931348623157E308', 'medium', 'cluster-wide',
    'I/O throttle of the log cleaner.'),
  key('log.cleaner.backoff.ms', 'long', '15000', 'medium', 'cluster-wide', 'Sleep of the cleaner when there is nothing to clean.',
    { validator: atLeast(0) }),
  key('log.cleaner.min.cleanable.ratio', 'double', '0.5', 'medium', 'cluster-wide',
    'Least share of dirty log that makes a log eligible for cleaning.', { validator: between(0, 1) }),
  key('log.cleaner.delete.retention.ms', 'long', '86400000', 'medium', 'cluster-wide', 'How long tombstones are kept.',
    { validator: atLeast(0) }),
  key('log.cleaner.min.compaction.lag.ms', 'long', '0', 'medium', 'cluster-wide', 'Least time a record stays uncompacted.',
    { validator: atLeast(0) }),
  key('log.cleaner.max.compaction.lag.ms', 'long', LONG_MAX, 'medium', 'cluster-wide', 'Most time a record stays uncompacted.',
    { validator: atLeast(1) }),

  // ---- replication
  key('num.replica.fetchers', 'int', '1', 'high', 'cluster-wide', 'Fetcher threads per source broker.'),
  key('replica.fetch.max.bytes', 'int', '1048576', 'medium', 'read-only', 'Bytes per partition a follower fetches at once.',
    { validator: atLeast(0) }),
  key('replica.fetch.min.bytes', 'int', '1', 'high', 'read-only', 'Least bytes a follower fetch waits for.'),
  key('replica.fetch.wait.max.ms', 'int', '500', 'high', 'read-only', 'Longest a follower fetch waits at the leader.'),
  key('replica.fetch.backoff.ms', 'int', '1000', 'medium', 'read-only', 'Sleep after a follower fetch error.',
    { validator: atLeast(0) }),
  key('replica.fetch.response.max.bytes', 'int', '10485760', 'medium', 'read-only', 'Most bytes of one follower fetch response.',
    { validator: atLeast(0) }),
  key('replica.lag.time.max.ms', 'long', '30000', 'high', 'read-only', 'A follower that has not caught up for this long leaves the ISR.'),
  key('replica.socket.timeout.ms', 'int', '30000', 'high', 'read-only', 'Socket timeout of follower fetches.'),
  key('replica.socket.receive.buffer.bytes', 'int', '65536', 'high', 'read-only', 'SO_RCVBUF of follower fetch sockets.'),
  key('replica.high.watermark.checkpoint.interval.ms', 'long', '5000', 'high', 'read-only', 'How often high watermarks are checkpointed.'),
  key('replica.selector.class', 'string', null, 'medium', 'read-only', 'Chooses the replica a consumer fetches from.'),

  // ---- groups and offsets
  key('offsets.topic.num.partitions', 'int', '50', 'high', 'read-only', 'Partitions of __consumer_offsets (fixed once created).',
    { validator: atLeast(1) }),
  key('offsets.topic.replication.factor', 'short', '3', 'high', 'read-only', 'Replication factor of __consumer_offsets.',
    { validator: atLeast(1) }),
  key('offsets.topic.segment.bytes', 'int', '104857600', 'high', 'read-only', 'Segment size of __consumer_offsets.',
    { validator: atLeast(1) }),
  key('offsets.topic.compression.codec', 'int', '0', 'high', 'read-only', 'Compression codec id for __consumer_offsets batches.'),
  key('offsets.load.buffer.size', 'int', '5242880', 'high', 'read-only', 'Read size when loading offsets into the cache.',
    { validator: atLeast(1) }),
  key('offsets.retention.minutes', 'int', '10080', 'high', 'read-only', 'How long committed offsets of an empty group are kept.',
    { validator: atLeast(1) }),
  key('offsets.retention.check.interval.ms', 'long', '600000', 'high', 'read-only', 'How often stale offsets are looked for.',
    { validator: atLeast(1) }),
  key('offsets.commit.timeout.ms', 'int', '5000', 'high', 'read-only', 'How long an offset commit waits for its replicas.',
    { validator: atLeast(1) }),
  key('offsets.commit.required.acks', 'short', '-1', 'high', 'read-only', 'Deprecated: acks of offset commits.'),
  key('group.initial.rebalance.delay.ms', 'int', '3000', 'medium', 'read-only',
    'How long the first rebalance of a new group waits for more members.'),
  key('group.min.session.timeout.ms', 'int', '6000', 'medium', 'read-only', 'The shortest session timeout a member may ask for.'),
  key('group.max.session.timeout.ms', 'int', '1800000', 'medium', 'read-only', 'The longest session timeout a member may ask for.'),
  key('group.max.size', 'int', INT_MAX, 'medium', 'read-only', 'The most members of one consumer group.', { validator: atLeast(1) }),

  // ---- transactions and producer ids
  key('transaction.state.log.num.partitions', 'int', '50', 'high', 'read-only', 'Partitions of __transaction_state.',
    { validator: atLeast(1) }),
  key('transaction.state.log.replication.factor', 'short', '3', 'high', 'read-only', 'Replication factor of __transaction_state.',
    { validator: atLeast(1) }),
  key('transaction.state.log.min.isr', 'int', '2', 'high', 'read-only', 'min.insync.replicas of __transaction_state.',
    { validator: atLeast(1) }),
  key('transaction.state.log.segment.bytes', 'int', '104857600', 'high', 'read-only', 'Segment size of __transaction_state.',
    { validator: atLeast(1) }),
  key('transaction.state.log.load.buffer.size', 'int', '5242880', 'high', 'read-only', 'Read size when loading transaction state.',
    { validator: atLeast(1) }),
  key('transaction.max.timeout.ms', 'int', '900000', 'high', 'read-only', 'The longest transaction timeout a producer may ask for.',
    { validator: atLeast(1) }),
  key('transactional.id.expiration.ms', 'int', '604800000', 'high', 'read-only',
    'A transactional id with no activity for this long expires.', { validator: atLeast(1) }),
  key('transaction.abort.timed.out.transaction.cleanup.interval.ms', 'int', '10000', 'low', 'read-only',
    'How often timed-out transactions are rolled back.', { validator: atLeast(1) }),
  key('transaction.remove.expired.transaction.cleanup.interval.ms', 'int', '3600000', 'low', 'read-only',
    'How often expired transactional ids are removed.', { validator: atLeast(1) }),
  key('producer.id.expiration.ms', 'int', '86400000', 'low', 'cluster-wide',
    'Producer state of an idle producer id is dropped after this long.', { validator: atLeast(1) }),
  key('producer.id.expiration.check.interval.ms', 'int', '600000', 'low', 'read-only',
    'How often expired producer ids are looked for.', { validator: atLeast(1) }),
];

/** Every broker key Samsa knows, by name. */
export const brokerConfigDefinitions: ReadonlyMap<string, BrokerConfigDefinition> = new Map(
  DEFINITIONS.map((d) => [d.name, d]),
);

/**
 * The broker keys that describe the same setting as `name`, in precedence order, as Kafka lists
 * them for DescribeConfigs' synonyms: log.retention.ms → [ms, minutes, hours],
 * log.roll.ms → [ms, hours], log.flush.interval.ms → [interval, scheduler interval]. A key that
 * is not the first of its group gets the whole group too (Kafka then drops the ones before it).
 */
export function brokerSynonymsOf(name: string): string[] {
  for (const t of topicConfigDefinitions.values()) {
    const names = t.brokerSynonyms.map((s) => s.name);
    if (names.length > 1 && names.includes(name)) return names;
  }
  return [name];
}

/**
 * The stopping broker's side of a controlled shutdown (controlled.shutdown.enable): before it stops
 * serving, it asks the controller (ControlledShutdown over the inter-broker listener, or its own
 * controller directly when it is the controller) to move the leadership of its partitions to
 * other in-sync replicas, so clients fail over at once instead of after the session timeout. It
 * retries controlled.shutdown.max.retries times, controlled.shutdown.retry.backoff.ms apart,
 * while partitions remain; then it stops anyway (Kafka's "unclean shutdown" of the broker).
 */
import type { Logger } from '../../logging/logger.js';
import { OutboundChannel } from '../../net/outbound-channel.js';
import { ApiKey } from '../../protocol/generated/api-table.js';
import { ERROR_TABLE, ErrorCode } from '../../protocol/generated/error-codes.js';
import type { MetadataStore } from '../metadata/metadata-store.js';
import type { ControllerRole } from './controller-role.js';

export interface ControlledShutdownOptions {
  nodeId: number;
  metadata: MetadataStore;
  role: ControllerRole;
  /** inter.broker.listener.name: the controller's endpoint to use. */
  listenerName: string;
  maxRetries: number;
  retryBackoffMs: number;
  requestTimeoutMs: number;
  logger: Logger;
}

/** What one attempt got: the error name (null: none) and the partitions still led here. */
async function attempt(o: ControlledShutdownOptions): Promise<{ error: string | null; remaining: number }> {
  if (o.role.isController) {
    const remaining = await o.role.controlledShutdown(o.nodeId);
    return { error: null, remaining: remaining.length };
  }
  // The election's view is the freshest; the metadata cache may lag it by a notification.
  const controllerId = o.role.controllerId ?? o.metadata.controllerId();
  if (controllerId < 0) return { error: 'no controller', remaining: -1 };
  if (controllerId === o.nodeId) {
    const remaining = await o.role.controlledShutdown(o.nodeId);
    return { error: null, remaining: remaining.length };
  }
  const broker = o.metadata.brokers().find((b) => b.nodeId === controllerId);
  const endpoint = broker?.endpoints.find((e) => e.listenerName === o.listenerName) ?? broker?.endpoints[0];
  if (endpoint === undefined) return { error: `controller ${controllerId} has no ${o.listenerName} endpoint`, remaining: -1 };
  const channel = await OutboundChannel.connect({ host: endpoint.host, port: endpoint.port, clientId: `broker-${o.nodeId}-controlled-shutdown`, requestTimeoutMs: o.requestTimeoutMs });
  try {
    const res = await channel.send(ApiKey.ControlledShutdown, 3, { brokerId: o.nodeId, brokerEpoch: -1n });
    return { error: res.errorCode === ErrorCode.NONE ? null : (ERROR_TABLE.get(res.errorCode)?.name ?? `error ${res.errorCode}`), remaining: res.remainingPartitions.length };
  } finally {
    channel.close();
  }
}

/** Runs the controlled shutdown; true when the controller moved every leadership it could. */
export async function requestControlledShutdown(o: ControlledShutdownOptions): Promise<boolean> {
  for (let i = 1; i <= Math.max(1, o.maxRetries); i++) {
    try {
      const r = await attempt(o);
      if (r.error === null && r.remaining === 0) {
        o.logger.info({ attempt: i }, 'controlled shutdown succeeded: the leadership of this broker’s partitions moved');
        return true;
      }
      o.logger.warn({ attempt: i, error: r.error, remaining: r.remaining }, 'controlled shutdown not complete');
    } catch (err) {
      o.logger.warn({ err, attempt: i }, 'controlled shutdown attempt failed');
    }
    if (i < o.maxRetries) await new Promise((r) => setTimeout(r, o.retryBackoffMs));
  }
  o.logger.warn('controlled shutdown failed: proceeding to stop (partitions led here wait for the controller to notice)');
  return false;
}

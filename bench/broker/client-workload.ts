/**
 * What the client workers of the `clients` phase share: their parameters and the send loop
 * (so Samsa's and KafkaJS's producers are driven exactly alike). Not a worker itself.
 */

export interface ClientProducerParams {
  port: number;
  topic: string;
  records: number;
  valueBytes: number;
  /** Messages per send() call. */
  recordsPerSend: number;
  /** send() calls outstanding at once. */
  sendsInFlight: number;
  acks: number;
}

export interface ClientConsumerParams {
  port: number;
  topic: string;
  groupId: string;
  /** Records the partition holds: the worker stops after reading them all. */
  records: number;
  valueBytes: number;
}

/**
 * Sends `p.records` records as calls of up to `perCall` messages, keeping `p.sendsInFlight`
 * calls outstanding; resolves with the records sent once every call has resolved.
 */
export async function sendAll(p: ClientProducerParams, perCall: number, send: (n: number) => Promise<unknown>): Promise<number> {
  let queued = 0;
  const lane = async (): Promise<void> => {
    while (queued < p.records) {
      const n = Math.min(perCall, p.records - queued);
      queued += n;
      await send(n);
    }
  };
  await Promise.all(Array.from({ length: p.sendsInFlight }, lane));
  return queued;
}

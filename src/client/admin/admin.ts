import type { Cluster } from '../cluster/cluster.js';
import type { RetryOptions } from '../retry.js';

export interface AdminOptions {
  retry?: RetryOptions;
  metadataMaxAge?: number;
}

export class Admin {
  constructor(
    private readonly cluster: Cluster,
    private readonly options: AdminOptions = {},
  ) {}

  async connect(): Promise<void> {
    await this.cluster.connect();
  }

  async disconnect(): Promise<void> {
    await this.cluster.disconnect();
  }
}

import { API_DEFINITIONS } from './generated/api-definitions.js';

/** A version range of one API key, as ApiVersions advertises it. */
export interface ApiVersionRange {
  apiKey: number;
  name: string;
  minVersion: number;
  maxVersion: number;
}

/**
 * The versions the codec can encode and decode for every API key: all of Kafka's validVersions,
 * except an upstream-unstable latest version unless `unstable` is set (Kafka's
 * `unstable.api.versions.enable`). APIs whose only version is unstable are left out. The broker
 * advertises the intersection of this table with the APIs it has handlers for.
 */
export function codecApiVersions(options: { unstable?: boolean } = {}): ApiVersionRange[] {
  const out: ApiVersionRange[] = [];
  for (const def of API_DEFINITIONS) {
    const maxVersion = def.latestVersionUnstable && options.unstable !== true ? def.maxVersion - 1 : def.maxVersion;
    if (maxVersion < def.minVersion) continue;
    out.push({ apiKey: def.apiKey, name: def.name, minVersion: def.minVersion, maxVersion });
  }
  return out;
}

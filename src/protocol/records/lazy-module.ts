import { createRequire } from 'node:module';

const requireFromHere = createRequire(import.meta.url);

/**
 * Loads a (CommonJS) package the first time it is needed. The native compression add-ons take
 * about a hundred milliseconds and a few tens of MB to load; a broker that never sees a
 * compressed batch should not pay for them at startup.
 */
export function lazyModule<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= requireFromHere(name) as T);
}

/**
 * Named log levels over Samsa's pino loggers, as Kafka Connect's /admin/loggers endpoints see
 * them (Kafka's Loggers class over log4j). Components register their child loggers by name
 * (`levels.register('org.apache.kafka.connect.runtime.Worker', logger)`); setting the level of a
 * namespace applies it to every registered logger whose name starts with it, and `root` is the
 * root logger (setting it applies to every registered logger, as log4j's root does).
 *
 * Levels are shown in log4j's upper-case names: TRACE DEBUG INFO WARN ERROR FATAL OFF, which map
 * to pino's trace debug info warn error fatal silent (log4j's ALL reads as TRACE).
 */
import type { Logger } from '../../logging/logger.js';
import { NotFoundException } from '../runtime/herder.js';

/** One entry of GET /admin/loggers (Kafka's LoggerLevel): `last_modified` (epoch ms) once set through the API. */
export interface LoggerLevel {
  level: string;
  last_modified?: number;
}

export const ROOT_LOGGER = 'root';

const TO_PINO: Readonly<Record<string, string>> = {
  ALL: 'trace',
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
  FATAL: 'fatal',
  OFF: 'silent',
};

const FROM_PINO: Readonly<Record<string, string>> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  fatal: 'FATAL',
  silent: 'OFF',
};

/** A log4j level name (any case) → pino's, or null when it is not one. */
export function pinoLevel(log4jLevel: string): string | null {
  return TO_PINO[log4jLevel.toUpperCase()] ?? null;
}

/** A pino level → log4j's upper-case name. */
export function log4jLevel(pinoLevelName: string): string {
  return FROM_PINO[pinoLevelName] ?? pinoLevelName.toUpperCase();
}

export class LoggerLevels {
  private readonly loggers = new Map<string, Logger[]>();
  /** Names set through `setLevel`, with the time of the change. */
  private readonly lastModified = new Map<string, number>();
  /** Levels set for names no logger has registered under yet (applied when one does). */
  private readonly levelOf = new Map<string, string>();

  constructor(private readonly root: Logger) {}

  /** Adds a component's logger under `name`; a level set earlier for a namespace covering it applies at once. */
  register(name: string, logger: Logger): void {
    if (name === ROOT_LOGGER) throw new Error(`${ROOT_LOGGER} is the root logger's name; register components under their own names`);
    const list = this.loggers.get(name) ?? [];
    list.push(logger);
    this.loggers.set(name, list);
    // The most specific namespace set so far wins, as a log4j logger inherits its nearest configured ancestor.
    let best: string | null = null;
    for (const ns of this.levelOf.keys()) {
      if (name.startsWith(ns) && (best === null || ns.length > best.length)) best = ns;
    }
    if (best !== null) logger.level = this.levelOf.get(best)!;
  }

  /** Every known logger and its level: `root`, the registered names and the namespaces set through the API. */
  all(): Record<string, LoggerLevel> {
    const names = new Set<string>([...this.loggers.keys(), ...this.levelOf.keys()]);
    const out: Record<string, LoggerLevel> = { [ROOT_LOGGER]: this.entry(ROOT_LOGGER)! };
    for (const name of [...names].sort()) out[name] = this.entry(name)!;
    return out;
  }

  /** The level of one logger; NotFoundException (404) with Kafka's message when no such logger is known. */
  level(name: string): LoggerLevel {
    const entry = this.entry(name);
    if (entry === null) throw new NotFoundException(`Logger ${name} not found.`);
    return entry;
  }

  /**
   * Sets `namespace` (or `root`) to a log4j level; returns the names of the loggers it changed,
   * sorted. An unknown level is an Error the caller reports (see `pinoLevel`).
   */
  setLevel(namespace: string, level: string): string[] {
    const pino = pinoLevel(level);
    if (pino === null) throw new Error(`invalid log level '${level}'.`);
    const now = Date.now();
    const affected = new Set<string>();
    if (namespace === ROOT_LOGGER) {
      this.root.level = pino;
      this.lastModified.set(ROOT_LOGGER, now);
      affected.add(ROOT_LOGGER);
      // Like log4j's root: every logger follows, and earlier namespace settings are forgotten.
      this.levelOf.clear();
      for (const [name, list] of this.loggers) {
        for (const l of list) l.level = pino;
        this.lastModified.set(name, now);
        affected.add(name);
      }
      return [...affected].sort();
    }
    this.levelOf.set(namespace, pino);
    this.lastModified.set(namespace, now);
    affected.add(namespace);
    for (const [ns] of this.levelOf) {
      // A more specific namespace under this one is overridden by it, as log4j sets every child logger.
      if (ns !== namespace && ns.startsWith(namespace)) this.levelOf.delete(ns);
    }
    for (const [name, list] of this.loggers) {
      if (!name.startsWith(namespace)) continue;
      for (const l of list) l.level = pino;
      this.lastModified.set(name, now);
      affected.add(name);
    }
    return [...affected].sort();
  }

  private entry(name: string): LoggerLevel | null {
    let pino: string;
    if (name === ROOT_LOGGER) pino = this.root.level;
    else if (this.loggers.has(name)) pino = this.loggers.get(name)![0]!.level;
    else if (this.levelOf.has(name)) pino = this.levelOf.get(name)!;
    else return null;
    const modified = this.lastModified.get(name);
    return modified === undefined ? { level: log4jLevel(pino) } : { level: log4jLevel(pino), last_modified: modified };
  }
}

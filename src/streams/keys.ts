/**
 * Every Redis key name docpipe uses, in one place (DESIGN §3, §6). Operators and other services
 * (the seed's Python producers) rely on these names: change them only with the design. A stage's
 * stream, group and dead-letter stream are pipeline-file defaults: config/names.ts.
 */
/** Keys that are not per stage. */
export class Keys {
  readonly prefix: string;
  constructor(prefix: string) {
    this.prefix = prefix;
  }
  completed(): string {
    return `${this.prefix}:processing:completed`;
  }
  /** Hash of the paths given to `docpipe-run --input` (path -> time given): later runs read files under them too (redrives). */
  inputRoots(): string {
    return `${this.prefix}:input-roots`;
  }
  /** The document's state mirror (hash). */
  doc(uuid: string): string {
    return `${this.prefix}:doc:${uuid}`;
  }
  /** The document's capped history (stream). */
  docEvents(uuid: string): string {
    return `${this.prefix}:doc:${uuid}:events`;
  }
  /** Sorted set of a stage's scheduled retries (score = due time in ms). */
  retries(stage: string): string {
    return `${this.prefix}:${stage}:retry`;
  }
  /** Hash of counters per stage and outcome (processed, retried, dead-lettered, skipped…). */
  stats(stage: string): string {
    return `${this.prefix}:stats:${stage}`;
  }
  /** Per-minute counters (hash, expires after two hours) for "last minute / last hour" figures. */
  statsMinute(stage: string, minute: number): string {
    return `${this.prefix}:stats:${stage}:m:${minute}`;
  }
  /** Counter of events rejected by the state machine. */
  illegal(): string {
    return `${this.prefix}:stats:illegal-transitions`;
  }
  /** Set of live runner processes (hash consumer -> heartbeat ms). */
  runners(): string {
    return `${this.prefix}:runners`;
  }
  /**
   * A stage worker's liveness key (value: last refresh in ms), refreshed while the worker runs and
   * expiring on its own when the process dies; deleted at a graceful stop.
   */
  consumerAlive(stage: string, consumer: string): string {
    return `${this.prefix}:${stage}:alive:${consumer}`;
  }
}

/**
 * Liveness of stage workers. XINFO CONSUMERS `idle` cannot tell a quiet live worker from a dead one
 * before Redis 7.2 (a read that returns nothing does not reset it), so every worker refreshes its
 * own key every LIVENESS_REFRESH_MS with a TTL of LIVENESS_TTL_MS: the key exists while it lives.
 */
export const LIVENESS_REFRESH_MS = 5_000;
export const LIVENESS_TTL_MS = 20_000;

/** Group the completion consumer (store write-back) uses on the completed and dead-letter streams. */
export const OUTCOME_GROUP = 'docpipe-outcome-group';

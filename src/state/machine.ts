import { createMachine, transition, type AnyStateMachine, type SnapshotFrom } from 'xstate';

/**
 * The document state machine, generated from the stage list (DESIGN §6): for every stage
 * `queued → running → (retrying → running)*`, then the next stage's `queued`; terminal `completed`
 * and `failed`; `failed → <stage>.queued` on redrive. The machine is data; `advance` computes a
 * transition purely. Redis holds the state (the Lua scripts compare-and-set it), so the runtime
 * asks the machine which moves are legal and passes them to the scripts.
 */
const MACHINE_VERSION = 1;

export type DocEvent =
  | { type: `${string}.START` }
  | { type: `${string}.SUCCEED` }
  | { type: `${string}.RETRY` }
  | { type: `${string}.FAIL` }
  | { type: `${string}.REDRIVE` }
  | { type: 'SUBMIT' };

export type EventKind = 'START' | 'SUCCEED' | 'RETRY' | 'FAIL' | 'REDRIVE';

/** "No state yet": a document first seen on a stage stream (a foreign producer). */
export const NO_STATE = '-';

export interface DocumentMachine {
  readonly machine: AnyStateMachine;
  readonly stages: readonly string[];
  /** Every state name: `ocr.queued`, …, `completed`, `failed`. */
  readonly states: readonly string[];
  /** Next state of `event` from `state`, or undefined when the event is not legal there. */
  advance(state: string, event: DocEvent): string | undefined;
  /** States from which `event` is legal ("-" included when a document with no state may take it). */
  legalFrom(event: DocEvent): string[];
  /** Persisted xstate snapshot of a state (JSON), stored beside the state in the Redis hash. */
  snapshotOf(state: string): string;
  /** True when `state` is past `stage` (a later stage, or completed): a message for `stage` is a duplicate. */
  isPast(state: string, stage: string): boolean;
  /** The stage a state belongs to (undefined for terminal states). */
  stageOf(state: string): string | undefined;
}

type StateNodeConfig = { on?: Record<string, string>; initial?: string; states?: Record<string, StateNodeConfig> };

export function createDocumentMachine(stages: readonly string[]): DocumentMachine {
  if (stages.length === 0) throw new Error('a pipeline needs at least one stage');
  const states: Record<string, StateNodeConfig> = {};
  const redrive: Record<string, string> = {};
  stages.forEach((stage, i) => {
    const next = i + 1 < stages.length ? `#doc.${stages[i + 1]}.queued` : '#doc.completed';
    states[stage] = {
      initial: 'queued',
      states: {
        queued: { on: { [`${stage}.START`]: `#doc.${stage}.running`, [`${stage}.FAIL`]: '#doc.failed' } },
        running: {
          on: {
            [`${stage}.START`]: `#doc.${stage}.running`, // redelivery or reclaim of a dead worker's entry
            [`${stage}.SUCCEED`]: next,
            [`${stage}.RETRY`]: `#doc.${stage}.retrying`,
            [`${stage}.FAIL`]: '#doc.failed',
          },
        },
        retrying: { on: { [`${stage}.START`]: `#doc.${stage}.running`, [`${stage}.FAIL`]: '#doc.failed' } },
      },
    };
    redrive[`${stage}.REDRIVE`] = `#doc.${stage}.queued`;
  });
  const first = stages[0]!;
  states['completed'] = { on: { SUBMIT: `#doc.${first}.queued` } };
  states['failed'] = { on: { ...redrive, SUBMIT: `#doc.${first}.queued` } };

  const machine = createMachine({
    id: 'doc',
    initial: first,
    states: states as never,
  });

  const stateNames = [...stages.flatMap((s) => [`${s}.queued`, `${s}.running`, `${s}.retrying`]), 'completed', 'failed'];
  const snapshots = new Map<string, SnapshotFrom<AnyStateMachine>>();
  for (const name of stateNames) snapshots.set(name, machine.resolveState({ value: toValue(name), context: {} }));

  const memo = new Map<string, string | undefined>();
  const advance = (state: string, event: DocEvent): string | undefined => {
    const key = `${state}\u0000${event.type}`;
    if (memo.has(key)) return memo.get(key);
    const next = compute(state, event);
    memo.set(key, next);
    return next;
  };
  const compute = (state: string, event: DocEvent): string | undefined => {
    if (state === NO_STATE && event.type === 'SUBMIT') return `${first}.queued`;
    const from = state === NO_STATE ? implicitState(event) : state;
    if (!from) return undefined;
    const snapshot = snapshots.get(from);
    if (!snapshot || !snapshot.can(event)) return undefined;
    const [next] = transition(machine, snapshot, event);
    return fromValue(next.value);
  };

  const legal = new Map<string, string[]>();
  const persisted = new Map<string, string>();
  return {
    machine,
    stages,
    states: stateNames,
    advance,
    legalFrom(event) {
      let list = legal.get(event.type);
      if (!list) {
        list = [NO_STATE, ...stateNames].filter((s) => advance(s, event) !== undefined);
        legal.set(event.type, list);
      }
      return list;
    },
    snapshotOf(state) {
      let json = persisted.get(state);
      if (json === undefined) {
        const s = snapshots.get(state);
        if (!s) throw new Error(`unknown document state "${state}"`);
        json = JSON.stringify({ ...machine.getPersistedSnapshot(s), machine_version: MACHINE_VERSION });
        persisted.set(state, json);
      }
      return json;
    },
    isPast(state, stage) {
      if (state === 'completed') return true;
      const at = stages.indexOf(stage);
      const cur = stages.indexOf(state.split('.')[0] ?? '');
      return at >= 0 && cur > at;
    },
    stageOf(state) {
      const s = state.split('.')[0] ?? '';
      return stages.includes(s) ? s : undefined;
    },
  };
}

/** A document with no state yet is taken to be queued at the stage the event is about. */
function implicitState(event: DocEvent): string | undefined {
  if (event.type === 'SUBMIT') return undefined;
  const stage = event.type.slice(0, event.type.lastIndexOf('.'));
  const kind = event.type.slice(event.type.lastIndexOf('.') + 1);
  return kind === 'START' || kind === 'FAIL' ? `${stage}.queued` : undefined;
}

function toValue(name: string): string | Record<string, string> {
  const dot = name.lastIndexOf('.');
  return dot === -1 ? name : { [name.slice(0, dot)]: name.slice(dot + 1) };
}

function fromValue(value: unknown): string {
  if (typeof value === 'string') return value;
  const [k, v] = Object.entries(value as Record<string, unknown>)[0] ?? [];
  return `${k}.${fromValue(v)}`;
}

export function stageEvent(stage: string, kind: EventKind): DocEvent {
  return { type: `${stage}.${kind}` } as DocEvent;
}

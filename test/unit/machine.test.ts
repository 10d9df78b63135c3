import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDocumentMachine, NO_STATE, stageEvent } from '../../src/state/machine.ts';

const m = createDocumentMachine(['ocr', 'ner', 'graph']);

test('states are generated from the stage list, in order, with the two terminal states', () => {
  assert.deepEqual(m.states, [
    'ocr.queued',
    'ocr.running',
    'ocr.retrying',
    'ner.queued',
    'ner.running',
    'ner.retrying',
    'graph.queued',
    'graph.running',
    'graph.retrying',
    'completed',
    'failed',
  ]);
});

test('success moves to the next stage, and the last stage to completed', () => {
  assert.equal(m.advance('ocr.queued', stageEvent('ocr', 'START')), 'ocr.running');
  assert.equal(m.advance('ocr.running', stageEvent('ocr', 'SUCCEED')), 'ner.queued');
  assert.equal(m.advance('graph.running', stageEvent('graph', 'SUCCEED')), 'completed');
});

test('retrying goes back to running; a reclaim restarts a running stage', () => {
  assert.equal(m.advance('ner.running', stageEvent('ner', 'RETRY')), 'ner.retrying');
  assert.equal(m.advance('ner.retrying', stageEvent('ner', 'START')), 'ner.running');
  assert.equal(m.advance('ner.running', stageEvent('ner', 'START')), 'ner.running');
});

test('illegal events are rejected, not applied', () => {
  assert.equal(m.advance('ocr.queued', stageEvent('ner', 'START')), undefined, 'a later stage cannot start early');
  assert.equal(m.advance('completed', stageEvent('ocr', 'START')), undefined);
  assert.equal(m.advance('ocr.queued', stageEvent('ocr', 'SUCCEED')), undefined, 'success needs a run');
  assert.equal(m.advance('failed', stageEvent('ner', 'START')), undefined);
  assert.equal(m.advance('ner.retrying', stageEvent('ner', 'RETRY')), undefined);
});

test('redrive puts a failed document back at any stage; resubmission restarts a finished one', () => {
  assert.equal(m.advance('failed', stageEvent('ner', 'REDRIVE')), 'ner.queued');
  assert.equal(m.advance('completed', { type: 'SUBMIT' }), 'ocr.queued');
  assert.equal(m.advance(NO_STATE, { type: 'SUBMIT' }), 'ocr.queued');
  assert.equal(m.advance('ner.running', { type: 'SUBMIT' }), undefined, 'a document in flight is not submitted twice');
});

test('a document with no state yet may start at whichever stage its message is for (foreign producers)', () => {
  assert.equal(m.advance(NO_STATE, stageEvent('ner', 'START')), 'ner.running');
  assert.deepEqual(m.legalFrom(stageEvent('ner', 'START')), [NO_STATE, 'ner.queued', 'ner.running', 'ner.retrying']);
});

test('isPast tells a duplicate (document already beyond the stage) from an illegal move', () => {
  assert.equal(m.isPast('ner.queued', 'ocr'), true);
  assert.equal(m.isPast('completed', 'graph'), true);
  assert.equal(m.isPast('ocr.running', 'ner'), false);
  assert.equal(m.isPast('failed', 'ocr'), false);
});

test('reordering the stage list reorders the machine', () => {
  const r = createDocumentMachine(['ner', 'ocr', 'graph']);
  assert.equal(r.advance('ner.running', stageEvent('ner', 'SUCCEED')), 'ocr.queued');
  assert.equal(r.advance('ocr.running', stageEvent('ocr', 'SUCCEED')), 'graph.queued');
});

test('snapshots are persisted xstate snapshots with a machine version', () => {
  const snap = JSON.parse(m.snapshotOf('ner.retrying')) as { value: unknown; machine_version: number; status: string };
  assert.deepEqual(snap.value, { ner: 'retrying' });
  assert.equal(snap.machine_version, 1);
  assert.equal(snap.status, 'active');
  assert.throws(() => m.snapshotOf('nope.queued'));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, parseDuration } from '../../src/config/duration.ts';

test('parseDuration reads every unit of the pipeline file', () => {
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('2s'), 2000);
  assert.equal(parseDuration('5m'), 300_000);
  assert.equal(parseDuration('1h'), 3_600_000);
  assert.equal(parseDuration('7d'), 604_800_000);
  assert.equal(parseDuration('0s'), 0);
});

test('parseDuration accepts decimals and rounds to whole milliseconds', () => {
  assert.equal(parseDuration('1.5s'), 1500);
  assert.equal(parseDuration('0.0004s'), 0);
  assert.equal(parseDuration('2.5m'), 150_000);
});

test('parseDuration rejects malformed durations', () => {
  for (const bad of ['', '5', 'ms', '5 s', '5sec', '10 minutes', '-1s', '1.s', '.5s', '1h30m', '5S', '2w', 'PT5M']) {
    assert.equal(parseDuration(bad), undefined, JSON.stringify(bad));
  }
});

test('formatDuration picks the largest unit that reads well', () => {
  assert.equal(formatDuration(250), '250ms');
  assert.equal(formatDuration(2000), '2s');
  assert.equal(formatDuration(1500), '1.5s');
  assert.equal(formatDuration(300_000), '5m');
  assert.equal(formatDuration(5_400_000), '1.5h');
  assert.equal(formatDuration(604_800_000), '7d');
});

test('formatDuration output parses back to the same value for round figures', () => {
  for (const ms of [1, 999, 1000, 59_000, 60_000, 3_600_000, 86_400_000]) {
    assert.equal(parseDuration(formatDuration(ms)), ms, String(ms));
  }
});

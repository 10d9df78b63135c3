import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkAction, hostAllowed } from '../../src/dashboard/auth.ts';
import { matchesQuery, newestFirst } from '../../src/ops/documents.ts';
import { contentSecurityPolicy, inlineHashes, loadPage } from '../../src/dashboard/page.ts';

test('actions: 403 when not allowed (even with the token), 401 without the right bearer token', () => {
  assert.deepEqual(checkAction(false, 'tok', 'Bearer tok'), {
    ok: false,
    status: 403,
    message: 'actions are disabled: start the dashboard with --allow-actions',
  });
  assert.equal(checkAction(true, undefined, 'Bearer tok').ok, false, 'no token configured: never allowed');
  for (const header of [undefined, '', 'tok', 'Bearer', 'Bearer tok2', 'Bearer to', 'Basic tok', 'Bearer tok extra']) {
    const r = checkAction(true, 'tok', header);
    assert.equal(r.ok ? 200 : r.status, 401, String(header));
  }
  assert.deepEqual(checkAction(true, 'tok', 'Bearer tok'), { ok: true });
  assert.deepEqual(checkAction(true, 'tok', 'bearer  tok '), { ok: true });
});

test('host check: on loopback only loopback host names are served; elsewhere any', () => {
  for (const h of ['127.0.0.1:8080', 'localhost:8080', '[::1]:8080', 'LOCALHOST', '127.0.0.2'])
    assert.equal(hostAllowed('127.0.0.1', h), true, h);
  for (const h of [undefined, 'evil.example', 'evil.example:8080', '127.0.0.1.evil.example', '[::2]:80'])
    assert.equal(hostAllowed('127.0.0.1', h), false, String(h));
  assert.equal(hostAllowed('0.0.0.0', 'dash.internal:8080'), true);
});

test('document search: a query matches a uuid start or a file name part, glob characters literal', () => {
  const named = { document_uuid: '0a1b2c3d-0000-4000-8000-000000000000', file_name: 'Smith v Jones [2021] *final*.PDF' };
  for (const q of ['0a1b', '0a1b2c3d-0000', 'smith', 'jones [2021]', '[2021', '*final*', '.pdf', ''])
    assert.equal(matchesQuery(named, q), true, q);
  for (const q of ['1b2c', 'smith*jones', 'xsmith', 's?ith'])
    assert.equal(matchesQuery(named, q), false, `${q}: glob characters are literal`);
  assert.equal(matchesQuery({ document_uuid: named.document_uuid, file_name: null }, 'smith'), false, 'no file name: found by uuid only');
  const row = (document_uuid: string, updated_at: number | null) => ({
    document_uuid,
    state: 's',
    stage: null,
    attempt: null,
    updated_at,
    error: null,
    file_name: null,
  });
  assert.deepEqual(
    newestFirst([row('a', 1), row('b', 3), row('c', null), row('d', 3)], 3).map((r) => r.document_uuid),
    ['b', 'd', 'a'],
  );
});

test('the page is self-contained and its CSP allows exactly its inline script and style', () => {
  const { html, csp } = loadPage();
  assert.doesNotMatch(html, /\b(src|href)="(https?:)?\/\//);
  assert.doesNotMatch(html, /\sstyle="/, 'inline style attributes would be blocked by the CSP');
  assert.doesNotMatch(html, /innerHTML|outerHTML|insertAdjacentHTML|document\.write/, 'data is inserted as text only');
  assert.equal(inlineHashes(html, 'script').length, 1);
  assert.equal(inlineHashes(html, 'style').length, 1);
  assert.equal(csp, contentSecurityPolicy(html));
  assert.match(csp, /^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+'; style-src 'sha256-/);
  assert.notEqual(inlineHashes('<script>a</script>', 'script')[0], inlineHashes('<script>b</script>', 'script')[0]);
});

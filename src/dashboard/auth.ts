/** Who may do what on the dashboard: reads are open (to whoever reaches the bound address), actions need the token. */
import { createHash, timingSafeEqual } from 'node:crypto';

export type ActionCheck = { ok: true } | { ok: false; status: 401 | 403; message: string };

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Compares in constant time (of the digests, so the token's length does not leak either). */
function sameToken(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** 403 when the dashboard was started without --allow-actions, 401 without the right bearer token. */
export function checkAction(allowActions: boolean, token: string | undefined, authorization: string | undefined): ActionCheck {
  if (!allowActions || !token) return { ok: false, status: 403, message: 'actions are disabled: start the dashboard with --allow-actions' };
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!m || !sameToken(m[1]!, token))
    return { ok: false, status: 401, message: 'actions need "Authorization: Bearer <DOCPIPE_DASHBOARD_TOKEN>"' };
  return { ok: true };
}

/**
 * When bound to loopback, only requests addressed to a loopback name are served: a web page on
 * another site cannot reach the dashboard through DNS rebinding.
 */
export function hostAllowed(boundHost: string, hostHeader: string | undefined): boolean {
  if (!isLoopback(boundHost)) return true;
  if (!hostHeader) return false;
  const name = hostHeader.startsWith('[') ? hostHeader.slice(0, hostHeader.indexOf(']') + 1) : hostHeader.split(':')[0]!;
  return isLoopback(name.toLowerCase());
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

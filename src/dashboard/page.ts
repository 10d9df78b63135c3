/** The dashboard's one page (page.html: inline CSS and vanilla JS, no CDN), and a CSP that allows exactly its inline blocks. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface Page {
  html: string;
  csp: string;
}

const hash = (s: string): string => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;

/** Hashes of every inline `<tag>` block (pure). */
export function inlineHashes(html: string, tag: 'script' | 'style'): string[] {
  const re = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g');
  return [...html.matchAll(re)].map((m) => hash(m[1]!));
}

export function contentSecurityPolicy(html: string): string {
  return [
    "default-src 'none'",
    `script-src ${inlineHashes(html, 'script').join(' ')}`,
    `style-src ${inlineHashes(html, 'style').join(' ')}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

let cached: Page | undefined;

export function loadPage(): Page {
  if (!cached) {
    const html = readFileSync(new URL('./page.html', import.meta.url), 'utf8');
    cached = { html, csp: contentSecurityPolicy(html) };
  }
  return cached;
}

/**
 * HTML to plain text for mammoth's DOCX HTML and e-mail bodies: block elements become line
 * breaks, table cells are separated by tabs (one row per line), scripts and styles are dropped.
 * A small, dependency-free converter: the inputs are simple, generated HTML.
 */
const BLOCK = /^(p|div|h[1-6]|li|tr|table|ul|ol|blockquote|pre|section|article|header|footer|title|dt|dd)$/i;
const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  ndash: '\u2013',
  mdash: '\u2014',
  lsquo: '\u2018',
  rsquo: '\u2019',
  ldquo: '\u201c',
  rdquo: '\u201d',
  hellip: '\u2026',
  sect: '\u00a7',
  para: '\u00b6',
  copy: '\u00a9',
  reg: '\u00ae',
};

export function htmlToText(html: string): string {
  let out = '';
  const re = /<!--[\s\S]*?-->|<(script|style|head)\b[\s\S]*?<\/\1\s*>|<(\/?)([a-zA-Z][\w:-]*)\b[^>]*>|([^<]+)|</g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(html))) {
    const [, , closing, tag, text] = m;
    if (text !== undefined) out += decodeEntities(text.replace(/\s+/g, ' '));
    else if (tag) {
      const t = tag.toLowerCase();
      if (t === 'br') out += '\n';
      else if (t === 'tr') {
        if (!out.endsWith('\n')) out += '\n';
      } else if (t === 'td' || t === 'th') {
        if (!closing && !/(^|\n)$/.test(out)) out += '\t';
      } else if (BLOCK.test(t)) out += '\n';
      if (!closing && t === 'li') out += '- ';
    }
  }
  return out
    .split('\n')
    .map((l) => l.replace(/[ \u00a0]+/g, ' ').replace(/^[ \t]+|[ \t]+$/g, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : all;
    }
    return ENTITIES[e.toLowerCase()] ?? all;
  });
}

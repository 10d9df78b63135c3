/**
 * Font ascent and descent the way pdftotext sees them, for the layout's line boxes: a font's
 * FontDescriptor /Ascent and /Descent, except for non-embedded standard fonts (Times, Helvetica/
 * Arial, Courier, Symbol, ZapfDingbats), whose built-in metrics win. pdf.js reports the metrics
 * of the font program instead, which often differ (and change which blocks overlap).
 *
 * The descriptors are found by scanning the PDF's bytes (plain objects and Flate object streams);
 * what cannot be read (encryption, other filters) is simply not found, and the caller falls back
 * to pdf.js's metrics.
 */
import { inflateSync } from 'node:zlib';

export interface FontMetrics {
  ascent: number;
  descent: number;
}

interface Descriptor {
  ascent?: number;
  descent?: number;
  embedded: boolean;
}

/** FontDescriptors by /FontName. */
export type FontDescriptors = ReadonlyMap<string, Descriptor>;

const DEFAULT: FontMetrics = { ascent: 0.95, descent: -0.35 };

/** Built-in metrics (AFM Ascender/Descender) of the standard 14 fonts, by family. */
const BUILTIN: ReadonlyArray<{ re: RegExp; metrics: FontMetrics }> = [
  {
    re: /^(?:Courier(?:New(?:PS)?(?:MT)?)?)(?:[,-](?:Bold|Italic|Oblique|BoldItalic|BoldOblique)(?:MT)?)?$/,
    metrics: { ascent: 0.629, descent: -0.157 },
  },
  {
    re: /^(?:Arial(?:MT)?|Helvetica)(?:[,-](?:Bold|Italic|Oblique|BoldItalic|BoldOblique)(?:MT)?)?$/,
    metrics: { ascent: 0.718, descent: -0.207 },
  },
  {
    re: /^(?:Times(?:-Roman)?|TimesNewRoman(?:PS)?(?:MT)?)(?:[,-](?:Roman|Bold|Italic|BoldItalic)(?:MT)?)?$/,
    metrics: { ascent: 0.683, descent: -0.217 },
  },
  { re: /^Symbol(?:,(?:Bold|Italic|BoldItalic))?$/, metrics: { ascent: 1.01, descent: -0.293 } },
  { re: /^ZapfDingbats$/, metrics: { ascent: 0.82, descent: -0.143 } },
];

function builtinMetrics(name: string): FontMetrics | undefined {
  const bare = name.replace(/ /g, '');
  return BUILTIN.find((b) => b.re.test(bare))?.metrics;
}

/**
 * The metrics pdftotext would use for the font named `name` (its BaseFont), or undefined when
 * neither a descriptor nor a standard font says anything (the caller keeps pdf.js's values).
 */
export function fontMetrics(name: string | undefined, descriptors: FontDescriptors): FontMetrics | undefined {
  if (!name) return undefined;
  const builtin = builtinMetrics(name);
  const desc = descriptors.get(name) ?? descriptors.get(name.replace(/-Identity-[HV]$/, ''));
  if (!desc) return builtin;
  if (builtin && !desc.embedded) return builtin;
  const base = builtin ?? DEFAULT;
  let ascent = base.ascent;
  let descent = base.descent;
  if (desc.ascent !== undefined) {
    const t = Math.abs(desc.ascent) / 1000;
    if (t !== 0 && t < 3) ascent = t;
  }
  if (desc.descent !== undefined) {
    const t = -Math.abs(desc.descent) / 1000;
    if (t !== 0 && t > -3) descent = t;
  }
  return { ascent, descent };
}

/** Scans a PDF's bytes for FontDescriptor dictionaries. */
export function scanFontDescriptors(bytes: Uint8Array): FontDescriptors {
  const out = new Map<string, Descriptor>();
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  collect(text, out);
  for (const stream of objectStreams(text)) collect(stream, out);
  return out;
}

function collect(text: string, out: Map<string, Descriptor>): void {
  const re = /\/FontName\s*\/([^\s/<>[\]()]+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const dict = enclosingDict(text, m.index)?.text;
    if (!dict || (!/\/Type\s*\/FontDescriptor\b/.test(dict) && !/\/Flags\s+\d/.test(dict))) continue;
    const name = decodeName(m[1] as string);
    if (out.has(name)) continue;
    out.set(name, {
      ascent: number(dict, 'Ascent'),
      descent: number(dict, 'Descent'),
      embedded: /\/FontFile[23]?\s*\d+\s+\d+\s+R/.test(dict),
    });
  }
}

function number(dict: string, key: string): number | undefined {
  const m = new RegExp(`/${key}\\s+(-?\\d*\\.?\\d+)`).exec(dict);
  const v = m ? Number(m[1]) : Number.NaN;
  return Number.isFinite(v) ? v : undefined;
}

/** PDF name escapes (#xx). */
function decodeName(raw: string): string {
  return raw.replace(/#([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** The `<< … >>` dictionary around `pos` and where it ends, or undefined (looked for within a few KB). */
function enclosingDict(text: string, pos: number): { text: string; end: number } | undefined {
  let depth = 0;
  let start = -1;
  for (let i = pos; i > 0 && pos - i < 4000; i--) {
    if (text[i] === '<' && text[i - 1] === '<') {
      if (depth === 0) {
        start = i - 1;
        break;
      }
      depth--;
      i--;
    } else if (text[i] === '>' && text[i - 1] === '>') {
      depth++;
      i--;
    }
  }
  if (start < 0) return undefined;
  depth = 0;
  for (let i = start; i < text.length - 1 && i - start < 8000; i++) {
    if (text[i] === '<' && text[i + 1] === '<') {
      depth++;
      i++;
    } else if (text[i] === '>' && text[i + 1] === '>') {
      depth--;
      i++;
      if (depth === 0) return { text: text.slice(start, i + 1), end: i + 1 };
    }
  }
  return undefined;
}

/** Decompressed object streams (/Type /ObjStm with /FlateDecode). */
function objectStreams(text: string): string[] {
  const out: string[] = [];
  const re = /\/Type\s*\/ObjStm\b/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const dict = enclosingDict(text, m.index);
    if (!dict || !/\/FlateDecode\b/.test(dict.text) || /\/DecodeParms\b/.test(dict.text)) continue;
    const s = /^\s*stream\r?\n/.exec(text.slice(dict.end, dict.end + 32));
    if (!s) continue;
    const start = dict.end + s[0].length;
    const end = text.indexOf('endstream', start);
    if (end < 0) continue;
    try {
      out.push(inflateSync(Buffer.from(text.slice(start, end), 'latin1'), { finishFlush: 2 }).toString('latin1'));
    } catch {
      // Not readable (encrypted or damaged): its fonts fall back to pdf.js's metrics.
    }
  }
  return out;
}

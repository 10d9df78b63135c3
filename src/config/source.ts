import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';

/** One problem in a pipeline file, located at the node it concerns. */
export interface Problem {
  file: string;
  line: number;
  col: number;
  message: string;
}

export type YamlPath = ReadonlyArray<string | number>;

/**
 * A parsed YAML document that remembers where every node came from, so any later check (schema,
 * handler resolution, schema fit) can report `file:line:col`.
 */
export class YamlSource {
  readonly file: string;
  readonly doc: Document;
  private readonly lines: LineCounter;

  private constructor(file: string, doc: Document, lines: LineCounter) {
    this.file = file;
    this.doc = doc;
    this.lines = lines;
  }

  static parse(file: string, text: string): { source: YamlSource; problems: Problem[] } {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, strict: true });
    const source = new YamlSource(file, doc, lines);
    // One syntax mistake makes the parser report a cascade of errors after it: keep the first
    // syntax error (where the mistake is) and say how many followed; duplicate keys are each real.
    const all = [...doc.errors, ...doc.warnings];
    const syntax = all.filter((e) => e.code !== 'DUPLICATE_KEY');
    const shown = all.filter((e) => e.code === 'DUPLICATE_KEY' || e === syntax[0]);
    const problems = shown.map((e) => {
      const { line, col } = lines.linePos(e.pos[0]);
      let message =
        e.code === 'DUPLICATE_KEY'
          ? `duplicate key "${keyAt(doc, e.pos[0])}" (each key may appear once in a mapping)`
          : (e.message.split('\n')[0] ?? e.message);
      if (e === syntax[0] && syntax.length > 1)
        message += ` (${syntax.length - 1} more YAML error${syntax.length > 2 ? 's' : ''} after it, most likely caused by it: fix this one first)`;
      return { file, line, col, message };
    });
    return { source, problems };
  }

  problemAt(offset: number, message: string): Problem {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, col, message };
  }

  /** The deepest existing node on `path` (falls back to a parent when a key is missing). */
  nodeAt(path: YamlPath): Node | undefined {
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? this.doc.contents : this.doc.getIn(path.slice(0, n), true);
      if (node && typeof node === 'object' && 'range' in node) return node as Node;
    }
    return undefined;
  }

  /** The key node of `key` inside the map at `path` (used for unknown-key errors). */
  keyNodeAt(path: YamlPath, key: string): Node | undefined {
    const map = path.length === 0 ? this.doc.contents : this.doc.getIn(path, true);
    if (!isMap(map)) return undefined;
    for (const pair of map.items) {
      if (isScalar(pair.key) && String(pair.key.value) === key) return pair.key;
    }
    return undefined;
  }

  at(path: YamlPath, message: string, key?: string): Problem {
    const node = (key !== undefined ? this.keyNodeAt(path, key) : undefined) ?? this.nodeAt(path);
    return this.problemAt(node?.range?.[0] ?? 0, message);
  }

  /** Visits every scalar string with its path (for `${VAR}` interpolation). */
  static isCollection(node: unknown): boolean {
    return isMap(node) || isSeq(node);
  }
}

/** The text of the mapping key that starts at `offset` (to name a duplicate key). */
function keyAt(doc: Document, offset: number): string {
  let key = '?';
  visit(doc, {
    Pair(_k, pair) {
      if (isScalar(pair.key) && pair.key.range?.[0] === offset) {
        key = String(pair.key.value);
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return key;
}

/** JSON pointer (`/stages/0/handler`) to a path array. */
export function pointerToPath(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^[0-9]+$/.test(p) ? Number(p) : p));
}

export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.message}`;
}

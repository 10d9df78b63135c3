/**
 * CSV export in the `neo4j-admin database import` header format: one node file per label
 * (`uuid:ID`, typed properties, `:LABEL`) and one relationship file (`:START_ID`, `:END_ID`, `:TYPE`).
 * Ids are uuids, unique across all labels, so one id space serves every file.
 */
import { NODE_LABELS, type Graph, type PropertyValue } from './model.ts';

const ARRAY_DELIMITER = '|';

export function csvField(value: string): string {
  return /[",\n\r]/.test(value) || value === '' ? `"${value.replace(/"/g, '""')}"` : value;
}

function typeOf(values: readonly PropertyValue[]): string {
  if (values.every((v) => typeof v === 'number' && Number.isInteger(v))) return 'long';
  if (values.every((v) => typeof v === 'number')) return 'double';
  if (values.every((v) => typeof v === 'boolean')) return 'boolean';
  if (values.every((v) => Array.isArray(v))) return 'string[]';
  return 'string';
}

function cell(v: PropertyValue | undefined): string {
  if (v === undefined) return '';
  if (Array.isArray(v)) return csvField(v.map((x) => x.replaceAll(ARRAY_DELIMITER, '/')).join(ARRAY_DELIMITER));
  return csvField(String(v));
}

function columns(rows: ReadonlyArray<Record<string, PropertyValue>>): Array<{ name: string; type: string }> {
  const names = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((n) => n !== 'key').sort();
  return names.map((name) => ({ name, type: typeOf(rows.map((r) => r[name]).filter((v): v is PropertyValue => v !== undefined)) }));
}

/** File name → contents. */
export function renderCsv(graph: Graph): Map<string, string> {
  const files = new Map<string, string>();
  for (const label of NODE_LABELS) {
    const nodes = graph.nodes.filter((n) => n.label === label);
    if (nodes.length === 0) continue;
    const cols = columns(nodes.map((n) => n.properties));
    const header = ['uuid:ID', ...cols.map((c) => `${c.name}:${c.type}`), ':LABEL'].join(',');
    const lines = nodes.map((n) => [csvField(n.id), ...cols.map((c) => cell(n.properties[c.name])), label].join(','));
    files.set(`nodes_${label}.csv`, [header, ...lines].join('\n') + '\n');
  }
  const rels = graph.relationships;
  const cols = columns(rels.map((r) => r.properties));
  const header = [':START_ID', ':END_ID', ':TYPE', 'key:string', ...cols.map((c) => `${c.name}:${c.type}`)].join(',');
  const lines = rels.map((r) =>
    [csvField(r.fromId), csvField(r.toId), r.type, csvField(r.key), ...cols.map((c) => cell(r.properties[c.name]))].join(','),
  );
  files.set('relationships.csv', [header, ...lines].join('\n') + '\n');
  const nodeArgs = [...files.keys()].filter((f) => f.startsWith('nodes_')).map((f) => `--nodes=${f}`);
  files.set(
    'import-command.txt',
    `neo4j-admin database import full neo4j ${nodeArgs.join(' ')} --relationships=relationships.csv --multiline-fields=true --array-delimiter="${ARRAY_DELIMITER}"\n`,
  );
  return files;
}

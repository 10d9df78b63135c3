/**
 * `${VAR}` and `${VAR:-default}` interpolation of the pipeline file's string values.
 * `$${` escapes a literal `${`. Secrets come from the environment, never from the file.
 */
export type Env = Readonly<Record<string, string | undefined>>;

const TOKEN = /\$\$\{|\$\{([^}]*)\}|\$\{[^}]*$/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function interpolate(text: string, env: Env): { value: string; errors: string[] } {
  const errors: string[] = [];
  const value = text.replace(TOKEN, (match: string, body: string | undefined) => {
    if (match === '$${') return '${';
    if (body === undefined) {
      errors.push(`unterminated "\${" in "${text}"`);
      return match;
    }
    const sep = body.indexOf(':-');
    const name = sep === -1 ? body : body.slice(0, sep);
    if (!NAME.test(name)) {
      errors.push(`bad environment reference "\${${body}}": expected \${NAME} or \${NAME:-default}`);
      return match;
    }
    const set = env[name];
    if (set !== undefined && set !== '') return set;
    if (sep !== -1) return body.slice(sep + 2);
    errors.push(`environment variable ${name} is not set (use \${${name}:-default} to give a default)`);
    return '';
  });
  return { value, errors };
}

const NUMBER = /^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$/;
const BOOLEAN: Record<string, boolean> = { true: true, True: true, TRUE: true, false: false, False: false, FALSE: false };

/** The YAML 1.2 core-schema reading of an interpolated plain (unquoted) scalar: number, boolean or string. */
export function plainScalarValue(text: string): string | number | boolean {
  if (NUMBER.test(text)) return Number(text);
  return BOOLEAN[text] ?? text;
}

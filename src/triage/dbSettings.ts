// Step 4's settings as the check uses them. They come from a settings.json anyone may have
// written (a workspace's too): an engine path becomes a name looked up in a live process, so
// only plain dotted identifiers pass, and every list is bounded. What is dropped is said.

/** The runbook's one-liner: `from infrastructure.db import engine`. */
export const DEFAULT_ENGINES: readonly string[] = ['infrastructure.db:engine'];

export const DEFAULT_DB_PORTS: Readonly<Record<number, string>> = {
  5432: 'PostgreSQL',
  3306: 'MySQL',
  6379: 'Redis',
  27017: 'MongoDB',
  1433: 'SQL Server',
};

export const MAX_ENGINES = 20;
export const MAX_PORTS = 100;
const MAX_NAME = 200;
const MAX_SERVICE = 40;

const DOTTED = String.raw`[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*`;
/** module.path:attr.path, as in an entry point; nothing a Python parser would read as more than names. */
const ENGINE_PATH = new RegExp(`^${DOTTED}:${DOTTED}$`);

export interface Parsed<T> {
  readonly value: T;
  /** One sentence per entry dropped, for the log and the check's problems. */
  readonly problems: readonly string[];
}

export function parseEngines(setting: unknown): Parsed<string[]> {
  if (setting === undefined || setting === null) return { value: [...DEFAULT_ENGINES], problems: [] };
  if (!Array.isArray(setting)) return { value: [...DEFAULT_ENGINES], problems: ['memoryTriage.python.engines is not a list of "module:attribute" strings; the default is used.'] };
  const value: string[] = [];
  const problems: string[] = [];
  for (const entry of setting) {
    const path = typeof entry === 'string' ? entry.trim() : '';
    if (path.length === 0 || path.length > MAX_NAME || !ENGINE_PATH.test(path)) {
      problems.push(`memoryTriage.python.engines: ${JSON.stringify(entry)?.slice(0, 60) ?? String(entry)} is not "module:attribute" (e.g. infrastructure.db:engine); skipped.`);
    } else if (!value.includes(path)) {
      value.push(path);
    }
  }
  if (value.length > MAX_ENGINES) problems.push(`memoryTriage.python.engines: only the first ${MAX_ENGINES} of ${value.length} are looked up.`);
  return { value: value.slice(0, MAX_ENGINES), problems };
}

export function parseDbPorts(setting: unknown): Parsed<Record<number, string>> {
  if (setting === undefined || setting === null) return { value: { ...DEFAULT_DB_PORTS }, problems: [] };
  if (typeof setting !== 'object' || Array.isArray(setting)) {
    return { value: { ...DEFAULT_DB_PORTS }, problems: ['memoryTriage.db.ports is not an object of port: name; the default ports are used.'] };
  }
  const value: Record<number, string> = {};
  const problems: string[] = [];
  let kept = 0;
  for (const [key, name] of Object.entries(setting as Record<string, unknown>)) {
    const port = /^\d{1,5}$/.test(key.trim()) ? Number(key.trim()) : NaN;
    const service = typeof name === 'string' ? name.trim() : '';
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      problems.push(`memoryTriage.db.ports: "${key.slice(0, 20)}" is not a TCP port (1 to 65535); skipped.`);
    } else if (service.length === 0 || service.length > MAX_SERVICE) {
      problems.push(`memoryTriage.db.ports: port ${port} needs a name of 1 to ${MAX_SERVICE} characters; skipped.`);
    } else if (kept < MAX_PORTS) {
      value[port] = service;
      kept++;
    }
  }
  if (kept === MAX_PORTS && Object.keys(setting).length > MAX_PORTS) problems.push(`memoryTriage.db.ports: only the first ${MAX_PORTS} ports are named.`);
  return { value, problems };
}

/** Seconds between the two checks: long enough to see a leak grow, short enough to wait for. */
export function windowSeconds(setting: unknown, fallback = 30): number {
  const n = typeof setting === 'number' && Number.isFinite(setting) ? setting : fallback;
  return Math.min(600, Math.max(5, Math.round(n)));
}

// The object before and after a change as text for the diff editor: YAML like `kubectl get -o
// yaml`, without what the change does not touch and that would only add noise to the diff
// (status, managedFields, the resourceVersion and generation the write bumps anyway).
import { dumpYaml } from '@kubernetes/client-node';
import type { KubeObject } from './kubeObject.ts';

// A hostile or huge object must not freeze the editor: the text is cut with a note.
const MAX_CHARS = 512 * 1024;

export function objectForDiff(obj: KubeObject | undefined): Record<string, unknown> | undefined {
  if (!obj) return undefined;
  const { status: _status, ...rest } = obj as KubeObject & Record<string, unknown>;
  const meta = { ...(obj.metadata ?? {}) } as Record<string, unknown>;
  delete meta.managedFields;
  delete meta.resourceVersion;
  delete meta.generation;
  return { ...rest, metadata: meta };
}

/** YAML of the object as the diff shows it; a deleted object is one comment line. */
export function objectYaml(obj: KubeObject | undefined): string {
  const shown = objectForDiff(obj);
  if (!shown) return '# deleted\n';
  const text = dumpYaml(shown, { noRefs: true, lineWidth: 200, sortKeys: false });
  return text.length > MAX_CHARS ? `${text.slice(0, MAX_CHARS)}\n# ... cut at ${MAX_CHARS} characters\n` : text;
}

/** The lines that differ between the two texts (for the log and the confirmation), at most `max`. */
export function changedLines(before: string, after: string, max = 12): string[] {
  const a = new Set(before.split('\n'));
  const b = new Set(after.split('\n'));
  const removed = [...a].filter((l) => !b.has(l)).map((l) => `- ${l.trim()}`);
  const added = [...b].filter((l) => !a.has(l)).map((l) => `+ ${l.trim()}`);
  const all = [...removed, ...added];
  return all.length > max ? [...all.slice(0, max), `... ${all.length - max} more`] : all;
}

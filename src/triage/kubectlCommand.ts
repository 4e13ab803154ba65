import type { PodMemory } from './model.ts';

// The extension never runs kubectl; this only writes the runbook's command for a person to
// paste, so every name is quoted for a POSIX shell.
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

// Every container, as the tree judges them: "api-1<TAB>api=OOMKilled sidecar= " (not only the first).
const JSONPATH =
  '{range .items[*]}{.metadata.name}{"\\t"}{range .status.containerStatuses[*]}{.name}={.lastState.terminated.reason}{" "}{end}{"\\n"}{end}';

/** Step 1 of the runbook for one pod: its usage, then its last termination reasons. */
export function kubectlCommandsFor(pod: PodMemory): string {
  const scope = ['--context', pod.ref.context, '-n', pod.ref.namespace];
  const q = (args: string[]): string => args.map(shellQuote).join(' ');
  return [
    q(['kubectl', ...scope, 'top', 'pod', pod.ref.name, '--containers']),
    q(['kubectl', ...scope, 'get', 'pod', pod.ref.name, '-o', `jsonpath={range .status.containerStatuses[*]}{.name}{"\\t"}{.lastState.terminated.reason}{"\\t"}{.restartCount}{"\\n"}{end}`]),
  ].join('\n');
}

/** The runbook's two commands for the whole scope (label selector as given). */
export function kubectlCommandsForScope(context: string, namespace: string | undefined, labelSelector: string): string {
  const scope = ['--context', context, ...(namespace ? ['-n', namespace] : ['-A'])];
  const selector = labelSelector ? ['-l', labelSelector] : [];
  const q = (args: string[]): string => args.map(shellQuote).join(' ');
  return [q(['kubectl', ...scope, 'top', 'pods', ...selector]), q(['kubectl', ...scope, 'get', 'pods', ...selector, '-o', `jsonpath=${JSONPATH}`])].join('\n');
}

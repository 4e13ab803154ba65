// Equality and set-based requirements, as `kubectl -l` takes them: app=api,tier!=db,env in (a,b),!canary
const REQUIREMENT = /^\s*!?[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?\s*((==?|!=)\s*[A-Za-z0-9]?([-A-Za-z0-9_.]*[A-Za-z0-9])?|\s+(in|notin)\s*\([^()]*\))?\s*$/;

/** An error message for a malformed selector, undefined when it is fine (or empty). */
export function validateSelector(value: string): string | undefined {
  if (value.trim() === '') return undefined;
  // split on commas outside parentheses
  const parts = value.split(/,(?![^(]*\))/);
  const bad = parts.find((p) => !REQUIREMENT.test(p));
  return bad === undefined ? undefined : `Not a label selector requirement: "${bad.trim()}" (e.g. app=api,tier!=db)`;
}


// The three patch types kubectl and client-node send: JSON merge patch (RFC 7386),
// JSON patch (RFC 6902) and Kubernetes strategic merge patch, whose lists of named
// things (containers, env, ports...) merge by key instead of being replaced.
import { badRequest, failure, ApiError } from './status.ts';

type Json = any;

export function mergePatch(target: Json, patch: Json): Json {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return structuredClone(patch);
  const out: Json = target && typeof target === 'object' && !Array.isArray(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** List fields merged by a key in strategic merge patch (from the Kubernetes API types' patchMergeKey tags). */
const mergeKeys: Record<string, string> = {
  containers: 'name', initContainers: 'name', ephemeralContainers: 'name', env: 'name', volumes: 'name',
  volumeMounts: 'mountPath', volumeDevices: 'devicePath', ports: 'containerPort', imagePullSecrets: 'name',
  conditions: 'type', tolerations: 'key', hostAliases: 'ip', ownerReferences: 'uid', envFrom: '', finalizers: '',
};

function isObject(v: Json): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function strategicMergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  if (patch.$patch === 'replace') {
    const copy = { ...patch };
    delete copy.$patch;
    return copy;
  }
  if (patch.$patch === 'delete') return undefined;
  const out: Json = isObject(target) ? { ...target } : {};
  const retain: string[] | undefined = patch.$retainKeys;
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$setElementOrder/') || k === '$retainKeys' || k === '$patch') continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      if (Array.isArray(out[field])) out[field] = out[field].filter((x: Json) => !(v as Json[]).includes(x));
      continue;
    }
    if (v === null) delete out[k];
    else if (Array.isArray(v)) out[k] = mergeList(k, out[k], v);
    else if (isObject(v)) {
      const merged = strategicMergePatch(out[k], v);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    } else out[k] = v;
  }
  if (retain) for (const k of Object.keys(out)) if (!retain.includes(k)) delete out[k];
  return out;
}

function mergeList(field: string, current: Json, patch: Json[]): Json[] {
  const key = mergeKeys[field];
  if (!key || !Array.isArray(current)) {
    if (field === 'finalizers' && Array.isArray(current)) return [...new Set([...current, ...patch])];
    return patch.filter((p) => !(isObject(p) && p.$patch)).map((p) => structuredClone(p));
  }
  if (patch.some((p) => isObject(p) && p.$patch === 'replace')) return patch.filter((p) => !p.$patch);
  const out = current.map((c) => structuredClone(c));
  for (const item of patch) {
    if (!isObject(item) || item[key] === undefined) {
      throw badRequest(`map: ${JSON.stringify(item)} does not contain declared merge key: ${key}`);
    }
    const at = out.findIndex((c) => c?.[key] === item[key]);
    if (item.$patch === 'delete') {
      if (at >= 0) out.splice(at, 1);
    } else if (at >= 0) out[at] = strategicMergePatch(out[at], item);
    else out.push(strategicMergePatch({}, item));
  }
  return out;
}

function unescape(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

function parsePointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw badRequest(`the server rejected our request due to an error in our request: invalid JSON patch path "${path}"`);
  return path.slice(1).split('/').map(unescape);
}

function patchError(message: string): ApiError {
  return new ApiError(failure(422, 'Invalid', message));
}

function walk(doc: Json, tokens: string[]): { parent: Json; last: string } {
  let cur = doc;
  for (const t of tokens.slice(0, -1)) {
    cur = Array.isArray(cur) ? cur[Number(t)] : cur?.[t];
    if (cur === undefined || cur === null) throw patchError(`the server rejected our request due to an error in our request: doc is missing path: "/${tokens.join('/')}"`);
  }
  return { parent: cur, last: tokens[tokens.length - 1] };
}

function getAt(doc: Json, tokens: string[]): Json {
  let cur = doc;
  for (const t of tokens) {
    cur = Array.isArray(cur) ? cur[Number(t)] : cur?.[t];
    if (cur === undefined) throw patchError(`the server rejected our request due to an error in our request: doc is missing path: "/${tokens.join('/')}"`);
  }
  return cur;
}

function addAt(doc: Json, tokens: string[], value: Json): Json {
  if (tokens.length === 0) return structuredClone(value);
  const { parent, last } = walk(doc, tokens);
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (!(index >= 0 && index <= parent.length)) throw patchError(`the server rejected our request due to an error in our request: add operation index out of bounds: ${last}`);
    parent.splice(index, 0, structuredClone(value));
  } else parent[last] = structuredClone(value);
  return doc;
}

function removeAt(doc: Json, tokens: string[]): Json {
  const { parent, last } = walk(doc, tokens);
  if (Array.isArray(parent)) {
    const index = Number(last);
    if (!(index >= 0 && index < parent.length)) throw patchError(`the server rejected our request due to an error in our request: remove operation does not apply: doc is missing path: "/${tokens.join('/')}"`);
    parent.splice(index, 1);
  } else {
    if (!(last in parent)) throw patchError(`the server rejected our request due to an error in our request: remove operation does not apply: doc is missing path: "/${tokens.join('/')}"`);
    delete parent[last];
  }
  return doc;
}

export function jsonPatch(target: Json, ops: Json): Json {
  if (!Array.isArray(ops)) throw badRequest('the server rejected our request due to an error in our request: json patch must be an array of operations');
  let doc = structuredClone(target);
  for (const op of ops) {
    const path = parsePointer(op.path ?? '');
    switch (op.op) {
      case 'add': doc = addAt(doc, path, op.value); break;
      case 'remove': doc = removeAt(doc, path); break;
      case 'replace': getAt(doc, path); doc = removeAt(doc, path); doc = addAt(doc, path, op.value); break;
      case 'move': { const from = parsePointer(op.from); const v = getAt(doc, from); doc = removeAt(doc, from); doc = addAt(doc, path, v); break; }
      case 'copy': doc = addAt(doc, path, getAt(doc, parsePointer(op.from))); break;
      case 'test':
        if (JSON.stringify(getAt(doc, path)) !== JSON.stringify(op.value)) throw patchError(`the server rejected our request due to an error in our request: testing value /${path.join('/')} failed: test failed`);
        break;
      default: throw badRequest(`the server rejected our request due to an error in our request: Unexpected kind: ${op.op}`);
    }
  }
  return doc;
}

/** Applies a patch body of the given Content-Type; strategic merge is the kubectl default. */
export function applyPatch(contentType: string, target: Json, patch: Json): Json {
  const type = contentType.split(';')[0].trim();
  if (type === 'application/json-patch+json') return jsonPatch(target, patch);
  if (type === 'application/merge-patch+json') return mergePatch(target, patch);
  if (type === 'application/strategic-merge-patch+json') return strategicMergePatch(target, patch);
  throw new ApiError(failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`));
}

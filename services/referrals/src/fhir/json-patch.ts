import { DomainError, ValidationError } from '@sp/errors';
import { isObject, type Json } from './fhir-json';

/**
 * RFC 6902 JSON Patch (add, remove, replace, test) on a JSON document, on a copy. Only the
 * top-level members in `writable` may be changed; `test` may read anything. Every refused
 * operation is reported, naming the element as FHIRPath (`Task.focus`).
 */

export interface PatchOperation {
  op: 'add' | 'remove' | 'replace' | 'test';
  path: string[];
  value?: unknown;
}

function parsePointer(pointer: string): string[] | undefined {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return undefined;
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** `/output/0/valueInteger` -> `Task.output[0].valueInteger`. */
export function pointerToFhirPath(resourceType: string, path: readonly string[]): string {
  return path.reduce(
    (acc, seg) => (/^\d+$/.test(seg) || seg === '-' ? `${acc}[${seg}]` : `${acc}.${seg}`),
    resourceType,
  );
}

export function parsePatch(
  body: unknown,
  resourceType: string,
  writable: readonly string[],
): PatchOperation[] {
  const problems: { field: string; code: string; message: string }[] = [];
  if (!Array.isArray(body) || body.length === 0) {
    throw new ValidationError([
      { field: '', code: 'structure', message: 'A JSON Patch is a non-empty array of operations' },
    ]);
  }
  const ops: PatchOperation[] = [];
  body.forEach((raw, i) => {
    if (!isObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
      problems.push({ field: '', code: 'structure', message: `Operation ${i} needs op and path` });
      return;
    }
    const path = parsePointer(raw.path);
    if (!path) {
      problems.push({ field: '', code: 'structure', message: `Operation ${i}: path must be a JSON Pointer` });
      return;
    }
    const at = pointerToFhirPath(resourceType, path);
    if (!['add', 'remove', 'replace', 'test'].includes(raw.op)) {
      problems.push({
        field: at,
        code: 'not-supported',
        message: `Operation ${i}: ${raw.op} is not supported (add, remove, replace, test)`,
      });
      return;
    }
    if (raw.op !== 'test' && !writable.includes(path[0] ?? '')) {
      problems.push({
        field: at,
        code: 'not-supported',
        message: `Operation ${i}: ${at} cannot be changed (changeable: ${writable.map((w) => `${resourceType}.${w}`).join(', ')})`,
      });
      return;
    }
    if (raw.op !== 'remove' && !('value' in raw)) {
      problems.push({ field: at, code: 'required', message: `Operation ${i}: ${raw.op} needs a value` });
      return;
    }
    ops.push({ op: raw.op as PatchOperation['op'], path, ...('value' in raw ? { value: raw.value } : {}) });
  });
  if (problems.length > 0) throw new ValidationError(problems);
  return ops;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value))
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function unprocessable(at: string, message: string): DomainError {
  return new DomainError('FHIR.PATCH_FAILED', message, {
    status: 422,
    problems: [{ field: at, code: 'processing', message }],
  });
}

/** Applies the operations to a copy; a failed `test` or a missing target is 422 (RFC 5789 / 6902). */
export function applyPatch<T extends Json>(
  document: T,
  ops: readonly PatchOperation[],
  resourceType: string,
): T {
  const root = structuredClone(document) as Json;
  for (const op of ops) {
    const at = pointerToFhirPath(resourceType, op.path);
    const parentPath = op.path.slice(0, -1);
    const key = op.path[op.path.length - 1];
    let parent: unknown = root;
    for (const seg of parentPath) {
      parent = Array.isArray(parent) ? parent[Number(seg)] : isObject(parent) ? parent[seg] : undefined;
      if (parent === undefined) throw unprocessable(at, `${at}: the path does not exist`);
    }
    if (key === undefined) throw unprocessable(at, 'The whole resource cannot be patched');
    const current = Array.isArray(parent) ? parent[Number(key)] : isObject(parent) ? parent[key] : undefined;
    switch (op.op) {
      case 'test':
        if (!deepEqual(current, op.value)) throw unprocessable(at, `${at}: test failed`);
        break;
      case 'remove':
        if (current === undefined) throw unprocessable(at, `${at}: nothing to remove`);
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else delete (parent as Json)[key];
        break;
      case 'replace':
        if (current === undefined) throw unprocessable(at, `${at}: nothing to replace`);
        if (Array.isArray(parent)) parent[Number(key)] = op.value;
        else (parent as Json)[key] = op.value;
        break;
      case 'add':
        if (Array.isArray(parent)) {
          const index = key === '-' ? parent.length : Number(key);
          if (!Number.isInteger(index) || index < 0 || index > parent.length)
            throw unprocessable(at, `${at}: index out of range`);
          parent.splice(index, 0, op.value);
        } else if (isObject(parent)) parent[key] = op.value;
        else throw unprocessable(at, `${at}: the path does not exist`);
        break;
    }
  }
  return root as T;
}

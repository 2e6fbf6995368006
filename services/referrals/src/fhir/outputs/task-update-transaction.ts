import { DomainError, ValidationError } from '@sp/errors';
import type { ReferralDocument } from '../../referrals/referral.entity';
import type { Bundle, BundleEntry } from '../fhir.types';
import { isObject, Problems, text, type Json } from '../fhir-json';
import { informational } from '../fhir-http';
import { weakEtag } from '../referral-to-fhir';
import { referencedId } from './procedure';

/**
 * A transaction Bundle that updates a Task together with the Procedures its outputs name, as a
 * Gravity performer may send it: one entry `PUT Task/<id>` (with `request.ifMatch`) and entries
 * `POST Procedure` whose `fullUrl` (urn:uuid) the Task's `resulting-activity` outputs reference.
 * It becomes one Task update with the Procedures contained (`#<n>`), so they are kept with the
 * referral exactly as a Task that contains them; problems are named where the client put them
 * (`Bundle.entry[1].resource.code`). Pure code.
 */

export interface TaskUpdateTransaction {
  taskId: string;
  ifMatch: string | undefined;
  /** The Task with the posted Procedures contained and output references rewritten to them. */
  task: Json;
  taskEntry: number;
  /** Bundle entry index of each posted Procedure, in the order they are contained. */
  procedureEntries: number[];
  /** Task.contained index of the first posted Procedure (after those the Task contained itself). */
  postedFrom: number;
  entryCount: number;
}

function entries(body: unknown): unknown[] {
  return isObject(body) && Array.isArray(body.entry) ? body.entry : [];
}

function request(entry: unknown): { method?: string; url?: string; ifMatch?: string } {
  const r = isObject(entry) && isObject(entry.request) ? entry.request : {};
  return { method: text(r.method), url: text(r.url), ifMatch: text(r.ifMatch) };
}

/** A transaction whose entries include `PUT Task/<id>`: a Task update, not a new referral. */
export function isTaskUpdateTransaction(body: unknown): boolean {
  return (
    isObject(body) &&
    body.type === 'transaction' &&
    entries(body).some((e) => {
      const r = request(e);
      return r.method === 'PUT' && r.url !== undefined && /^Task\/[^/]+$/.test(r.url);
    })
  );
}

export function readTaskUpdateTransaction(body: unknown): TaskUpdateTransaction {
  const problems = new Problems();
  const all = entries(body);
  let taskEntry: number | undefined;
  const procedures: { entry: number; fullUrl: string; resource: Json }[] = [];
  all.forEach((raw, i) => {
    const at = `Bundle.entry[${i}]`;
    const r = request(raw);
    const resource = isObject(raw) && isObject(raw.resource) ? raw.resource : undefined;
    if (r.method === 'PUT' && resource?.resourceType === 'Task') {
      if (taskEntry !== undefined) problems.add(at, 'not-supported', 'One Task update per transaction');
      else taskEntry = i;
    } else if (r.method === 'POST' && r.url === 'Procedure' && resource?.resourceType === 'Procedure') {
      const fullUrl = isObject(raw) ? text(raw.fullUrl) : undefined;
      if (fullUrl === undefined)
        problems.required(`${at}.fullUrl`, 'The Procedure needs a fullUrl (urn:uuid:...)');
      else procedures.push({ entry: i, fullUrl, resource });
    } else {
      problems.add(
        `${at}.request`,
        'not-supported',
        'A Task update transaction holds PUT Task/<id> and POST Procedure entries only',
      );
    }
  });
  const taskRaw = taskEntry !== undefined ? (all[taskEntry] as Json) : undefined;
  const task = taskRaw && isObject(taskRaw.resource) ? { ...taskRaw.resource } : undefined;
  const url = taskRaw ? request(taskRaw).url : undefined;
  const taskId = url !== undefined ? referencedId(url, 'Task') : undefined;
  if (!task || taskId === undefined) problems.required('Bundle.entry', 'PUT Task/<id> with the Task');
  if (!problems.empty || !task || taskId === undefined || taskEntry === undefined)
    throw new ValidationError(problems.list);

  // The posted Procedures join what the Task already contains, with local ids #posted-<n>.
  const contained = Array.isArray(task.contained) ? [...(task.contained as unknown[])] : [];
  const firstPosted = contained.length;
  const localIds = new Map<string, string>();
  procedures.forEach((p, n) => {
    const localId = `posted-${n + 1}`;
    localIds.set(p.fullUrl, localId);
    contained.push({ ...p.resource, id: localId });
  });
  if (Array.isArray(task.output))
    task.output = task.output.map((o) => {
      const reference =
        isObject(o) && isObject(o.valueReference) ? text(o.valueReference.reference) : undefined;
      const localId = reference !== undefined ? localIds.get(reference) : undefined;
      return localId !== undefined && isObject(o)
        ? { ...o, valueReference: { reference: `#${localId}` } }
        : o;
    });
  if (contained.length > 0) task.contained = contained;
  return {
    postedFrom: firstPosted,
    taskId,
    ifMatch: request(taskRaw).ifMatch,
    task,
    taskEntry,
    procedureEntries: procedures.map((p) => p.entry),
    entryCount: all.length,
  };
}

/** A FHIRPath on the Task as updated -> where the client put it in the Bundle. */
export function bundleExpression(parsed: TaskUpdateTransaction): (field: string) => string {
  const task = `Bundle.entry[${parsed.taskEntry}].resource`;
  return (field) => {
    const match = /^Task\.contained\[(\d+)\](.*)$/.exec(field);
    if (match) {
      const k = Number(match[1]) - parsed.postedFrom;
      const entry = k >= 0 ? parsed.procedureEntries[k] : undefined;
      if (entry !== undefined) return `Bundle.entry[${entry}].resource${match[2] ?? ''}`;
    }
    if (field === 'Task') return task;
    return field.startsWith('Task.') ? `${task}${field.slice(4)}` : field;
  };
}

/** The If-Match of the Task entry as a version (428 when missing, as for PUT). */
export function requiredVersion(
  parsed: TaskUpdateTransaction,
  parse: (h: string | undefined) => number | undefined,
): number {
  const version = parse(parsed.ifMatch);
  if (version === undefined)
    throw new DomainError(
      'FHIR.PRECONDITION_REQUIRED',
      'Send request.ifMatch W/"<versionId>" of the Task you read on its entry',
      { status: 428 },
    );
  return version;
}

/** The transaction-response: the Task's new version, and each Procedure held in it. */
export function taskUpdateResponse(parsed: TaskUpdateTransaction, doc: ReferralDocument): Bundle {
  const entry: BundleEntry[] = Array.from({ length: parsed.entryCount }, () => ({
    response: { status: '200 OK' },
  }));
  entry[parsed.taskEntry] = {
    response: {
      status: '200 OK',
      location: `Task/${doc._id}/_history/${doc.version}`,
      etag: weakEtag(doc.version),
      lastModified: doc.updatedAt.toISOString(),
    },
  };
  parsed.procedureEntries.forEach((i) => {
    entry[i] = {
      response: {
        status: '201 Created',
        outcome: informational(
          `Held with the referral: contained in Task/${doc._id}, referenced from its resulting-activity output`,
        ),
      },
    };
  });
  return { resourceType: 'Bundle', type: 'transaction-response', entry };
}

// The people of the local OpenID Connect provider: the demo people (demo-people.json) and those
// created through the dev admin API (tests, local use). Kept in memory; passwords are stored as
// scrypt hashes and compared in constant time even though this provider is local-only, so the
// habit is right where someone copies it.
import { Buffer } from 'node:buffer';
import { randomBytes, randomUUID, scryptSync, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { v5 as uuidv5 } from 'uuid';

/** Namespace of the demo people's subject identifiers: the same username always gets the same sub. */
const DEMO_SUB_NAMESPACE = '76f0263b-4478-4523-8f4d-851d6aeca215';
// Low scrypt cost: local-only accounts, and tests create many.
const SCRYPT = { N: 4096, r: 8, p: 1 };

export const PLATFORM_ROLES = ['referrer', 'link-worker', 'provider'];
export const TEAM_ROLES = ['worker', 'team-lead'];
const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{2,99}$/;
const ODS = /^[A-Z0-9]{3,10}$/;

function hash(password, salt = randomBytes(16)) {
  return { salt, hash: scryptSync(password, salt, 32, SCRYPT) };
}

/**
 * Problems of a person as posted to POST /dev/people, one per field ({ field, message }); an
 * empty list when it is fine.
 */
export function personProblems(body) {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return [{ field: '', message: 'expected a JSON object' }];
  }
  const problems = [];
  const text = (field, max) => {
    const v = body[field];
    if (typeof v !== 'string' || v.trim().length === 0)
      problems.push({ field, message: 'is required (text)' });
    else if (v.length > max) problems.push({ field, message: `is longer than ${max} characters` });
  };
  if (typeof body.username !== 'string' || !USERNAME.test(body.username)) {
    problems.push({
      field: 'username',
      message: '3 to 100 letters, digits or . _ @ -, starting with a letter or digit',
    });
  }
  if (typeof body.password !== 'string' || body.password.length < 8 || body.password.length > 200) {
    problems.push({ field: 'password', message: 'is required, 8 to 200 characters' });
  }
  text('name', 200);
  text('organisationId', 200);
  if (!PLATFORM_ROLES.includes(body.role)) {
    problems.push({ field: 'role', message: `must be one of ${PLATFORM_ROLES.join(', ')}` });
  }
  if (!TEAM_ROLES.includes(body.teamRole)) {
    problems.push({ field: 'teamRole', message: `must be one of ${TEAM_ROLES.join(', ')}` });
  }
  if (body.odsCode !== undefined && (typeof body.odsCode !== 'string' || !ODS.test(body.odsCode))) {
    problems.push({ field: 'odsCode', message: 'an ODS code: 3 to 10 capital letters or digits' });
  }
  const known = new Set(['username', 'password', 'name', 'organisationId', 'role', 'teamRole', 'odsCode']);
  for (const key of Object.keys(body)) {
    if (!known.has(key)) problems.push({ field: key, message: 'is not a known field' });
  }
  return problems;
}

export class People {
  #byUsername = new Map();
  #bySub = new Map();

  /** Adds a person (input already checked); throws when the username is taken. Returns the public view. */
  add({ username, password, name, organisationId, role, teamRole, odsCode, sub = randomUUID() }) {
    const key = username.toLowerCase();
    if (this.#byUsername.has(key)) throw new Error(`username ${username} is taken`);
    const person = { sub, username, name, organisationId, role, teamRole, odsCode, secret: hash(password) };
    this.#byUsername.set(key, person);
    this.#bySub.set(sub, person);
    return publicView(person);
  }

  has(username) {
    return this.#byUsername.has(String(username).toLowerCase());
  }

  /** The person when the password is theirs; undefined otherwise (same work either way). */
  authenticate(username, password) {
    const person = this.#byUsername.get(String(username ?? '').toLowerCase());
    const salt = person?.secret.salt ?? Buffer.alloc(16);
    const { hash: candidate } = hash(String(password ?? ''), salt);
    const ok = person !== undefined && timingSafeEqual(candidate, person.secret.hash);
    return ok ? publicView(person) : undefined;
  }

  bySub(sub) {
    const person = this.#bySub.get(sub);
    return person ? publicView(person) : undefined;
  }

  get size() {
    return this.#bySub.size;
  }

  list() {
    return [...this.#bySub.values()].map(publicView);
  }
}

/** A person without their password hash. */
function publicView({ sub, username, name, organisationId, role, teamRole, odsCode }) {
  return { sub, username, name, organisationId, role, teamRole, ...(odsCode ? { odsCode } : {}) };
}

/**
 * Loads demo-people.json. `organisationOf(slug)` answers the platform's id and ODS code of a demo
 * organisation (undefined for an unknown slug, which stops the provider: a typo must not silently
 * give people an organisation nobody has).
 */
export function loadDemoPeople(file, people, organisationOf) {
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  for (const entry of doc.people) {
    const org = organisationOf(entry.organisation);
    if (!org)
      throw new Error(
        `${file}: ${entry.username} belongs to unknown demo organisation ${entry.organisation}`,
      );
    const person = {
      username: entry.username,
      password: doc.password,
      name: entry.name,
      organisationId: org.id,
      role: entry.role,
      teamRole: entry.teamRole,
      ...(org.odsCode ? { odsCode: org.odsCode } : {}),
    };
    const problems = personProblems(person);
    if (problems.length > 0) {
      throw new Error(
        `${file}: ${entry.username}: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`,
      );
    }
    people.add({ ...person, sub: uuidv5(entry.username.toLowerCase(), DEMO_SUB_NAMESPACE) });
  }
  return doc.people.length;
}

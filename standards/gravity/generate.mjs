// Turns the pinned FSH sources in ./source into the FHIR R4 JSON resources beside this file, the way
// SUSHI does for the subset of FSH these two files use (metadata keywords, caret rules, concept
// and include lines). Run: node standards/gravity/generate.mjs. The JSON is committed; this script
// only documents (and reproduces) how it was made from the sources.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const CANONICAL = 'http://hl7.org/fhir/us/sdoh-clinicalcare';
const IG_VERSION = '2.3.0-draft'; // sushi-config.yaml `version` at the commit read (see README.md)

const str = /"((?:[^"\\]|\\.)*)"/g;
const strings = (text) => [...text.matchAll(str)].map((m) => m[1]);

function parse(file) {
  const lines = readFileSync(join(here, 'source', file), 'utf8').split('\n');
  const meta = {};
  const rules = [];
  const entries = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (!line || line.startsWith('//')) continue;
    let m;
    if ((m = /^(CodeSystem|ValueSet|Id|Title|Description):\s*(.*)$/.exec(line))) {
      meta[m[1]] = m[1] === 'Title' || m[1] === 'Description' ? strings(m[2])[0] : m[2].trim();
    } else if ((m = /^\* \^([\w.]+) = (.*)$/.exec(line))) {
      rules.push([m[1], m[2]]);
    } else if ((m = /^\* (\w*)#([\w-]+)(.*)$/.exec(line))) {
      const [display, definition] = strings(m[3]);
      entries.push({ system: m[1] || undefined, code: m[2], display, definition });
    } else {
      throw new Error(`${file}: unsupported FSH line: ${line}`);
    }
  }
  return { meta, rules, entries };
}

function value(raw) {
  if (raw.startsWith('"')) return strings(raw)[0];
  if (raw.startsWith('#')) return raw.slice(1);
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw;
}

function applyRules(resource, rules) {
  for (const [path, raw] of rules) {
    if (path === 'jurisdiction') {
      const [system, code] = raw.split('#');
      resource.jurisdiction = [{ coding: [{ system, code }] }];
    } else if (path.startsWith('contact.')) {
      resource.contact ??= [{}];
      const contact = resource.contact[0];
      if (path === 'contact.name') contact.name = value(raw);
      else {
        contact.telecom ??= [{}];
        contact.telecom[0][path.slice('contact.telecom.'.length)] = value(raw);
      }
    } else {
      resource[path] = value(raw);
    }
  }
}

function header(resourceType, meta) {
  const name = meta[resourceType];
  return {
    resourceType,
    id: meta.Id,
    url: `${CANONICAL}/${resourceType}/${meta.Id}`,
    version: IG_VERSION,
    name,
    title: meta.Title,
    status: 'draft',
    description: meta.Description,
  };
}

function order(resource, keys) {
  const out = {};
  for (const key of keys) if (resource[key] !== undefined) out[key] = resource[key];
  for (const key of Object.keys(resource)) if (!(key in out)) out[key] = resource[key];
  return out;
}

const KEYS = [
  'resourceType',
  'id',
  'url',
  'version',
  'name',
  'title',
  'status',
  'experimental',
  'date',
  'publisher',
  'contact',
  'description',
  'jurisdiction',
  'purpose',
  'copyright',
  'caseSensitive',
  'content',
  'count',
  'concept',
  'compose',
];

const cs = parse('SDOHCCCodeSystemTemporaryCodes.fsh');
const codeSystem = header('CodeSystem', cs.meta);
applyRules(codeSystem, cs.rules);
codeSystem.concept = cs.entries.map(({ code, display, definition }) => ({ code, display, definition }));

const vs = parse('SDOHCCValueSetSDOHCategory.fsh');
const valueSet = header('ValueSet', vs.meta);
applyRules(valueSet, vs.rules);
const aliases = { SDOHCCCodeSystemTemporaryCodes: codeSystem.url };
const includes = new Map();
for (const { system, code, display } of vs.entries) {
  const url = aliases[system];
  if (!url) throw new Error(`unknown code system alias ${system}`);
  if (!includes.has(url)) includes.set(url, []);
  includes.get(url).push({ code, display });
}
valueSet.compose = { include: [...includes].map(([system, concept]) => ({ system, concept })) };

for (const resource of [codeSystem, valueSet]) {
  const file = join(here, `${resource.resourceType}-${resource.id}.json`);
  writeFileSync(file, JSON.stringify(order(resource, KEYS), null, 2) + '\n');
  console.log(`wrote ${file}`);
}

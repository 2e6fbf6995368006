import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG } from '@sp/service-kit';
import type { ServiceConfig } from '../service.config';
import {
  applyLayout,
  isTemplateName,
  placeholdersOf,
  renderTemplate,
  TemplateError,
  type RenderedEmail,
  type TemplateLayout,
  type TemplateVersion,
} from './domain/template';

export interface TemplateSummary {
  name: string;
  latestVersion: number;
  versions: Array<{ version: number; personalisation: string[]; html: boolean }>;
}

const FILE = /^v([1-9][0-9]{0,3})\.(subject\.txt|text\.txt|html|layout\.txt)$/;
/** Shared layouts: <templates>/_layouts/<name>/v<n>.text.txt (and v<n>.html). */
const LAYOUTS = '_layouts';
/** A version's v<n>.layout.txt names the layout version it uses: `<name> v<n>`. */
const LAYOUT_REFERENCE = /^([a-z][a-z0-9-]{0,63}) v([1-9][0-9]{0,3})$/;

type Part = 'subject' | 'text' | 'html' | 'layout';

/** The files of one template (or layout) folder, by version. */
function readVersions(folder: string): Map<number, Partial<Record<Part, string>>> {
  const parts = new Map<number, Partial<Record<Part, string>>>();
  for (const file of readdirSync(folder)) {
    const match = FILE.exec(file);
    if (!match) continue;
    const version = Number(match[1]);
    const key = match[2]!.replace(/\.txt$/, '') as Part;
    parts.set(version, { ...parts.get(version), [key]: readFileSync(join(folder, file), 'utf8') });
  }
  return parts;
}

/** The layouts of a templates directory, by `<name> v<n>`. */
function loadLayouts(directory: string): Map<string, TemplateLayout> {
  const layouts = new Map<string, TemplateLayout>();
  const root = join(directory, LAYOUTS);
  if (!existsSync(root)) return layouts;
  for (const name of readdirSync(root).filter(isTemplateName)) {
    for (const [version, p] of readVersions(join(root, name))) {
      if (p.text === undefined) {
        throw new TemplateError('TEMPLATE.INVALID', `Layout ${name} v${version} needs a text body`);
      }
      layouts.set(`${name} v${version}`, {
        name,
        version,
        text: p.text,
        ...(p.html !== undefined ? { html: p.html } : {}),
      });
    }
  }
  return layouts;
}

/** The templates the service ships, found from the sources (ts-jest, tsx) and from dist/. */
export function shippedTemplatesDirectory(): string {
  const relative = 'services/notifications/templates';
  const candidates = [
    resolve(__dirname, '../../templates'),
    resolve(__dirname, '../../../../..', relative),
    resolve(process.cwd(), relative),
  ];
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`Email templates not found (looked in ${candidates.join(', ')})`);
  return found;
}

/**
 * Reads every template version of a directory; a version without subject or text is refused, and
 * so is one naming a layout the directory does not have.
 */
export function loadTemplates(directory: string): Map<string, TemplateVersion[]> {
  const layouts = loadLayouts(directory);
  const templates = new Map<string, TemplateVersion[]>();
  for (const name of readdirSync(directory).sort()) {
    if (!isTemplateName(name)) continue;
    const versions = [...readVersions(join(directory, name)).entries()]
      .sort(([a], [b]) => a - b)
      .map(([version, p]): TemplateVersion => {
        if (p.subject === undefined || p.text === undefined) {
          throw new TemplateError(
            'TEMPLATE.INVALID',
            `Template ${name} v${version} needs a subject and a text body`,
          );
        }
        const own: TemplateVersion = {
          name,
          version,
          subject: p.subject.trim(),
          text: p.text,
          ...(p.html !== undefined ? { html: p.html } : {}),
        };
        if (p.layout === undefined) return own;
        const reference = p.layout.trim();
        const layout = LAYOUT_REFERENCE.test(reference) ? layouts.get(reference) : undefined;
        if (!layout) {
          throw new TemplateError(
            'TEMPLATE.INVALID',
            `Template ${name} v${version} names layout '${reference}', which is not in ${LAYOUTS}/`,
          );
        }
        return applyLayout(own, layout);
      });
    if (versions.length > 0) templates.set(name, versions);
  }
  return templates;
}

/**
 * The versioned email templates (services/notifications/templates), loaded once at boot: a broken
 * template stops the service starting rather than failing a send later. Emails use a template's
 * latest version unless one is named.
 */
@Injectable()
export class TemplateRegistry {
  private readonly templates: Map<string, TemplateVersion[]>;

  constructor(@Inject(SERVICE_CONFIG) config: Pick<ServiceConfig, 'TEMPLATES_DIR'>) {
    this.templates = loadTemplates(config.TEMPLATES_DIR || shippedTemplatesDirectory());
  }

  list(): TemplateSummary[] {
    return [...this.templates.entries()].map(([name, versions]) => ({
      name,
      latestVersion: versions[versions.length - 1]!.version,
      versions: versions.map((v) => ({
        version: v.version,
        personalisation: placeholdersOf(v),
        html: v.html !== undefined,
      })),
    }));
  }

  has(name: string): boolean {
    return this.templates.has(name);
  }

  /** A template version (the latest when none is named); TEMPLATE.NOT_FOUND otherwise. */
  get(name: string, version?: number): TemplateVersion {
    const versions = this.templates.get(name);
    const found =
      versions &&
      (version === undefined ? versions[versions.length - 1] : versions.find((v) => v.version === version));
    if (!found) {
      throw new TemplateError(
        'TEMPLATE.NOT_FOUND',
        version === undefined ? `No template '${name}'` : `No version ${version} of template '${name}'`,
      );
    }
    return found;
  }

  render(name: string, personalisation: Record<string, string>, version?: number): RenderedEmail {
    return renderTemplate(this.get(name, version), personalisation);
  }
}

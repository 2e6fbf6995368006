import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG } from '@sp/service-kit';
import type { ServiceConfig } from '../service.config';
import {
  isTemplateName,
  placeholdersOf,
  renderTemplate,
  TemplateError,
  type RenderedEmail,
  type TemplateVersion,
} from './domain/template';

export interface TemplateSummary {
  name: string;
  latestVersion: number;
  versions: Array<{ version: number; personalisation: string[]; html: boolean }>;
}

const FILE = /^v([1-9][0-9]{0,3})\.(subject\.txt|text\.txt|html)$/;

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

/** Reads every template version of a directory; a version without subject or text is refused. */
export function loadTemplates(directory: string): Map<string, TemplateVersion[]> {
  const templates = new Map<string, TemplateVersion[]>();
  for (const name of readdirSync(directory).sort()) {
    const folder = join(directory, name);
    if (!isTemplateName(name)) continue;
    const parts = new Map<number, Partial<Record<'subject' | 'text' | 'html', string>>>();
    for (const file of readdirSync(folder)) {
      const match = FILE.exec(file);
      if (!match) continue;
      const version = Number(match[1]);
      const key = match[2] === 'subject.txt' ? 'subject' : match[2] === 'text.txt' ? 'text' : 'html';
      parts.set(version, { ...parts.get(version), [key]: readFileSync(join(folder, file), 'utf8') });
    }
    const versions = [...parts.entries()]
      .sort(([a], [b]) => a - b)
      .map(([version, p]): TemplateVersion => {
        if (p.subject === undefined || p.text === undefined) {
          throw new TemplateError(
            'TEMPLATE.INVALID',
            `Template ${name} v${version} needs a subject and a text body`,
          );
        }
        return {
          name,
          version,
          subject: p.subject.trim(),
          text: p.text,
          ...(p.html !== undefined ? { html: p.html } : {}),
        };
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

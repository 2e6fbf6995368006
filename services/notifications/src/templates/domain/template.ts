/**
 * Email templates: versioned text with GOV.UK Notify-style placeholders, `((name))`. Pure: no file
 * system, no framework. A template version has a subject, a plain-text body and optionally an HTML
 * body; the HTML body gets every value HTML-escaped (line breaks become <br>), the others take
 * values as they are (emails are sent as text and HTML alternatives).
 */
export interface TemplateVersion {
  name: string;
  version: number;
  subject: string;
  text: string;
  html?: string;
}

export interface RenderedEmail {
  name: string;
  version: number;
  subject: string;
  text: string;
  html?: string;
}

export class TemplateError extends Error {
  constructor(
    readonly code: 'TEMPLATE.NOT_FOUND' | 'TEMPLATE.PERSONALISATION_MISSING' | 'TEMPLATE.INVALID',
    message: string,
    /** The personalisation fields missing (TEMPLATE.PERSONALISATION_MISSING). */
    readonly missing: string[] = [],
  ) {
    super(message);
    this.name = 'TemplateError';
  }
}

const PLACEHOLDER = /\(\(([A-Za-z][A-Za-z0-9_]{0,63})\)\)/g;
const NAME = /^[a-z][a-z0-9-]{0,63}$/;

/** The personalisation fields a template version uses, sorted. */
export function placeholdersOf(t: Pick<TemplateVersion, 'subject' | 'text' | 'html'>): string[] {
  const names = new Set<string>();
  for (const part of [t.subject, t.text, t.html ?? '']) {
    for (const match of part.matchAll(PLACEHOLDER)) names.add(match[1]!);
  }
  return [...names].sort();
}

export function isTemplateName(name: string): boolean {
  return NAME.test(name);
}

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * Fills a template version. Every placeholder must have a value (a missing one is an error naming
 * all of them, never an email with a gap); extra values are ignored, as Notify does. A subject is
 * one line: line breaks in its values become spaces.
 */
export function renderTemplate(t: TemplateVersion, personalisation: Record<string, string>): RenderedEmail {
  const missing = placeholdersOf(t).filter((name) => typeof personalisation[name] !== 'string');
  if (missing.length > 0) {
    throw new TemplateError(
      'TEMPLATE.PERSONALISATION_MISSING',
      `Template ${t.name} v${t.version} needs personalisation: ${missing.join(', ')}`,
      missing,
    );
  }
  const fill = (text: string, encode: (value: string) => string) =>
    text.replace(PLACEHOLDER, (_, name: string) => encode(personalisation[name]!));
  return {
    name: t.name,
    version: t.version,
    subject: fill(t.subject, (v) => v.replace(/\s*[\r\n]+\s*/g, ' ')).trim(),
    text: fill(t.text, (v) => v),
    ...(t.html !== undefined ? { html: fill(t.html, (v) => escapeHtml(v).replace(/\r?\n/g, '<br>\n')) } : {}),
  };
}

/** Where a layout takes the body of the template version it frames. */
export const LAYOUT_SLOT = '{{content}}';

/**
 * A layout: the frame and footer that several templates share, kept once and versioned like them
 * (a template version names the layout version it uses, so changing a footer is a new layout
 * version and leaves sent versions as they were). Its text (and HTML) hold LAYOUT_SLOT once.
 */
export interface TemplateLayout {
  name: string;
  version: number;
  text: string;
  html?: string;
}

/**
 * A template version with its bodies put in a layout's slot (their trailing blank lines dropped:
 * the layout decides the spacing). A version with an HTML body needs a layout with one.
 */
export function applyLayout(t: TemplateVersion, layout: TemplateLayout): TemplateVersion {
  const where = `Layout ${layout.name} v${layout.version}`;
  const place = (frame: string, part: string, body: string): string => {
    if (frame.split(LAYOUT_SLOT).length !== 2) {
      throw new TemplateError(
        'TEMPLATE.INVALID',
        `${where} needs ${LAYOUT_SLOT} exactly once in its ${part}`,
      );
    }
    return frame.replace(LAYOUT_SLOT, () => body.trimEnd());
  };
  if (t.html !== undefined && layout.html === undefined) {
    throw new TemplateError(
      'TEMPLATE.INVALID',
      `Template ${t.name} v${t.version} has an HTML body but ${where} has none`,
    );
  }
  return {
    ...t,
    text: place(layout.text, 'text', t.text),
    ...(t.html !== undefined ? { html: place(layout.html!, 'HTML', t.html) } : {}),
  };
}

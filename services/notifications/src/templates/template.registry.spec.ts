import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noticePersonalisation } from '../email/domain/notice-personalisation';
import { templateForKind } from '../email/domain/email-decision';
import { EMAIL_KINDS } from '../preferences/domain/notification-preferences';
import { loadTemplates, TemplateRegistry } from './template.registry';

describe('the shipped email templates', () => {
  const registry = new TemplateRegistry({ TEMPLATES_DIR: '' });

  it('has a template for every email kind, filled by a notice alone, with no patient field', () => {
    const personalisation = noticePersonalisation(
      {
        kind: 'referral.rejected',
        referralId: 'r-1',
        status: 'rejected',
        reasonCode: 'no-capacity',
        occurredAt: '2026-12-03T17:00:00Z',
      },
      'http://127.0.0.1:3001/',
    );
    for (const kind of EMAIL_KINDS) {
      const email = registry.render(templateForKind(kind), personalisation);
      expect(email.subject).toContain('r-1');
      expect(email.text).toContain('http://127.0.0.1:3001/v1/referrals/r-1');
      expect(email.html).toContain('href="http://127.0.0.1:3001/v1/referrals/r-1"');
    }
    const fields = new Set(registry.list().flatMap((t) => t.versions.flatMap((v) => v.personalisation)));
    for (const patientField of [
      'nhsNumber',
      'name',
      'givenName',
      'familyName',
      'birthDate',
      'address',
      'note',
    ]) {
      expect(fields.has(patientField)).toBe(false);
    }
    expect(personalisation['occurredAt']).toBe('3 Dec 2026, 17:00 (UK time)');
  });

  it('lists the digest and webhook templates with what they need', () => {
    const byName = new Map(registry.list().map((t) => [t.name, t]));
    expect(byName.get('daily-digest')?.versions[0]?.personalisation).toEqual([
      'date',
      'newCount',
      'newList',
      'overdueCount',
      'overdueList',
      'referralsUrl',
      'waitingCount',
      'waitingList',
    ]);
    expect(byName.get('webhook-endpoint-disabled')?.versions[0]?.personalisation).toEqual([
      'disabledAt',
      'endpointId',
      'endpointUrl',
      'reasonCode',
    ]);
  });

  it('loads every version of a directory, the latest by default, and refuses a version without a body', () => {
    const dir = mkdtempSync(join(tmpdir(), 'templates-'));
    mkdirSync(join(dir, 'hello'));
    writeFileSync(join(dir, 'hello', 'v1.subject.txt'), 'Hi ((who))\n');
    writeFileSync(join(dir, 'hello', 'v1.text.txt'), 'Hello ((who))');
    writeFileSync(join(dir, 'hello', 'v2.subject.txt'), 'Hey ((who))\n');
    writeFileSync(join(dir, 'hello', 'v2.text.txt'), 'Hey ((who)), ((when))');
    const local = new TemplateRegistry({ TEMPLATES_DIR: dir });
    expect(local.render('hello', { who: 'you', when: 'now' }).subject).toBe('Hey you');
    expect(local.render('hello', { who: 'you' }, 1).text).toBe('Hello you');
    expect(() => local.get('hello', 3)).toThrow('No version 3');
    expect(() => local.get('nope')).toThrow("No template 'nope'");
    writeFileSync(join(dir, 'hello', 'v3.subject.txt'), 'Only a subject');
    expect(() => loadTemplates(dir)).toThrow('hello v3 needs a subject and a text body');
  });

  it('frames a version in the layout it names, and refuses a version naming a layout that is not there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'templates-'));
    mkdirSync(join(dir, '_layouts', 'frame'), { recursive: true });
    writeFileSync(join(dir, '_layouts', 'frame', 'v1.text.txt'), '{{content}}\n-- sent by ((sender))\n');
    writeFileSync(join(dir, '_layouts', 'frame', 'v1.html'), '{{content}}\n<footer>((sender))</footer>\n');
    writeFileSync(join(dir, '_layouts', 'frame', 'v2.text.txt'), '{{content}}\n-- new footer\n');
    mkdirSync(join(dir, 'hello'));
    writeFileSync(join(dir, 'hello', 'v1.subject.txt'), 'Hi ((who))\n');
    writeFileSync(join(dir, 'hello', 'v1.text.txt'), 'Hello ((who))\n\n');
    writeFileSync(join(dir, 'hello', 'v1.html'), '<p>Hello ((who))</p>\n');
    writeFileSync(join(dir, 'hello', 'v1.layout.txt'), 'frame v1\n');
    const local = new TemplateRegistry({ TEMPLATES_DIR: dir });
    // The layout folder is not a template; the layout's placeholders are the version's.
    expect(local.list()).toEqual([
      {
        name: 'hello',
        latestVersion: 1,
        versions: [{ version: 1, personalisation: ['sender', 'who'], html: true }],
      },
    ]);
    expect(local.render('hello', { who: 'you', sender: 'us' })).toMatchObject({
      text: 'Hello you\n-- sent by us\n',
      html: '<p>Hello you</p>\n<footer>us</footer>\n',
    });
    // v2 of the layout has no HTML: a version with an HTML body cannot use it.
    writeFileSync(join(dir, 'hello', 'v1.layout.txt'), 'frame v2');
    expect(() => loadTemplates(dir)).toThrow('has an HTML body but Layout frame v2 has none');
    writeFileSync(join(dir, 'hello', 'v1.layout.txt'), 'frame v3');
    expect(() => loadTemplates(dir)).toThrow(
      "Template hello v1 names layout 'frame v3', which is not in _layouts/",
    );
  });

  it('frames every referral notice in the shared referral-notice layout (link, ids, footer)', () => {
    const values = {
      referralId: 'r-9',
      referralUrl: 'http://x/v1/referrals/r-9',
      occurredAt: 'now',
      status: 's',
    };
    const notices = registry.list().filter((t) => t.name.startsWith('referral-'));
    expect(notices.length).toBeGreaterThan(10);
    for (const { name, versions } of notices) {
      const personalisation = Object.fromEntries(versions[0]!.personalisation.map((f) => [f, 'v']));
      const email = registry.render(name, { ...personalisation, ...values }, 1);
      expect(email.text).toMatch(/\S\n\nRead the referral, with the details you are allowed to see/);
      expect(email.text).toContain(
        'Referral: r-9\nEvent time: now\n\nThis email carries ids and codes only.',
      );
      expect(email.html).toMatch(/<\/p>\n<p>\n {2}Read the referral/);
      expect(email.html).toContain('<a href="http://x/v1/referrals/r-9">http://x/v1/referrals/r-9</a>');
      expect(email.html?.trimEnd()).toMatch(/<code>PUT \/v1\/notification-preferences<\/code>\.\n<\/p>$/);
    }
  });
});

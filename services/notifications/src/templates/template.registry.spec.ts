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
});

import {
  applyLayout,
  escapeHtml,
  placeholdersOf,
  renderTemplate,
  TemplateError,
  type TemplateLayout,
  type TemplateVersion,
} from './template';

const template: TemplateVersion = {
  name: 'referral-rejected',
  version: 2,
  subject: 'Referral ((referralId)) was rejected',
  text: 'Reason: ((reasonCode))\nRead it: ((referralUrl))\n',
  html: '<p>Reason: ((reasonCode))</p><a href="((referralUrl))">((referralUrl))</a>',
};
const values = {
  referralId: 'r-1',
  reasonCode: 'sp-reason-no-capacity',
  referralUrl: 'http://x/v1/referrals/r-1',
};

describe('email templates', () => {
  it('lists the personalisation a version needs, across subject, text and HTML', () => {
    expect(placeholdersOf(template)).toEqual(['reasonCode', 'referralId', 'referralUrl']);
  });

  it('fills every placeholder, ignoring extra values', () => {
    expect(renderTemplate(template, { ...values, extra: 'ignored' })).toEqual({
      name: 'referral-rejected',
      version: 2,
      subject: 'Referral r-1 was rejected',
      text: 'Reason: sp-reason-no-capacity\nRead it: http://x/v1/referrals/r-1\n',
      html: '<p>Reason: sp-reason-no-capacity</p><a href="http://x/v1/referrals/r-1">http://x/v1/referrals/r-1</a>',
    });
  });

  it('refuses to render with personalisation missing, naming every missing field', () => {
    expect(() => renderTemplate(template, { referralId: 'r-1' })).toThrow(TemplateError);
    try {
      renderTemplate(template, { referralId: 'r-1' });
    } catch (error) {
      expect((error as TemplateError).code).toBe('TEMPLATE.PERSONALISATION_MISSING');
      expect((error as TemplateError).missing).toEqual(['reasonCode', 'referralUrl']);
      expect((error as TemplateError).message).toContain('reasonCode, referralUrl');
    }
  });

  it('escapes values in HTML (never in the text body) and keeps the subject on one line', () => {
    const hostile = '<script>alert("x")</script> & \'quotes\'';
    const out = renderTemplate(template, { ...values, reasonCode: hostile, referralId: 'a\r\nBcc: b' });
    expect(out.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;');
    expect(out.html).not.toContain('<script>');
    expect(out.text).toContain(hostile);
    expect(out.subject).toBe('Referral a Bcc: b was rejected');
    expect(escapeHtml('a\nb')).toBe('a\nb');
    expect(
      renderTemplate({ ...template, html: '<p>((reasonCode))</p>' }, { ...values, reasonCode: 'one\ntwo' })
        .html,
    ).toBe('<p>one<br>\ntwo</p>');
  });

  describe('layouts', () => {
    const layout: TemplateLayout = {
      name: 'notice',
      version: 1,
      text: '{{content}}\n\nRead it: ((referralUrl))\n',
      html: '<main>{{content}}</main><footer>((referralId))</footer>',
    };

    it('puts the bodies in the layout (trailing blank lines dropped), its placeholders filled like the rest', () => {
      const framed = applyLayout({ ...template, text: 'Reason: ((reasonCode))\n\n' }, layout);
      expect(framed.text).toBe('Reason: ((reasonCode))\n\nRead it: ((referralUrl))\n');
      expect(framed.subject).toBe(template.subject);
      expect(renderTemplate(framed, values)).toMatchObject({
        text: 'Reason: sp-reason-no-capacity\n\nRead it: http://x/v1/referrals/r-1\n',
        html: '<main><p>Reason: sp-reason-no-capacity</p><a href="http://x/v1/referrals/r-1">http://x/v1/referrals/r-1</a></main><footer>r-1</footer>',
      });
      // A layout's placeholders count as the version's own.
      expect(placeholdersOf(applyLayout({ ...template, text: 'x', html: 'y' }, layout))).toEqual([
        'referralId',
        'referralUrl',
      ]);
    });

    it('takes a body as it is, replacement patterns included', () => {
      expect(applyLayout({ ...template, text: "$& $' $$" }, layout).text).toContain("$& $' $$\n\nRead it");
    });

    it('refuses a layout without its slot exactly once, and an HTML body with a text-only layout', () => {
      expect(() => applyLayout(template, { ...layout, text: 'no slot' })).toThrow(
        'Layout notice v1 needs {{content}} exactly once in its text',
      );
      expect(() => applyLayout(template, { ...layout, html: '{{content}}{{content}}' })).toThrow(
        'needs {{content}} exactly once in its HTML',
      );
      const textOnly: TemplateLayout = { name: 'plain', version: 2, text: '{{content}}' };
      expect(() => applyLayout(template, textOnly)).toThrow(TemplateError);
      expect(() => applyLayout(template, textOnly)).toThrow('has an HTML body but Layout plain v2 has none');
      expect(applyLayout({ ...template, html: undefined }, textOnly).html).toBeUndefined();
    });
  });
});

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MailTemplates } from '../../src/domain/mail-templates';

describe('MailTemplates', () => {
  let templates: MailTemplates;

  beforeAll(async () => {
    templates = await MailTemplates.load();
  });

  const render = (message: string, subject = 'Hello') =>
    templates.render({ subject, message, fromName: 'John Smith' });

  it('inlines the layout CSS as style attributes and leaves no <style> block', () => {
    const { html } = render('Hi there');
    expect(html).not.toMatch(/<style/i);
    expect(html).toMatch(/<body style="[^"]*background-color: #f4f5f7/);
    expect(html).toMatch(
      /<p class="message" style="[^"]*white-space: pre-wrap[^"]*">Hi there<\/p>/,
    );
  });

  it('escapes markup in the message and the subject in the HTML part', () => {
    const { html } = render('<script>alert("x")</script> & <b>bold</b>', '<img src=x onerror=y>');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<b>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;');
    expect(html).toContain('<title>&lt;img src&#x3D;x onerror&#x3D;y&gt;</title>');
  });

  it('keeps the message lines as written, without indentation from the layout', () => {
    const { html } = render('first\nsecond\n  third');
    expect(html).toContain('>first\nsecond\n  third</p>');
  });

  it('puts the message verbatim in the plain-text part', () => {
    const message = 'a < b && c > d\n<script>x</script> "quoted"';
    const { text } = render(message);
    expect(text).toBe(`${message}\n`);
  });

  it('fails at load, not at the first mail, when a template is broken', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mail-templates-'));
    await writeFile(path.join(dir, 'layout.html.hbs'), '<html>{{> @partial-block}}</html>');
    await writeFile(path.join(dir, 'mail.html.hbs'), '{{#> layout}}{{mesage}}{{/layout}}');
    await writeFile(path.join(dir, 'mail.txt.hbs'), '{{message}}');
    await expect(MailTemplates.load(dir)).rejects.toThrow(/mesage/);
  });

  it('fails at load when a template file is missing', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mail-templates-'));
    await expect(MailTemplates.load(dir)).rejects.toThrow(/ENOENT/);
  });
});

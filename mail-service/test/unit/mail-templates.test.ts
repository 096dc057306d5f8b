import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Handlebars from 'handlebars';
import juice from 'juice';
import {
  DEFAULT_TEMPLATES_DIR,
  type MailContent,
  MailTemplates,
} from '../../src/domain/mail-templates';

/** How a mail was rendered before the CSS was inlined at start-up: juice over every render. */
async function inlinedPerSend(dir = DEFAULT_TEMPLATES_DIR): Promise<(c: MailContent) => string> {
  const handlebars = Handlebars.create();
  handlebars.registerPartial('layout', await readFile(path.join(dir, 'layout.html.hbs'), 'utf8'));
  const html = handlebars.compile<MailContent>(
    await readFile(path.join(dir, 'mail.html.hbs'), 'utf8'),
    { strict: true, preventIndent: true },
  );
  return (content) => juice(html(content));
}

async function templatesIn(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mail-templates-'));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return dir;
}

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

  it.each<[string, MailContent]>([
    ['plain text', { subject: 'Hello', message: 'Hi there', fromName: 'John Smith' }],
    [
      'every character HTML escapes',
      {
        subject: `<img src=x onerror=y> & "q" 'a' \`b\` =`,
        message: '<script>alert("x")</script> & <b>bold</b> \'single\' `tick` a=b &amp; &#x3D;',
        fromName: `O'Brien & <Sons>`,
      },
    ],
    [
      'lines, indentation, braces and non-ASCII',
      {
        subject: 'Grüße {{subject}} ✓',
        message: 'first\r\nsecond\n  third\n\t{{message}} {{{raw}}} <% x %> JUICE 🙂 日本語',
        fromName: 'Zoë',
      },
    ],
    ['a 100 KiB message', { subject: 'Big', message: 'x<y>&'.repeat(20_480), fromName: 'n' }],
  ])('renders %s exactly as inlining the CSS of each mail did', async (_case, content) => {
    const reference = await inlinedPerSend();
    expect(templates.render(content).html).toBe(reference(content));
  });

  it('refuses at load a template whose pre-inlined form would render differently', async () => {
    const dir = await templatesIn({
      'layout.html.hbs': '<html><style>p { color: red; }</style>{{> @partial-block}}</html>',
      // Triple braces: unescaped in a render, but an escaped {{message}} once pre-inlined.
      'mail.html.hbs': '{{#> layout}}<p>{{{message}}}</p>{{/layout}}',
      'mail.txt.hbs': '{{message}}',
    });
    await expect(MailTemplates.load(dir)).rejects.toThrow(/renders differently/);
  });

  it('inlines the layout CSS into the mail part too', async () => {
    const dir = await templatesIn({
      'layout.html.hbs':
        '<html><head><style>.m { color: red; } body { margin: 0; }</style></head><body>{{> @partial-block}} {{fromName}}</body></html>',
      'mail.html.hbs': '{{#> layout}}<p class="m">{{subject}}: {{message}}</p>{{/layout}}',
      'mail.txt.hbs': '{{message}}',
    });
    const loaded = await MailTemplates.load(dir);
    const content = { subject: 'S&', message: '<m>', fromName: 'F"' };
    const { html } = loaded.render(content);
    expect(html).toBe(
      '<html><head></head><body style="margin: 0;"><p class="m" style="color: red;">S&amp;: &lt;m&gt;</p> F&quot;</body></html>',
    );
    expect(html).toBe((await inlinedPerSend(dir))(content));
  });

  it('fails at load, not at the first mail, when a template is broken', async () => {
    const dir = await templatesIn({
      'layout.html.hbs': '<html>{{> @partial-block}}</html>',
      'mail.html.hbs': '{{#> layout}}{{mesage}}{{/layout}}',
      'mail.txt.hbs': '{{message}}',
    });
    await expect(MailTemplates.load(dir)).rejects.toThrow(/mesage/);
  });

  it('fails at load when a template file is missing', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mail-templates-'));
    await expect(MailTemplates.load(dir)).rejects.toThrow(/ENOENT/);
  });
});

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import Handlebars from 'handlebars';
import juice from 'juice';

/** templates/ next to src/ and dist/, so the same path works under tsx, node and in the image. */
export const DEFAULT_TEMPLATES_DIR = path.resolve(__dirname, '../../templates');

export interface MailContent {
  subject: string;
  message: string;
  fromName: string;
}

export interface RenderedMail {
  html: string;
  text: string;
}

type Template = Handlebars.TemplateDelegate<MailContent>;

/** Each field as its own Handlebars expression: rendering with these leaves them in place. */
const FIELD_EXPRESSIONS: MailContent = {
  subject: '{{subject}}',
  message: '{{message}}',
  fromName: '{{fromName}}',
};

/**
 * Content for the start-up check that the pre-inlined template renders what inlining each
 * mail would: every character Handlebars escapes, line breaks, braces and non-ASCII text.
 */
export const CHECK_CONTENT: MailContent = {
  subject: `Check <b>&amp; "double" 'single' =equals \`tick\``,
  message: 'a < b && c > d\n<script>alert("x")</script>\n  {{braces}} <%= tag %> é ✓ 🙂',
  fromName: `O'Brien & <Sons> "Mail"`,
};

/**
 * The mail's HTML and plain-text bodies, read and compiled once, at start-up. The HTML's
 * <style> rules are inlined into style attributes (the only styling many mail clients
 * honour) once, here: the layout and the mail are rendered into one document whose fields
 * are still Handlebars expressions, juice inlines its CSS (it leaves {{...}} alone), and
 * that is compiled as the HTML template. A send only renders it.
 */
export class MailTemplates {
  private constructor(
    private readonly html: Template,
    private readonly text: Template,
  ) {}

  static async load(dir = DEFAULT_TEMPLATES_DIR): Promise<MailTemplates> {
    const read = (name: string) => readFile(path.join(dir, name), 'utf8');
    const [layout, html, text] = await Promise.all([
      read('layout.html.hbs'),
      read('mail.html.hbs'),
      read('mail.txt.hbs'),
    ]);
    const handlebars = Handlebars.create();
    handlebars.registerPartial('layout', layout);
    const withLayout = handlebars.compile<MailContent>(html, { strict: true, preventIndent: true });
    // Handlebars compiles on first use: this render also makes a broken template stop
    // start-up instead of failing the first request.
    const inlined = Handlebars.create().compile<MailContent>(juice(withLayout(FIELD_EXPRESSIONS)), {
      strict: true,
    });
    const expected = juice(withLayout(CHECK_CONTENT));
    if (inlined(CHECK_CONTENT) !== expected) {
      // e.g. {{{field}}} or a helper applied to a field: rendered with the expressions in
      // place, they no longer mean what they did.
      throw new Error(
        `${path.join(dir, 'mail.html.hbs')}: pre-inlined template renders differently from inlining each mail; use plain {{field}} substitutions only`,
      );
    }
    const templates = new MailTemplates(
      inlined,
      // Plain text is not HTML: escaping would turn "a < b" into "a &lt; b".
      handlebars.compile<MailContent>(text, { strict: true, noEscape: true }),
    );
    templates.render(CHECK_CONTENT);
    return templates;
  }

  render(content: MailContent): RenderedMail {
    return { html: this.html(content), text: this.text(content) };
  }
}

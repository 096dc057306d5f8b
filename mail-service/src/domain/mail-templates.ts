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

/**
 * The mail's HTML and plain-text bodies. Templates are read and compiled once, at
 * start-up; the HTML goes through juice so that its <style> rules end up as inline
 * style attributes, the only styling many mail clients honour.
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
    const templates = new MailTemplates(
      handlebars.compile<MailContent>(html, { strict: true, preventIndent: true }),
      // Plain text is not HTML: escaping would turn "a < b" into "a &lt; b".
      handlebars.compile<MailContent>(text, { strict: true, noEscape: true }),
    );
    // Handlebars compiles on first use: render once now so that a broken template
    // stops start-up instead of failing the first request.
    templates.render({ subject: 'start-up check', message: 'start-up check', fromName: 'check' });
    return templates;
  }

  render(content: MailContent): RenderedMail {
    return {
      // juice(), the in-memory form: it never fetches stylesheets or images.
      html: juice(this.html(content)),
      text: this.text(content),
    };
  }
}

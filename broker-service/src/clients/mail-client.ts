import { JsonHttpClient, type JsonHttpClientOptions } from '@ms/service-kit';
import type { MailMessage, MailService } from '../domain/ports';

/** The mail service over HTTP: POST /send. Its 400s (e.g. CR/LF in a header) pass through. */
export class MailClient implements MailService {
  private readonly http: JsonHttpClient;

  constructor(options: Omit<JsonHttpClientOptions, 'serviceName'>) {
    this.http = new JsonHttpClient({ ...options, serviceName: 'mail service' });
  }

  async send(mail: MailMessage): Promise<void> {
    await this.http.post('/send', mail);
  }

  close(): Promise<void> {
    return this.http.close();
  }
}

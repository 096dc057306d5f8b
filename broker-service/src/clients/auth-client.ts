import { JsonHttpClient, type JsonHttpClientOptions, UpstreamError } from '@ms/service-kit';
import { loginReplyUserSchema } from '@ms/service-kit/contracts';
import type { AuthService, Credentials, User } from '../domain/ports';

/** The authentication service over HTTP: POST /authenticate. 401 and 429 pass through. */
export class AuthClient implements AuthService {
  private readonly http: JsonHttpClient;

  constructor(options: Omit<JsonHttpClientOptions, 'serviceName'>) {
    this.http = new JsonHttpClient({ ...options, serviceName: 'authentication service' });
  }

  async authenticate(credentials: Credentials, clientIp?: string): Promise<User> {
    // The service trusts this header from the broker (TRUST_PROXY) to rate-limit per client.
    const headers = clientIp ? { 'x-forwarded-for': clientIp } : undefined;
    const answer = await this.http.post<unknown>('/authenticate', credentials, headers);
    // A 2xx without a user is a broken reply: never "Authenticated!" on it.
    const user = loginReplyUserSchema.safeParse(answer.data);
    if (!user.success) throw new UpstreamError('authentication service sent an unexpected answer');
    return user.data;
  }

  close(): Promise<void> {
    return this.http.close();
  }
}

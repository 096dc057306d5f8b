import { ConfigError, parseConfig } from '@ms/service-kit';

type Schema = Parameters<typeof parseConfig>[0];

/** What a service's config test checks that every service's does alike. */
export interface ConfigCases<Config> {
  /** What an empty environment reads as: the host addresses and limits of the design. */
  defaults: Partial<Config>;
  /** Variables an empty environment leaves unset (credentials, mostly). */
  unset?: (keyof Config)[];
  /** An environment as compose or a pod sets it, and what it reads as. */
  container?: { env: Record<string, string>; reads: Partial<Config> };
  /** Environments that are refused, each with the variable (or text) the ConfigError names. */
  refuses: [env: Record<string, string>, names: string | RegExp][];
}

/**
 * The config tests each service repeats: the defaults of an empty environment, a container's
 * environment, and the refused values, each refused with a ConfigError that names it. Call it
 * inside the service's `describe`; tests of what only one service has stay beside it.
 */
export function itParsesConfig<S extends Schema>(
  schema: S,
  cases: ConfigCases<ReturnType<typeof parseConfig<S>>>,
): void {
  it('defaults to the host addresses of the design', () => {
    const config = parseConfig(schema, {});
    expect(config).toMatchObject(cases.defaults);
    for (const name of cases.unset ?? []) expect(config[name]).toBeUndefined();
  });

  const { container } = cases;
  if (container) {
    it('reads the values a container sets', () => {
      expect(parseConfig(schema, container.env)).toMatchObject(container.reads);
    });
  }

  it.each(cases.refuses)('refuses %j, naming the variable', (env, names) => {
    expect(() => parseConfig(schema, env)).toThrow(ConfigError);
    expect(() => parseConfig(schema, env)).toThrow(names);
  });
}

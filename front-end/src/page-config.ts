import type { FrontEndConfig } from './config';

/** What the page needs to know about its surroundings, read in the browser from /config.js. */
export interface PageConfig {
  brokerUrl: string;
  mailhogUrl: string;
}

export function pageConfigOf(
  config: Pick<FrontEndConfig, 'BROKER_URL' | 'MAILHOG_URL'>,
): PageConfig {
  return { brokerUrl: config.BROKER_URL, mailhogUrl: config.MAILHOG_URL };
}

/**
 * An ES module generated at request time, so pointing the page at another broker needs a
 * restart with a new BROKER_URL and no rebuild. JSON.stringify yields a valid JS literal.
 */
export function pageConfigModule(pageConfig: PageConfig): string {
  return `export const pageConfig = Object.freeze(${JSON.stringify(pageConfig)});\n`;
}

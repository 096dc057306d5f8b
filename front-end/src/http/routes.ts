import express, { type Express } from 'express';
import { type PageConfig, pageConfigModule } from '../page-config';
import { contentSecurityPolicy } from './content-security-policy';

export interface PageRoutesOptions {
  pageConfig: PageConfig;
  /** front-end/public: index.html, js/, css/. */
  publicDir: string;
  /** The bootstrap package's dist/css folder, served in place (never copied). */
  bootstrapCssDir: string;
}

export function pageRoutes(options: PageRoutesOptions) {
  const policy = contentSecurityPolicy(options.pageConfig.brokerUrl);
  const configModule = pageConfigModule(options.pageConfig);
  // no-cache = revalidate with the ETag each time, so an edited page shows up on reload
  const staticOptions = { index: 'index.html', redirect: false, cacheControl: false };
  const revalidate = (res: express.Response) => res.setHeader('Cache-Control', 'no-cache');

  return (app: Express): void => {
    app.use((_req, res, next) => {
      res.setHeader('Content-Security-Policy', policy);
      next();
    });
    app.get('/config.js', (_req, res) => {
      res.setHeader('Cache-Control', 'no-store');
      res.type('text/javascript').send(configModule);
    });
    app.use(
      '/vendor/bootstrap',
      express.static(options.bootstrapCssDir, {
        ...staticOptions,
        index: false,
        setHeaders: revalidate,
      }),
    );
    // The log console: one more static page (console.html), at a path without an extension.
    app.get('/console', (_req, res) => {
      revalidate(res);
      res.sendFile('console.html', { root: options.publicDir });
    });
    app.use(express.static(options.publicDir, { ...staticOptions, setHeaders: revalidate }));
  };
}

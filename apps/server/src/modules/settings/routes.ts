import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { ACCESS, actorOf } from '../../http/auth.js';
import { errorResponses } from '../common-schema.js';
import { ReportingSettingsBodySchema, ReportingSettingsViewSchema } from './schema.js';
import type { SettingsService } from './service.js';

/** Who may read settings: staff and auditors (owners have no use for them). */
const READ = ['admin', 'analyst', 'auditor'] as const;

/** `/settings/<section>`: settings an admin changes while the server runs. */
export function settingsRoutes(settings: SettingsService): FastifyPluginCallbackTypebox {
  return (app, _options, done) => {
    const tags = ['settings'];

    app.get(
      '/settings/reporting',
      {
        config: { access: READ },
        schema: {
          tags,
          summary: 'The reporting organisation and point of contact that incident reports name',
          response: { 200: ReportingSettingsViewSchema, ...errorResponses },
        },
      },
      () => settings.reporting(),
    );

    app.put(
      '/settings/reporting',
      {
        config: { access: ACCESS.admin },
        schema: {
          tags,
          summary: 'Replace the reporting organisation and point of contact',
          description:
            'The whole section: a field left out or null becomes unset (reports then say "not set"). E-mail addresses and phone numbers are checked; a 400 names every wrong field. Audited with the values before and after.',
          body: ReportingSettingsBodySchema,
          response: { 200: ReportingSettingsViewSchema, ...errorResponses },
        },
      },
      (request) => settings.setReporting(actorOf(request), request.body),
    );
    done();
  };
}

import { Type } from 'typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { ACCESS, actorOf } from '../../http/auth.js';
import { errorResponses } from '../common-schema.js';
import { REPORT_NAMES, type IncidentReports } from './service.js';

const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const NullableText = (max: number) => Type.Union([Text(max), Type.Null()]);
const Strings = Type.Array(Text(500), { maxItems: 50 });

const PersonalDataSchema = Type.Object(
  {
    nature: Text(4000),
    extent: Text(4000),
    timing: NullableText(1000),
    location: NullableText(1000),
    likelyImpact: Text(4000),
    likelyConsequences: Text(4000),
    categoriesOfPersonalData: Strings,
    categoriesOfDataPrincipals: Strings,
    approximateNumberAffected: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
    mitigation: Text(4000),
    whatPrincipalsCanDo: Strings,
    contactForPrincipals: Type.Union([
      Type.Object(
        { name: Text(200), email: NullableText(200), phone: NullableText(50) },
        { additionalProperties: false },
      ),
      Type.Null(),
    ]),
    circumstances: NullableText(4000),
    causedBy: NullableText(4000),
    preventRecurrence: NullableText(4000),
    principalsInformed: Type.Union([
      Type.Object(
        { at: Type.String({ format: 'date-time' }), how: Text(1000) },
        { additionalProperties: false },
      ),
      Type.Null(),
    ]),
  },
  { additionalProperties: false },
);
const ReviewSchema = Type.Object(
  { rootCause: NullableText(4000), lessons: Strings },
  { additionalProperties: false },
);
const DetailsBody = Type.Object(
  {
    detectionNote: Type.Optional(NullableText(2000)),
    personalData: Type.Optional(Type.Union([PersonalDataSchema, Type.Null()])),
    review: Type.Optional(Type.Union([ReviewSchema, Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);
const DetailsView = Type.Object({
  detectionNote: Type.Union([Type.String(), Type.Null()]),
  personalData: Type.Union([PersonalDataSchema, Type.Null()]),
  review: Type.Union([ReviewSchema, Type.Null()]),
  updatedBy: Type.Union([Type.String(), Type.Null()]),
  updatedAt: Type.Union([Type.String(), Type.Null()]),
});
const Params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });
const ReportParams = Type.Object({
  id: Params.properties.id,
  report: Type.Union(
    REPORT_NAMES.map((n) => Type.Literal(n)),
    { description: REPORT_NAMES.join(', ') },
  ),
});

/** `/incidents/:id/reports/…`: the CERT-In, DPDP and post-incident reports and their particulars. */
export function reportRoutes(reports: IncidentReports): FastifyPluginCallbackTypebox {
  return (app, _options, done) => {
    const tags = ['incidents'];

    app.get(
      '/incidents/:id/reports/details',
      {
        config: { access: ACCESS.people },
        schema: {
          tags,
          summary:
            'What people wrote for the reports: how it was found, the DPDP particulars, the review',
          params: Params,
          response: { 200: DetailsView, ...errorResponses },
        },
      },
      (request) => reports.details(request.params.id, actorOf(request)),
    );

    app.patch(
      '/incidents/:id/reports/details',
      {
        config: { access: ACCESS.staff },
        schema: {
          tags,
          summary: 'Set parts of the report particulars; each part given is replaced, null clears',
          params: Params,
          body: DetailsBody,
          response: { 200: DetailsView, ...errorResponses },
        },
      },
      (request) => reports.setDetails(request.params.id, request.body, actorOf(request)),
    );

    app.get(
      '/incidents/:id/reports/:report',
      {
        config: { access: ACCESS.people },
        schema: {
          tags,
          summary: 'Generate a report: the CERT-In report (JSON, PDF, or a zip with the logs)',
          description:
            'cert-in.zip bundles report.pdf, report.json, the raw log lines of the period from the archive and SHA-256 sums. The dpdp-* notices need the incident marked as a personal-data breach (409 otherwise). Every report generated is in the audit trail.',
          params: ReportParams,
        },
      },
      async (request, reply) => {
        const report = await reports.render(
          request.params.id,
          request.params.report,
          actorOf(request),
        );
        return reply
          .header('content-type', report.contentType)
          .header(
            'content-disposition',
            `attachment; filename*=UTF-8''${encodeURIComponent(report.fileName)}`,
          )
          .header('cache-control', 'no-store')
          .send(report.body);
      },
    );

    done();
  };
}

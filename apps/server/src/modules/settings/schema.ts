import { Type, type TSchema } from 'typebox';
import { CERT_IN_REPORTING_EMAIL } from './service.js';

const Nullable = <T extends TSchema>(t: T, description?: string) =>
  Type.Union([t, Type.Null()], description === undefined ? {} : { description });
const Text = (maxLength: number, description: string) =>
  Nullable(Type.String({ maxLength }), description);

const ContactFields = {
  name: Text(200, 'the person CERT-In and the Data Protection Board call back'),
  designation: Text(200, 'e.g. Chief Information Security Officer'),
  email: Text(254, 'e-mail address'),
  phone: Text(40, 'landline with STD code, e.g. +91 20 2550 1000'),
  mobile: Text(40, 'mobile number, e.g. +91 98220 12345'),
};

const ReportingFields = {
  organisation: Text(200, 'the reporting entity, e.g. Pune Municipal Corporation'),
  sector: Text(100, "its sector as CERT-In's form asks it, e.g. Government (urban local body)"),
  address: Text(500, 'postal address; may span lines'),
  city: Text(100, 'city'),
  state: Text(100, 'state or union territory'),
};

export const ReportingSettingsSchema = Type.Object({
  ...ReportingFields,
  pointOfContact: Type.Object(ContactFields),
  certInEmail: Type.String({ description: 'where CERT-In reports are mailed' }),
});

export const ReportingSettingsViewSchema = Type.Object({
  settings: ReportingSettingsSchema,
  missing: Type.Array(Type.String(), {
    description: 'what a CERT-In report needs that is not set yet; reports show these as "not set"',
  }),
  updatedBy: Nullable(Type.String(), 'null until an admin first saves the section'),
  updatedAt: Nullable(Type.String()),
});

export const ReportingSettingsBodySchema = Type.Object(
  {
    organisation: Type.Optional(ReportingFields.organisation),
    sector: Type.Optional(ReportingFields.sector),
    address: Type.Optional(ReportingFields.address),
    city: Type.Optional(ReportingFields.city),
    state: Type.Optional(ReportingFields.state),
    pointOfContact: Type.Optional(
      Nullable(
        Type.Object(
          {
            name: Type.Optional(ContactFields.name),
            designation: Type.Optional(ContactFields.designation),
            email: Type.Optional(ContactFields.email),
            phone: Type.Optional(ContactFields.phone),
            mobile: Type.Optional(ContactFields.mobile),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    certInEmail: Type.Optional(
      Text(254, `left out or null: CERT-In's own address, ${CERT_IN_REPORTING_EMAIL}`),
    ),
  },
  { additionalProperties: false },
);

import countries from 'i18n-iso-countries/index.js';
import * as z from 'zod';

/**
 * Request bodies of the KYC API. They check shape only: a number with a wrong check character
 * or an expired passport is well-formed and becomes a recorded `rejected` decision, while a line
 * of the wrong length, an unknown document type or a missing field is a 400 that writes nothing.
 */

// Exact in the OpenAPI document too (format date with a calendar-aware pattern; an enum of the
// assigned codes), so that what the document says is valid is what validation accepts.
const birthDateSchema = z.iso
  .date('must be a date that exists, as YYYY-MM-DD')
  .meta({ description: 'Date of birth (YYYY-MM-DD).', examples: ['1974-08-12'] });

const assignedCountryCodes = Object.keys(countries.getAlpha2Codes()).sort() as [string, ...string[]];

const countryCodeSchema = z.enum(assignedCountryCodes, 'must be an assigned ISO 3166-1 alpha-2 country code, in capitals');

const nationalitySchema = countryCodeSchema.meta({ description: 'Nationality as an ISO 3166-1 alpha-2 code.', examples: ['CN'] });

export const cnResidentIdDocumentSchema = z
  .strictObject({
    type: z.literal('cn_resident_id'),
    number: z
      .string()
      .regex(/^\d{17}[\dXx]$/, 'must be 18 characters: 17 digits and a digit or X')
      .meta({ description: 'The 18-character citizen identity number (GB 11643-1999).', examples: ['11010519491231002X'] }),
  })
  .meta({ description: 'Resident identity card of the People\'s Republic of China.' });

const mrzLine = (first: boolean) =>
  z
    .string()
    .length(44, 'must be 44 characters (ICAO 9303 TD3)')
    .regex(first ? /^P[A-Z0-9<]{43}$/ : /^[A-Z0-9<]{44}$/, first ? 'must start with P and hold only A-Z, 0-9 and <' : 'must hold only A-Z, 0-9 and <');

export const passportDocumentSchema = z
  .strictObject({
    type: z.literal('passport'),
    mrz: z
      .tuple([mrzLine(true), mrzLine(false)])
      .meta({
        description: 'The two 44-character lines of the machine-readable zone (ICAO 9303 TD3), as printed.',
        examples: [['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10']],
      }),
  })
  .meta({ description: 'A passport, read from its machine-readable zone.' });

export const identityDocumentSchema = z.discriminatedUnion('type', [cnResidentIdDocumentSchema, passportDocumentSchema]);

export const addressSchema = z
  .strictObject({
    line1: z.string().min(1).max(200),
    line2: z.string().max(200).optional(),
    city: z.string().min(1).max(100),
    postal_code: z.string().max(20).optional(),
    region: z.string().max(100).optional(),
    country: countryCodeSchema,
  })
  .meta({ description: 'Residential address.' });

/** Body of POST /v1/customers/{id}/verifications. Unknown fields are refused. */
export const createVerificationBodySchema = z
  .strictObject({
    name: z
      .string()
      .max(200)
      // Stated as a pattern so the document says what validation does: blanks alone are no name.
      .regex(/\S/, 'must contain a character other than a space')
      .trim()
      .meta({ description: 'Full name as on the document, in Latin script.', examples: ['Anna Maria Eriksson'] }),
    birth_date: birthDateSchema,
    nationality: nationalitySchema,
    document: identityDocumentSchema,
    phone: z
      .string()
      .regex(/^\+?[0-9 ().-]{4,30}$/, 'must be a phone number, best in E.164 form (+8613800138000)')
      .meta({ description: 'Phone number; without a leading + it is read as a national number of `nationality`.', examples: ['+8613800138000'] })
      .optional(),
    address: addressSchema.optional(),
  })
  .meta({ description: 'Identity data to verify; decided asynchronously.' });
export type CreateVerificationBody = z.infer<typeof createVerificationBodySchema>;

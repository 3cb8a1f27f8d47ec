/** Base of every error the KYC domain raises. */
export class KycError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KycError';
  }
}

/** A sanctions list file that is not in OFAC's published legacy CSV layout. */
export class SanctionsListFormatError extends KycError {
  constructor(
    readonly file: 'sdn' | 'alt' | 'add',
    readonly row: number,
    detail: string,
  ) {
    super(`${file}.csv row ${row}: ${detail}`);
    this.name = 'SanctionsListFormatError';
  }
}

/** A serialised sanctions index this code cannot read (another format version, or not an index). */
export class SanctionsIndexFormatError extends KycError {
  constructor(detail: string) {
    super(`Not a loadable sanctions index: ${detail}`);
    this.name = 'SanctionsIndexFormatError';
  }
}

import { LanepayError } from '../errors/index.js';

/** Base of the forecast engine's refusals. */
export abstract class ForecastError<Code extends string> extends LanepayError<Code> {
  override name = 'ForecastError';
}

/** Engine options out of range (horizon, seasonal periods, interval levels). */
export class ForecastOptionsError extends ForecastError<'forecast_options_invalid'> {
  override name = 'ForecastOptionsError';
  constructor(detail: string) {
    super('forecast_options_invalid', detail);
  }
}

/** A row of a forecast CSV that breaks the format; `line` is 1-based in the file (the header is line 1). */
export class ForecastCsvError extends ForecastError<'forecast_csv_invalid'> {
  override name = 'ForecastCsvError';
  constructor(
    readonly line: number,
    readonly reason: 'header' | 'malformed_row' | 'non_numeric_value' | 'invalid_step' | 'duplicate_step' | 'gap' | 'too_short' | 'empty',
    detail: string,
    options?: ErrorOptions,
  ) {
    super('forecast_csv_invalid', `line ${line}: ${detail}`, { ...options, extensions: { line, reason } });
  }
}

/** A scenario shock that does not follow the grammar `x<factor>@+<start>h/<duration>h`. */
export class ShockSyntaxError extends ForecastError<'shock_syntax'> {
  override name = 'ShockSyntaxError';
  constructor(readonly text: string, detail: string) {
    super('shock_syntax', `shock ${JSON.stringify(text)}: ${detail}`, { extensions: { shock: text } });
  }
}

/** Liquidity plan inputs that cannot be planned on (no paths, lead time outside the paths). */
export class LiquidityInputError extends ForecastError<'liquidity_input_invalid'> {
  override name = 'LiquidityInputError';
  constructor(detail: string) {
    super('liquidity_input_invalid', detail);
  }
}

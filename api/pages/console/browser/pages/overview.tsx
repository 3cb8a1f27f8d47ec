/// <reference lib="dom" />
import type { JSX } from 'preact';
import { Amount, Loaded, Section, useResource } from '../components.js';
import { ForecastCanvas } from '../chart.js';
import { decimalsFrom, useConsole } from '../context.js';
import { availableMinor, forecastChart, type WalletLiquidity } from '../forecast.js';
import { formatAmount, formatDateTime, knownDecimals } from '../format.js';

interface Balance {
  asset: string;
  available: string;
  pending: string;
}

/** Lists answer `{ data }`; a route that answers a bare array reads the same. */
function rows<T>(body: T[] | { data: T[] }): T[] {
  return Array.isArray(body) ? body : body.data;
}

export function Overview(): JSX.Element {
  const { t, member } = useConsole();
  const balances = useResource<{ data: Balance[] }>('/v1/balances');
  const liquidity = useResource<WalletLiquidity[] | { data: WalletLiquidity[] }>(member.platform ? '/v1/liquidity' : null);
  return (
    <>
      <h1>{t('overviewTitle')}</h1>
      <Section title={t('balances')}>
        <Loaded resource={balances} isEmpty={(body) => body.data.length === 0}>
          {(body) => (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('asset')}</th>
                  <th scope="col">{t('available')}</th>
                  <th scope="col">{t('pending')}</th>
                </tr>
              </thead>
              <tbody>
                {body.data.map((balance) => (
                  <tr key={balance.asset}>
                    <th scope="row">{balance.asset}</th>
                    <td>
                      <Amount minor={balance.available} asset={balance.asset} />
                    </td>
                    <td>
                      <Amount minor={balance.pending} asset={balance.asset} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Loaded>
      </Section>
      {member.platform ? (
        <Loaded resource={liquidity} isEmpty={(body) => rows(body).length === 0} label={t('hotWallets')}>
          {(body) => <Wallets wallets={rows(body)} />}
        </Loaded>
      ) : null}
    </>
  );
}

/** The plan's top-up and dry probability (GET /v1/liquidity: `plan.top_up`, `plan.dry_probability`). */
function planOf(wallet: WalletLiquidity): { topUp?: string; dry?: number } {
  const plan = (wallet.plan ?? {}) as { top_up?: unknown; dry_probability?: unknown };
  const shortfall = (wallet.shortfall ?? {}) as { top_up?: unknown };
  const topUp = shortfall.top_up ?? plan.top_up;
  return {
    ...(typeof topUp === 'string' ? { topUp } : {}),
    ...(typeof plan.dry_probability === 'number' ? { dry: plan.dry_probability } : {}),
  };
}

function Wallets(props: { wallets: WalletLiquidity[] }): JSX.Element {
  const { t, locale, chains } = useConsole();
  const decimals = (asset: string) => decimalsFrom(chains, asset, knownDecimals[asset]) ?? 0;
  const alerts = props.wallets.filter((wallet) => wallet.shortfall);
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  return (
    <>
      <Section title={t('alerts')}>
        {alerts.length === 0 ? (
          <p class="empty">{t('noAlerts')}</p>
        ) : (
          <div role="alert">
          <ul>
            {alerts.map((wallet) => (
              <li key={`${wallet.chain}-${wallet.asset}`} class="error">
                {t('alertShortfall', { chain: wallet.chain, asset: wallet.asset, amount: planOf(wallet).topUp ? formatAmount(planOf(wallet).topUp!, wallet.asset, locale, decimals(wallet.asset)) : '—' })}
              </li>
            ))}
          </ul>
          </div>
        )}
      </Section>
      <Section title={t('hotWallets')}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('chain')}</th>
              <th scope="col">{t('asset')}</th>
              <th scope="col">{t('wallet')}</th>
              <th scope="col">{t('balance')}</th>
              <th scope="col">{t('inFlight')}</th>
              <th scope="col">{t('plan')}</th>
            </tr>
          </thead>
          <tbody>
            {props.wallets.map((wallet) => {
              const plan = planOf(wallet);
              return (
                <tr key={`${wallet.chain}-${wallet.asset}`}>
                  <th scope="row">{wallet.chain}</th>
                  <td>{wallet.asset}</td>
                  <td class="mono">
                    {wallet.wallet ?? '—'}
                    {wallet.error ? <div class="error">{wallet.error}</div> : null}
                  </td>
                  <td>
                    <Amount minor={wallet.balance} asset={wallet.asset} />
                  </td>
                  <td>
                    <Amount minor={wallet.in_flight} asset={wallet.asset} />
                  </td>
                  <td>
                    {wallet.plan ? (plan.topUp && BigInt(plan.topUp) > 0n ? t('planTopUp', { amount: formatAmount(plan.topUp, wallet.asset, locale, decimals(wallet.asset)) }) : t('planNoTopUp')) : t('planNone')}
                    {plan.dry !== undefined ? <div>{t('dryProbability', { percent: percent.format(plan.dry) })}</div> : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </Section>
      {props.wallets.map((wallet) => (
        <Forecast key={`${wallet.chain}-${wallet.asset}-forecast`} wallet={wallet} />
      ))}
    </>
  );
}

/** One wallet's 48 h forecast against what it holds (also drawn by the treasury page beside a proposal). */
export function Forecast(props: { wallet: WalletLiquidity }): JSX.Element {
  const { t, locale, chains } = useConsole();
  const { wallet } = props;
  const decimals = decimalsFrom(chains, wallet.asset, knownDecimals[wallet.asset]) ?? 0;
  const chart = forecastChart(wallet, decimals);
  const title = t('forecastTitle', { chain: wallet.chain, asset: wallet.asset });
  if (!chart) {
    return (
      <Section title={title}>
        <p class="empty">{t('forecastNone', { chain: wallet.chain, asset: wallet.asset })}</p>
      </Section>
    );
  }
  const last = chart.x.length - 1;
  const at = (index: number) => formatDateTime(new Date(chart.x[index]! * 1000).toISOString(), locale);
  const whole = (value: number) => `${new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(value)} ${wallet.asset}`;
  const available = availableMinor(wallet);
  return (
    <Section title={title}>
      <figure>
        <ForecastCanvas
          chart={chart}
          labels={{
            title,
            median: t('forecastLegendMedian'),
            band80: t('forecastLegend80'),
            band95: t('forecastLegend95'),
            available: t('forecastLegendAvailable'),
            shortfall: chart.shortfallIndex === null ? t('forecastNoShortfall') : t('forecastShortfallAt', { time: at(chart.shortfallIndex) }),
            locale,
          }}
        />
        <figcaption>
          <p>
            {t('forecastSummary', {
              time: at(last),
              median: whole(chart.p50[last]!),
              high: whole(chart.p95High[last]!),
              available: available === null ? '—' : formatAmount(available, wallet.asset, locale, decimals),
            })}
          </p>
          <p class={chart.shortfallIndex === null ? 'ok' : 'shortfall'}>
            {chart.shortfallIndex === null ? t('forecastNoShortfall') : t('forecastShortfallAt', { time: at(chart.shortfallIndex) })}
          </p>
          {wallet.forecast ? (
            <p class="hint">
              {t('forecastGenerated', { time: formatDateTime(wallet.forecast.generated_at, locale) })}
            </p>
          ) : null}
        </figcaption>
      </figure>
    </Section>
  );
}

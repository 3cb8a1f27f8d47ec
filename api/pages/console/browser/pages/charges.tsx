/// <reference lib="dom" />
import type { JSX } from 'preact';
import { Amount, DateTime, Link, Loaded, LoadMore, Section, useResource, usePagedList } from '../components.js';
import { useConsole } from '../context.js';
import { explorerLink } from '../format.js';

interface Deposit {
  id: string;
  chain: string;
  tx_hash: string;
  amount: string;
  confirmations: number;
  status: string;
  created_at: string;
}

interface Charge {
  id: string;
  status: string;
  amount: string | null;
  asset: string;
  amount_received: string;
  deposit_count: number;
  hosted_url: string;
  created_at: string;
  deposits?: Deposit[];
}

function CheckoutLink(props: { charge: Charge }): JSX.Element {
  const { t } = useConsole();
  return (
    <a href={props.charge.hosted_url} target="_blank" rel="noreferrer noopener" aria-label={t('openCheckout', { id: props.charge.id })}>
      {t('checkoutLink')}
    </a>
  );
}

export function Charges(): JSX.Element {
  const { t, status } = useConsole();
  const list = usePagedList<Charge>('/v1/charges');
  return (
    <>
      <h1>{t('chargesTitle')}</h1>
      <Loaded resource={list} isEmpty={(charges) => charges.length === 0}>
        {(charges) => (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('id')}</th>
                <th scope="col">{t('status')}</th>
                <th scope="col">{t('amount')}</th>
                <th scope="col">{t('received')}</th>
                <th scope="col">{t('deposits')}</th>
                <th scope="col">{t('checkoutLink')}</th>
                <th scope="col">{t('created')}</th>
              </tr>
            </thead>
            <tbody>
              {charges.map((charge) => (
                <tr key={charge.id}>
                  <th scope="row">
                    <Link to={{ page: 'charge', id: charge.id }}>{charge.id}</Link>
                  </th>
                  <td>{status(charge.status)}</td>
                  <td>{charge.amount === null ? t('anyAmount') : <Amount minor={charge.amount} asset={charge.asset} />}</td>
                  <td>
                    <Amount minor={charge.amount_received} asset={charge.asset} />
                  </td>
                  <td>{charge.deposit_count}</td>
                  <td>
                    <CheckoutLink charge={charge} />
                  </td>
                  <td>
                    <DateTime iso={charge.created_at} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loaded>
      <LoadMore list={list} />
    </>
  );
}

export function ChargeDetail(props: { id: string }): JSX.Element {
  const { t, chains, status } = useConsole();
  const charge = useResource<Charge>(`/v1/charges/${encodeURIComponent(props.id)}`);
  const deposits = usePagedList<Deposit>(`/v1/charges/${encodeURIComponent(props.id)}/deposits`);
  return (
    <>
      <h1>{t('chargeTitle', { id: props.id })}</h1>
      <Loaded resource={charge}>
        {(found) => (
          <>
            <dl>
              <dt>{t('status')}</dt>
              <dd>{status(found.status)}</dd>
              <dt>{t('amount')}</dt>
              <dd>{found.amount === null ? t('anyAmount') : <Amount minor={found.amount} asset={found.asset} />}</dd>
              <dt>{t('received')}</dt>
              <dd>
                <Amount minor={found.amount_received} asset={found.asset} />
              </dd>
              <dt>{t('checkoutLink')}</dt>
              <dd>
                <CheckoutLink charge={found} />
              </dd>
            </dl>
            <Section title={t('deposits')}>
              <Loaded resource={deposits} isEmpty={(rows) => rows.length === 0}>
                {(rows) => (
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">{t('txHash')}</th>
                        <th scope="col">{t('chain')}</th>
                        <th scope="col">{t('amount')}</th>
                        <th scope="col">{t('confirmations')}</th>
                        <th scope="col">{t('status')}</th>
                        <th scope="col">{t('created')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {rows.map((deposit) => {
                        const link = explorerLink(chains.find((chain) => chain.name === deposit.chain)?.explorer_tx_url, deposit.tx_hash);
                        return (
                          <tr key={deposit.id}>
                            <td class="mono">
                              {link ? (
                                <a href={link} target="_blank" rel="noreferrer noopener" aria-label={t('openInExplorer', { hash: deposit.tx_hash })}>
                                  {deposit.tx_hash}
                                </a>
                              ) : (
                                deposit.tx_hash
                              )}
                            </td>
                            <td>{deposit.chain}</td>
                            <td>
                              <Amount minor={deposit.amount} asset={found.asset} />
                            </td>
                            <td>{deposit.confirmations}</td>
                            <td>{status(deposit.status)}</td>
                            <td>
                              <DateTime iso={deposit.created_at} />
                            </td>
                          </tr>
                        );
                      })}
                    </tbody>
                  </table>
                )}
              </Loaded>
            </Section>
          </>
        )}
      </Loaded>
    </>
  );
}

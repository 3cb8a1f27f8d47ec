/// <reference lib="dom" />
import type { ComponentChildren, JSX } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, base, reasonOf } from './api.js';
import { decimalsFrom, useConsole } from './context.js';
import { formatAmount, formatDateTime, knownDecimals } from './format.js';
import { routePath, type Route } from './routes.js';

export type Resource<T> =
  | { state: 'loading'; reload(): void }
  | { state: 'error'; error: unknown; reload(): void }
  | { state: 'ready'; data: T; reload(): void };

/** GETs `path` through the proxy (again when it changes, or on reload). Null: nothing to fetch. */
export function useResource<T>(path: string | null): Resource<T> {
  const [result, setResult] = useState<{ state: 'loading' } | { state: 'error'; error: unknown } | { state: 'ready'; data: T }>({ state: 'loading' });
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  useEffect(() => {
    if (path === null) return;
    let current = true;
    setResult({ state: 'loading' });
    api<T>('GET', path).then(
      (data) => current && setResult({ state: 'ready', data }),
      (error: unknown) => current && setResult({ state: 'error', error }),
    );
    return () => {
      current = false;
    };
  }, [path, generation]);
  return { ...result, reload } as Resource<T>;
}

/** Loading, error (with a retry) and empty states around a resource; children only with data. */
export function Loaded<T>(props: { resource: Resource<T>; isEmpty?: (data: T) => boolean; label?: string; children: (data: T) => ComponentChildren }): JSX.Element {
  const { t } = useConsole();
  const { resource } = props;
  if (resource.state === 'loading') return <p role="status" aria-live="polite">{t('loading')}</p>;
  if (resource.state === 'error') {
    return (
      <div role="alert" class="error">
        <p>
          <strong>{t('errorTitle')}</strong>
          {props.label ? ` (${props.label})` : ''}: {reasonOf(resource.error)}
        </p>
        <button type="button" onClick={resource.reload}>
          {t('retry')}
        </button>
      </div>
    );
  }
  if (props.isEmpty?.(resource.data)) return <p class="empty">{t('empty')}</p>;
  return <>{props.children(resource.data)}</>;
}

/** An in-app link: a real <a href> (opens in a new tab too), followed without a reload. */
export function Link(props: { to: Route; children: ComponentChildren; 'aria-label'?: string; 'aria-current'?: 'page' }): JSX.Element {
  const { navigate } = useConsole();
  return (
    <a
      href={routePath(props.to, base)}
      aria-label={props['aria-label']}
      aria-current={props['aria-current']}
      onClick={(event) => {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        navigate(props.to);
      }}
    >
      {props.children}
    </a>
  );
}

export function Amount(props: { minor: string | null | undefined; asset: string }): JSX.Element {
  const { locale, chains } = useConsole();
  if (props.minor === null || props.minor === undefined) return <span>—</span>;
  const decimals = decimalsFrom(chains, props.asset, knownDecimals[props.asset]);
  return <span class="amount">{formatAmount(props.minor, props.asset, locale, decimals)}</span>;
}

export function DateTime(props: { iso: string | null | undefined }): JSX.Element {
  const { locale } = useConsole();
  if (!props.iso) return <span>—</span>;
  return <time dateTime={props.iso}>{formatDateTime(props.iso, locale)}</time>;
}

/** A message after an action: polite for success, an alert for a refusal. */
export function Notice(props: { notice: { kind: 'ok' | 'error'; text: string } | null }): JSX.Element | null {
  if (!props.notice) return null;
  return props.notice.kind === 'ok' ? (
    <p role="status" class="notice">
      {props.notice.text}
    </p>
  ) : (
    <p role="alert" class="error">
      {props.notice.text}
    </p>
  );
}

export function Section(props: { title: string; children: ComponentChildren; level?: 2 | 3 }): JSX.Element {
  const Heading = props.level === 3 ? 'h3' : 'h2';
  return (
    <section aria-label={props.title}>
      <Heading>{props.title}</Heading>
      {props.children}
    </section>
  );
}

/** The problem of a held change (202 with `approval`), for the notice. */
export function heldApproval(body: unknown): { id: string; approvals_required: number } | undefined {
  if (body && typeof body === 'object' && 'approval' in body) {
    const approval = (body as { approval: { id: string; approvals_required: number } }).approval;
    if (approval && typeof approval.id === 'string') return approval;
  }
  return undefined;
}

export interface ListPage<T> {
  data: T[];
  has_more: boolean;
}

/** A list read a page at a time (`starting_after` the last id), as every list route pages. */
export function usePagedList<T extends { id: string }>(path: string | null, limit = 50): Resource<T[]> & { hasMore: boolean; loadMore(): void } {
  // The pages before the one being read, and the id the current page starts after.
  const [paging, setPaging] = useState<{ path: string | null; earlier: T[]; after: string | null }>({ path, earlier: [], after: null });
  const current = paging.path === path ? paging : { path, earlier: [], after: null };
  const separator = path?.includes('?') ? '&' : '?';
  const page = useResource<ListPage<T>>(path === null ? null : `${path}${separator}limit=${limit}${current.after ? `&starting_after=${encodeURIComponent(current.after)}` : ''}`);
  const reload = () => {
    setPaging({ path, earlier: [], after: null });
    page.reload();
  };
  if (page.state !== 'ready') {
    // While a further page loads, the rows already shown stay.
    if (page.state === 'loading' && current.earlier.length > 0) return { state: 'ready', data: current.earlier, reload, hasMore: false, loadMore: () => {} };
    return { ...page, reload, hasMore: false, loadMore: () => {} };
  }
  const data = [...current.earlier, ...page.data.data.filter((item) => !current.earlier.some((seen) => seen.id === item.id))];
  const loadMore = () => {
    const last = data[data.length - 1];
    if (last) setPaging({ path, earlier: data, after: last.id });
  };
  return { state: 'ready', data, reload, hasMore: page.data.has_more, loadMore };
}

export function LoadMore(props: { list: { hasMore: boolean; loadMore(): void } }): JSX.Element | null {
  const { t } = useConsole();
  if (!props.list.hasMore) return null;
  return (
    <button type="button" onClick={props.list.loadMore}>
      {t('loadMore')}
    </button>
  );
}

/// <reference lib="dom" />
import type { JSX } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, base, consoleRoute, reasonOf, useCsrfToken, whenSessionEnds, type Session } from './api.js';
import { Link } from './components.js';
import { Context, useConsole, type ChainInfo, type ConsoleContext } from './context.js';
import { fill } from './format.js';
import { catalogues, locales, toLocale, type Locale, type MessageKey } from './messages.js';
import { Approvals } from './pages/approvals.js';
import { Audit } from './pages/audit.js';
import { ChargeDetail, Charges } from './pages/charges.js';
import { Kyc } from './pages/kyc.js';
import { Members } from './pages/members.js';
import { Overview } from './pages/overview.js';
import { PaymentDetail, Payments } from './pages/payments.js';
import { SignIn } from './pages/sign-in.js';
import { Treasury } from './pages/treasury.js';
import { Webhooks } from './pages/webhooks.js';
import { passkeysSupported, registerPasskey } from './passkeys.js';
import { parseRoute, routePath, type PageName, type Route } from './routes.js';

const localeKey = 'lanepay.console.locale';

/** The locale: the switch's choice (kept in localStorage and a cookie), else the page's (Accept-Language). */
function initialLocale(): Locale {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(localeKey);
  } catch {
    // Storage refused (private mode): the page's language.
  }
  return stored && (locales as readonly string[]).includes(stored) ? (stored as Locale) : toLocale(document.documentElement.lang);
}

function currentRoute(): Route {
  return parseRoute(location.pathname, location.search, base);
}

interface NavItem {
  page: PageName;
  label: MessageKey;
  platformOnly?: boolean;
}

const navItems: NavItem[] = [
  { page: 'overview', label: 'navOverview' },
  { page: 'payments', label: 'navPayments' },
  { page: 'charges', label: 'navCharges' },
  { page: 'approvals', label: 'navApprovals' },
  { page: 'kyc', label: 'navKyc', platformOnly: true },
  { page: 'webhooks', label: 'navWebhooks' },
  { page: 'audit', label: 'navAudit', platformOnly: true },
  { page: 'treasury', label: 'navTreasury', platformOnly: true },
  { page: 'members', label: 'navMembers' },
];

const pageTitles: Partial<Record<PageName, MessageKey>> = {
  overview: 'overviewTitle', payments: 'paymentsTitle', payment: 'paymentsTitle', charges: 'chargesTitle', charge: 'chargesTitle',
  approvals: 'approvalsTitle', kyc: 'kycTitle', webhooks: 'webhooksTitle', audit: 'auditTitle', treasury: 'treasuryTitle', members: 'membersTitle', 'sign-in': 'signInTitle',
};

function routeFor(item: NavItem): Route {
  return item.page === 'payments' ? { page: 'payments', filters: {} } : ({ page: item.page } as Route);
}

/** The nav entry a route belongs to (a payment's page is under Payments). */
function sectionOf(route: Route): PageName {
  return route.page === 'payment' ? 'payments' : route.page === 'charge' ? 'charges' : route.page;
}

export function App(): JSX.Element {
  const [locale, setLocale] = useState<Locale>(initialLocale);
  const [route, setRoute] = useState<Route>(currentRoute);
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [chains, setChains] = useState<ChainInfo[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const [passkeyNotice, setPasskeyNotice] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const messages = catalogues[locale];

  const navigate = (next: Route, replace = false) => {
    const path = routePath(next, base);
    if (replace) history.replaceState(null, '', path);
    else history.pushState(null, '', path);
    setRoute(parseRoute(location.pathname, location.search, base));
    window.scrollTo(0, 0);
  };

  useEffect(() => {
    const onPop = () => setRoute(currentRoute());
    addEventListener('popstate', onPop);
    whenSessionEnds(() => {
      useCsrfToken(undefined);
      setSession(null);
      setNotice(catalogues[initialLocale()].sessionExpired);
    });
    consoleRoute<Session>('GET', '/session').then(
      (found) => {
        useCsrfToken(found.csrf_token);
        setSession(found);
      },
      () => setSession(null),
    );
    return () => removeEventListener('popstate', onPop);
  }, []);

  useEffect(() => {
    if (!session) return;
    api<{ data: ChainInfo[] }>('GET', '/v1/chains').then(
      (body) => setChains(body.data),
      () => setChains([]),
    );
  }, [session?.member.id]);

  // Signed in, the sign-in page has nothing to offer: the overview instead.
  useEffect(() => {
    if (session && route.page === 'sign-in') navigate({ page: 'overview' }, true);
  }, [session, route.page]);

  useEffect(() => {
    document.documentElement.lang = locale;
    const key = pageTitles[route.page];
    document.title = `${key ? `${messages[key]} · ` : ''}${messages.appName}`;
  }, [locale, route.page]);

  const chooseLocale = (next: Locale) => {
    setLocale(next);
    try {
      localStorage.setItem(localeKey, next);
    } catch {
      // Storage refused: the cookie still carries it.
    }
    document.cookie = `lanepay_console_locale=${next}; Path=${base}/; Max-Age=31536000; SameSite=Strict${location.protocol === 'https:' ? '; Secure' : ''}`;
  };

  const languageSwitch = (
    <label class="language">
      {messages.language}
      <select value={locale} onChange={(event) => chooseLocale(event.currentTarget.value as Locale)}>
        <option value="en" lang="en">
          English
        </option>
        <option value="zh-CN" lang="zh-CN">
          简体中文
        </option>
      </select>
    </label>
  );

  const context = useMemo<ConsoleContext | null>(
    () => (session ? { member: session.member, locale, messages, chains, navigate } : null),
    [session, locale, chains],
  );

  if (session === undefined) {
    return (
      <main id="main">
        <p role="status">{messages.loading}</p>
      </main>
    );
  }

  if (session === null || !context) {
    return (
      <>
        <header class="bar">
          <span class="brand">{messages.appName}</span>
          {languageSwitch}
        </header>
        <SignIn
          messages={messages}
          notice={notice}
          onSignedIn={(signedIn) => {
            useCsrfToken(signedIn.csrf_token);
            setNotice(null);
            setSession(signedIn);
            if (route.page === 'sign-in' || route.page === 'not-found') navigate({ page: 'overview' }, true);
          }}
        />
      </>
    );
  }

  const member = session.member;
  const section = sectionOf(route);
  const roleName = messages[member.role === 'viewer' ? 'roleViewer' : member.role === 'admin' ? 'roleAdmin' : 'roleApprover'];
  return (
    <Context.Provider value={context}>
      <a class="skip" href="#main">
        {messages.skipToContent}
      </a>
      <header class="bar">
        <span class="brand">{messages.appName}</span>
        <span>{fill(messages.signedInAs, { email: member.email, role: roleName })}</span>
        {passkeysSupported() ? (
          <button
            type="button"
            onClick={() => {
              setPasskeyNotice(null);
              registerPasskey().then(
                () => setPasskeyNotice({ kind: 'ok', text: messages.passkeyRegistered }),
                (error: unknown) => setPasskeyNotice({ kind: 'error', text: fill(messages.passkeyFailed, { reason: reasonOf(error) }) }),
              );
            }}
          >
            {messages.registerPasskey}
          </button>
        ) : null}
        <button
          type="button"
          onClick={() => {
            consoleRoute('DELETE', '/session').finally(() => {
              useCsrfToken(undefined);
              setSession(null);
              navigate({ page: 'sign-in' }, true);
            });
          }}
        >
          {messages.signOut}
        </button>
        {languageSwitch}
      </header>
      {passkeyNotice ? (
        <p role={passkeyNotice.kind === 'ok' ? 'status' : 'alert'} class={passkeyNotice.kind === 'ok' ? 'notice' : 'error'}>
          {passkeyNotice.text}
        </p>
      ) : null}
      <nav aria-label={messages.nav}>
        <ul>
          {navItems
            .filter((item) => !item.platformOnly || member.platform)
            .map((item) => (
              <li key={item.page}>
                <Link to={routeFor(item)} {...(section === item.page ? { 'aria-current': 'page' as const } : {})}>
                  {messages[item.label]}
                </Link>
              </li>
            ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        <Page route={route} platform={member.platform} />
      </main>
    </Context.Provider>
  );
}

function Page(props: { route: Route; platform: boolean }): JSX.Element {
  const { route } = props;
  switch (route.page) {
    case 'overview':
    case 'sign-in':
      return <Overview />;
    case 'payments':
      return <Payments key={JSON.stringify(route.filters)} filters={route.filters} />;
    case 'payment':
      return <PaymentDetail key={route.id} id={route.id} />;
    case 'charges':
      return <Charges />;
    case 'charge':
      return <ChargeDetail key={route.id} id={route.id} />;
    case 'approvals':
      return <Approvals />;
    case 'kyc':
      return props.platform ? <Kyc /> : <NotFound path={routePath(route, base)} />;
    case 'webhooks':
      return <Webhooks />;
    case 'audit':
      return props.platform ? <Audit /> : <NotFound path={routePath(route, base)} />;
    case 'treasury':
      return props.platform ? <Treasury /> : <NotFound path={routePath(route, base)} />;
    case 'members':
      return <Members />;
    case 'not-found':
      return <NotFound path={route.path} />;
  }
}

function NotFound(props: { path: string }): JSX.Element {
  const { t } = useConsole();
  return (
    <>
      <h1>{t('notFoundTitle')}</h1>
      <p>{t('notFoundBody', { path: props.path })}</p>
      <p>
        <Link to={{ page: 'overview' }}>{t('backToOverview')}</Link>
      </p>
    </>
  );
}

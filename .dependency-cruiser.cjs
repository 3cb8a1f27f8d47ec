// The house as rules (docs/architecture.md draws the same picture). lib/ holds the contexts; each
// may import only the contexts listed for it, and only through their faces (lib/<context>/index.ts,
// imported as #<context>). api/ is the HTTP edge above them; functions/ and bin/ compose the two.
const mayImport = {
  treasury: ['notify', 'money', 'merchants', 'ledger', 'audit', 'chains', 'platform'],
  notify: ['reports', 'money', 'merchants', 'compliance', 'audit', 'platform'],
  reports: ['money', 'merchants', 'ledger', 'audit', 'chains', 'platform'],
  money: ['merchants', 'compliance', 'ledger', 'audit', 'chains', 'platform'],
  merchants: ['ledger', 'audit', 'platform'],
  compliance: ['merchants', 'audit', 'platform'],
  ledger: ['audit', 'platform'],
  audit: ['chains', 'platform'],
  chains: ['platform'],
  platform: [],
};

const contexts = Object.keys(mayImport);

module.exports = {
  forbidden: [
    ...contexts.map((context) => ({
      name: `${context}-imports-only-what-it-may`,
      comment: `lib/${context} may import ${mayImport[context].join(', ') || 'no other context'}: the arrows of docs/architecture.md, which never close a loop`,
      severity: 'error',
      from: { path: `^lib/${context}/` },
      to: { path: '^lib/([^/]+)/', pathNot: [`^lib/(${[context, ...mayImport[context]].join('|')})/`] },
    })),
    {
      name: 'through-the-face',
      comment: 'another context is reached through its index.ts (#context), never a file behind it',
      severity: 'error',
      from: { path: '^lib/([^/]+)/' },
      to: { path: '^lib/[^/]+/.', pathNot: ['^lib/$1/', '^lib/[^/]+/index\\.ts$'] },
    },
    {
      name: 'edges-through-the-face',
      comment: 'api/, functions/ and bin/ use a context through its index.ts (#context) too',
      severity: 'error',
      from: { path: '^(api|functions|bin)/' },
      to: { path: '^lib/[^/]+/.', pathNot: '^lib/[^/]+/index\\.ts$' },
    },
    {
      name: 'lib-knows-no-edge',
      comment: 'lib/ knows no HTTP, Lambda or command line: it never imports api/, functions/ or bin/',
      severity: 'error',
      from: { path: '^lib/' },
      to: { path: '^(api|functions|bin|scripts|test|bench)/' },
    },
    {
      name: 'api-knows-no-function',
      comment: 'api/ is shared by the functions; it imports none of them',
      severity: 'error',
      from: { path: '^api/' },
      to: { path: '^(functions|bin|scripts|test|bench)/' },
    },
    {
      name: 'no-loop-between-contexts',
      comment: 'no import cycle leaves its context (the arrows above already point one way; this also catches a loop through api/ or functions/)',
      severity: 'error',
      from: { path: '^lib/([^/]+)/' },
      to: { circular: true, viaSomeNot: '^lib/$1/' },
    },
  ],
  options: {
    // TypeScript 7 has no JavaScript API for dependency-cruiser to parse with; swc reads the sources.
    parser: 'swc',
    doNotFollow: { path: 'node_modules' },
    // The console's browser app is TSX (Preact), which the swc parser here is not set up to read; it
    // imports nothing of lib/ (a browser bundle; test/unit/console/ui.test.ts builds it).
    exclude: { path: '^(node_modules|dist|sdk|api/pages/console/browser)/' },
    enhancedResolveOptions: { conditionNames: ['@lanepay/source', 'import', 'node', 'default'], extensions: ['.ts', '.mjs', '.js', '.json'] },
    tsConfig: { fileName: 'tsconfig.json' },
  },
};

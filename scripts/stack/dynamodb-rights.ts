/**
 * Each function role's rights on the table, as IAM grants them in a packaged template and as
 * docs/security.md ("DynamoDB rights per role") says they are, in one shape: the set of
 * `role target action key` grants, where target is the table, an index or the stream, and key is a
 * `dynamodb:LeadingKeys` pattern (`*`: any partition). Two sets compare both ways.
 */
import type { PackagedTemplate } from './packaged-template.js';

export interface Grant {
  role: string;
  /** `table`, `index:<name>` (`index:*` for every index) or `stream`. */
  target: string;
  /** The DynamoDB action without its `dynamodb:` prefix, e.g. `PutItem`. */
  action: string;
  /** A LeadingKeys pattern as IAM reads it (`EVENT#*`, `AUDIT_CHAINS`), or `*` for any partition. */
  key: string;
}

/** The short names the table in docs/security.md uses for actions. */
export const actionNames: Record<string, string> = {
  Get: 'GetItem', BatchGet: 'BatchGetItem', Query: 'Query', Scan: 'Scan', Check: 'ConditionCheckItem',
  Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', BatchWrite: 'BatchWriteItem',
};
const itemActions = Object.values(actionNames);
const streamActions = ['DescribeStream', 'GetRecords', 'GetShardIterator', 'ListStreams'];
/** Actions that write; the rest read. */
export const writeActions = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);

export const grantText = (grant: Grant) => `${grant.role} ${grant.target} ${grant.action} ${grant.key}`;

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, Record<string, string | string[]>> };
type RoleProperties = { Path?: string; Policies?: { PolicyDocument: { Statement: Statement[] } }[]; ManagedPolicyArns?: unknown[] };

/** Every statement a role carries: its inline policies and the template's managed policies it attaches. */
export function statementsOf(template: PackagedTemplate, roleId: string): Statement[] {
  const role = template.Resources[roleId];
  if (role?.Type !== 'AWS::IAM::Role') throw new Error(`${roleId} is not a role in the template`);
  const properties = role.Properties as RoleProperties;
  const inline = (properties.Policies ?? []).flatMap((policy) => policy.PolicyDocument.Statement);
  const managed = (properties.ManagedPolicyArns ?? []).flatMap((arn) => {
    const ref = (arn as { Ref?: string }).Ref;
    const policy = ref ? template.Resources[ref] : undefined;
    return policy ? (policy.Properties as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument.Statement : [];
  });
  return [...inline, ...managed];
}

/** The function roles of a template: every role under the /lanepay-<stage>/functions/ path. */
export function functionRoles(template: PackagedTemplate): string[] {
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::IAM::Role' && /^\/lanepay-[^/]+\/functions\//.test(String((resource.Properties as RoleProperties).Path)))
    .map(([id]) => id).sort();
}

/** Which part of the table a statement's resource names, or a sentence when it is not one this model reads. */
function targetOf(resource: unknown): string[] | string {
  const text = JSON.stringify(resource);
  if (resource === '*') return ['table', 'index:*', 'stream'];
  if (text === JSON.stringify({ 'Fn::GetAtt': ['LanepayTable', 'Arn'] })) return ['table'];
  if (text === JSON.stringify({ 'Fn::GetAtt': ['LanepayTable', 'StreamArn'] })) return ['stream'];
  const index = /^\{"Fn::Sub":"\$\{LanepayTable\.Arn\}\/index\/([^"]+)"\}$/.exec(text);
  if (index) return [`index:${index[1]}`];
  return `an unreadable resource ${text}`;
}

const matchesAction = (granted: string, action: string) =>
  new RegExp(`^${granted.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i').test(`dynamodb:${action}`);

/**
 * The grants of every function role on the table, with what this model cannot read as sentences
 * (a Deny, a condition other than LeadingKeys, a resource it does not know): a check must fail on those.
 */
export function templateGrants(template: PackagedTemplate): { grants: Grant[]; unreadable: string[] } {
  const grants: Grant[] = [];
  const unreadable: string[] = [];
  for (const role of functionRoles(template)) {
    for (const statement of statementsOf(template, role)) {
      const actions = [statement.Action].flat().filter((action) => action.toLowerCase().startsWith('dynamodb:'));
      if (actions.length === 0) continue;
      if (statement.Effect !== 'Allow') {
        unreadable.push(`${role} has a ${statement.Effect} statement on DynamoDB`);
        continue;
      }
      let keys = ['*'];
      for (const [operator, condition] of Object.entries(statement.Condition ?? {})) {
        const names = Object.keys(condition);
        if (operator !== 'ForAllValues:StringLike' || names.length !== 1 || names[0] !== 'dynamodb:LeadingKeys') {
          unreadable.push(`${role} has a condition this check cannot read: ${operator} ${names.join(', ')}`);
          continue;
        }
        keys = [condition['dynamodb:LeadingKeys']!].flat();
      }
      for (const resource of [statement.Resource].flat()) {
        const targets = targetOf(resource);
        if (typeof targets === 'string') {
          unreadable.push(`${role} grants DynamoDB on ${targets}`);
          continue;
        }
        for (const target of targets) {
          for (const action of target === 'stream' ? streamActions : itemActions) {
            if (!actions.some((granted) => matchesAction(granted, action))) continue;
            // ForAllValues over a request without leading keys (Scan) is true: a scan reads every partition.
            for (const key of target !== 'stream' && action === 'Scan' ? ['*'] : target === 'stream' ? ['*'] : keys) {
              grants.push({ role, target, action, key });
            }
          }
        }
      }
    }
  }
  return { grants: dedupe(grants), unreadable };
}

function dedupe(grants: Grant[]): Grant[] {
  return [...new Map(grants.map((grant) => [grantText(grant), grant])).values()].sort((a, b) => grantText(a).localeCompare(grantText(b)));
}

/** A key as the table writes it (`EVENT#`: the prefix, `AUDIT_CHAINS`: one partition) as IAM's pattern. */
export const keyPattern = (documented: string) => (documented.endsWith('#') ? `${documented}*` : documented);

/**
 * Parses the rights table of docs/security.md: the first table under `heading`. Columns: role
 * (its logical id in backticks first), writes, reads, indexes, why. A writes or reads cell is `none`
 * or entries separated by `;`, each `subjects (Actions, ...)`, subjects being backticked keys (a
 * trailing `#` is a prefix) or `whole table`; a reads cell may also hold `stream`. An indexes cell's
 * subjects are backticked index names (or `all`), optionally followed by `on` and keys.
 */
export function documentedGrants(markdown: string, heading = '## DynamoDB rights per role'): { grants: Grant[]; rows: { role: string; why: string; cells: string[] }[]; unreadable: string[] } {
  const start = markdown.indexOf(heading);
  if (start < 0) throw new Error(`no "${heading}" section`);
  const lines = markdown.slice(start).split('\n');
  const first = lines.findIndex((line) => line.startsWith('|'));
  const tableLines = lines.slice(first).filter((_, index, all) => all.slice(0, index + 1).every((line) => line.startsWith('|')));
  const grants: Grant[] = [];
  const unreadable: string[] = [];
  const rows: { role: string; why: string; cells: string[] }[] = [];
  for (const line of tableLines.slice(2)) {
    const cells = line.split('|').slice(1, -1).map((cell) => cell.trim());
    const role = /`([A-Za-z0-9]+)`/.exec(cells[0] ?? '')?.[1];
    if (!role || cells.length !== 5) {
      unreadable.push(`row "${line}" is not | \`Role\` | writes | reads | indexes | why |`);
      continue;
    }
    rows.push({ role, why: cells[4]!, cells });
    for (const [column, cell] of [['writes', cells[1]!], ['reads', cells[2]!], ['indexes', cells[3]!]] as const) {
      if (cell === 'none') continue;
      for (const entry of cell.split(';').map((part) => part.trim()).filter(Boolean)) {
        if (column === 'reads' && entry === 'stream') {
          for (const action of streamActions) grants.push({ role, target: 'stream', action, key: '*' });
          continue;
        }
        const parsed = /^(.*?)\s*\(([A-Za-z, ]+)\)$/.exec(entry);
        if (!parsed) {
          unreadable.push(`${role} ${column}: "${entry}" is not "subjects (Actions)"`);
          continue;
        }
        const actions = parsed[2]!.split(',').map((name) => name.trim());
        const unknown = actions.filter((name) => !actionNames[name]);
        if (unknown.length > 0) unreadable.push(`${role} ${column}: unknown action ${unknown.join(', ')}`);
        const expected = actions.map((name) => actionNames[name]).filter((action): action is string => action !== undefined);
        const wrongKind = expected.filter((action) => writeActions.has(action) !== (column === 'writes') && column !== 'indexes');
        if (wrongKind.length > 0) unreadable.push(`${role} ${column}: ${wrongKind.join(', ')} belongs in the other column`);
        let targets: string[] = ['table'];
        let subjects = parsed[1]!;
        if (column === 'indexes') {
          const index = /^(`[^`]+`|all)(?:\s+on\s+(.*))?$/.exec(subjects);
          if (!index) {
            unreadable.push(`${role} indexes: "${entry}" is not "\`index\` [on keys] (Actions)"`);
            continue;
          }
          targets = [index[1] === 'all' ? 'index:*' : `index:${index[1]!.slice(1, -1)}`];
          subjects = index[2] ?? 'whole table';
        }
        const keys = subjects.split(',').map((subject) => subject.trim()).map((subject) => {
          if (subject === 'whole table' || subject === 'any partition') return '*';
          const key = /^`([^`]+)`$/.exec(subject)?.[1];
          if (!key) unreadable.push(`${role} ${column}: "${subject}" is not a backticked key`);
          return key === undefined ? undefined : keyPattern(key);
        }).filter((key): key is string => key !== undefined);
        for (const target of targets) for (const action of expected) for (const key of keys) grants.push({ role, target, action, key });
      }
    }
  }
  return { grants: dedupe(grants), rows, unreadable };
}

/** Every difference between what the template grants and what the table says, as sentences; empty when they agree. */
export function rightsDifferences(template: PackagedTemplate, markdown: string): string[] {
  const granted = templateGrants(template);
  const documented = documentedGrants(markdown);
  const grantedSet = new Set(granted.grants.map(grantText));
  const documentedSet = new Set(documented.grants.map(grantText));
  const roles = new Set(functionRoles(template));
  const documentedRoles = new Set(documented.rows.map((row) => row.role));
  return [
    ...granted.unreadable,
    ...documented.unreadable,
    ...[...roles].filter((role) => !documentedRoles.has(role)).map((role) => `${role} has no row in the table`),
    ...[...documentedRoles].filter((role) => !roles.has(role)).map((role) => `the table has a row for ${role}, which the template has no role for`),
    ...granted.grants.filter((grant) => !documentedSet.has(grantText(grant))).map((grant) => `the template grants ${grantText(grant)}; the table does not`),
    ...documented.grants.filter((grant) => !grantedSet.has(grantText(grant))).map((grant) => `the table says ${grantText(grant)}; the template does not grant it`),
  ];
}

'use strict';

/**
 * The SLOs of infra/slos.json (custom.slos) as CloudFormation: for each SLO and each burn-rate pair,
 * two metric-math alarms on the bad share (the long and the short window) and a composite alarm,
 * ALARM(long) AND ALARM(short), that notifies the alerts topic; and one dashboard with every SLO's
 * good share and remaining budget. CloudWatch has no SLO resource that takes our own metrics in
 * the China regions, so this is written here rather than taken from a library.
 */

/** The bad share of events over `minutes`, as metric-math queries whose last one returns it. */
function badShareQueries(slo, namespace, minutes) {
  const period = minutes * 60;
  const metric = (name, stat, id) => ({
    Id: id,
    ReturnData: false,
    MetricStat: { Metric: { Namespace: namespace, MetricName: name, Dimensions: [{ Name: 'service', Value: slo.sli.service }] }, Period: period, Stat: stat },
  });
  if (slo.sli.kind === 'ratio') {
    return [
      metric(slo.sli.bad, 'Sum', 'bad'),
      metric(slo.sli.total, 'Sum', 'total'),
      { Id: 'share', Expression: 'IF(total > 0, bad / total, 0)', Label: `${slo.id} bad share`, ReturnData: true },
    ];
  }
  // PR(:t) is the percentage of samples at or below t; with no sample in the window nothing burned.
  return [
    metric(slo.sli.metric, `PR(:${slo.sli.threshold})`, 'good'),
    { Id: 'share', Expression: '(100 - FILL(good, 100)) / 100', Label: `${slo.id} bad share`, ReturnData: true },
  ];
}

function pascal(id) {
  return id.split(/[^a-zA-Z0-9]+/).filter(Boolean).map((part) => part[0].toUpperCase() + part.slice(1)).join('');
}

/** The error budget: the share of events allowed to be bad (0.0005 for 99.95 %). */
function budgetOf(slo) {
  return Number(((100 - slo.objective) / 100).toPrecision(12));
}

function validate(config) {
  if (!config || !Array.isArray(config.slos) || !Array.isArray(config.burnRateAlarms) || !(config.windowDays > 0)) {
    throw new Error('slo-alarms: custom.slos must be infra/slos.json (windowDays, burnRateAlarms, slos)');
  }
  const ids = new Set();
  for (const slo of config.slos) {
    if (!/^[a-z][a-z0-9-]*$/.test(slo.id ?? '') || ids.has(slo.id)) throw new Error(`slo-alarms: SLO id ${JSON.stringify(slo.id)} is missing, malformed or repeated`);
    ids.add(slo.id);
    if (!(slo.objective > 0 && slo.objective < 100)) throw new Error(`slo-alarms: ${slo.id}: objective must be a percentage strictly between 0 and 100`);
    const sli = slo.sli ?? {};
    const complete = sli.kind === 'ratio' ? sli.bad && sli.total : sli.kind === 'threshold' ? sli.metric && Number.isFinite(sli.threshold) : false;
    if (!complete || !sli.service) throw new Error(`slo-alarms: ${slo.id}: sli needs a service and either kind ratio (bad, total) or kind threshold (metric, threshold)`);
  }
  for (const pair of config.burnRateAlarms) {
    for (const minutes of [pair.longMinutes, pair.shortMinutes]) {
      // CloudWatch alarm periods: whole minutes, at most a day.
      if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) throw new Error(`slo-alarms: burn-rate pair ${pair.name}: windows must be whole minutes from 1 to 1440`);
    }
    if (!(pair.burnRate > 1)) throw new Error(`slo-alarms: burn-rate pair ${pair.name}: burnRate must be above 1`);
  }
}

/**
 * The alarms and the dashboard. `topic` is the alarm action (a Ref), `names` prefixes alarm and
 * dashboard names with the service and stage.
 */
function sloResources(config, { namespace, topic, prefix }) {
  validate(config);
  const resources = {};
  for (const slo of config.slos) {
    const budget = budgetOf(slo);
    for (const pair of config.burnRateAlarms) {
      const threshold = Number((pair.burnRate * budget).toPrecision(12));
      const windowAlarm = (minutes, which) => ({
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmName: `${prefix}-slo-${slo.id}-${pair.name}-${which}`,
          AlarmDescription: `${slo.title}: bad share over ${minutes} min above ${pair.burnRate}× the error budget (${threshold}); part of ${prefix}-slo-${slo.id}-${pair.name}.`,
          Metrics: badShareQueries(slo, namespace, minutes),
          ComparisonOperator: 'GreaterThanThreshold',
          Threshold: threshold,
          EvaluationPeriods: 1,
          DatapointsToAlarm: 1,
          TreatMissingData: 'notBreaching',
        },
      });
      const base = `Slo${pascal(slo.id)}${pascal(pair.name)}`;
      resources[`${base}LongAlarm`] = windowAlarm(pair.longMinutes, 'long');
      resources[`${base}ShortAlarm`] = windowAlarm(pair.shortMinutes, 'short');
      resources[`${base}BurnAlarm`] = {
        Type: 'AWS::CloudWatch::CompositeAlarm',
        Properties: {
          AlarmName: `${prefix}-slo-${slo.id}-${pair.name}`,
          AlarmDescription: `${slo.title} (${slo.objective} %): the error budget burns ${pair.burnRate}× too fast over ${pair.longMinutes} min and still over the last ${pair.shortMinutes} min. docs/slo.md says what to do.`,
          AlarmRule: `ALARM("${prefix}-slo-${slo.id}-${pair.name}-long") AND ALARM("${prefix}-slo-${slo.id}-${pair.name}-short")`,
          AlarmActions: [topic],
          OKActions: [topic],
        },
        DependsOn: [`${base}LongAlarm`, `${base}ShortAlarm`],
      };
    }
  }
  resources.SloDashboard = {
    Type: 'AWS::CloudWatch::Dashboard',
    Properties: {
      DashboardName: `${prefix}-slos`,
      // ${AWS::Region} is the only substitution: metric math has no `${`.
      DashboardBody: { 'Fn::Sub': JSON.stringify(dashboardBody(config, namespace)) },
    },
  };
  return resources;
}

/** Per SLO: its good share hour by hour over the window, and the budget left over the whole window. */
function dashboardBody(config, namespace) {
  const widgets = [];
  config.slos.forEach((slo, index) => {
    const y = index * 6;
    const queries = badShareQueries(slo, namespace, 60).map((q) => {
      if (!q.MetricStat) return null;
      const { Metric, Stat } = q.MetricStat;
      return [Metric.Namespace, Metric.MetricName, 'service', slo.sli.service, { id: q.Id, stat: Stat, visible: false }];
    }).filter(Boolean);
    const share = badShareQueries(slo, namespace, 60).at(-1).Expression;
    const budget = budgetOf(slo);
    widgets.push({
      type: 'metric', x: 0, y, width: 16, height: 6,
      properties: {
        title: `${slo.title} — good share (objective ${slo.objective} %)`,
        region: '${AWS::Region}', view: 'timeSeries', period: 3600, start: `-P${config.windowDays}D`,
        metrics: [...queries, [{ id: 'share', expression: share, visible: false }], [{ id: 'sli', expression: '100 * (1 - share)', label: 'good %' }]],
        annotations: { horizontal: [{ label: 'objective', value: slo.objective }] },
        yAxis: { left: { min: Math.max(0, Math.floor(slo.objective - 5)), max: 100 } },
      },
    });
    widgets.push({
      type: 'metric', x: 16, y, width: 8, height: 6,
      properties: {
        title: `${slo.title} — error budget left over ${config.windowDays} days`,
        region: '${AWS::Region}', view: 'singleValue', setPeriodToTimeRange: true, start: `-P${config.windowDays}D`,
        metrics: [...queries, [{ id: 'share', expression: share, visible: false }], [{ id: 'left', expression: `100 * (1 - share / ${budget})`, label: 'budget left %' }]],
      },
    });
  });
  return { widgets };
}

class SloAlarmsPlugin {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = {
      'before:package:finalize': () => {
        const service = this.serverless.service;
        const template = service.provider.compiledCloudFormationTemplate;
        const namespace = service.provider.environment?.POWERTOOLS_METRICS_NAMESPACE;
        if (!namespace) throw new Error('slo-alarms: provider.environment.POWERTOOLS_METRICS_NAMESPACE names the metrics namespace the SLOs read');
        const prefix = `${service.service}-${this.serverless.getProvider('aws').getStage()}`;
        Object.assign(template.Resources, sloResources(service.custom?.slos, { namespace, topic: { Ref: 'AlertsTopic' }, prefix }));
      },
    };
  }
}

module.exports = SloAlarmsPlugin;
module.exports.sloResources = sloResources;
module.exports.budgetOf = budgetOf;

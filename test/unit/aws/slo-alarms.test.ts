import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { sloConfig } from '../../../bin/slo/config.js';
import { packagedTemplate, type PackagedTemplate, type TemplateResource } from '../../../scripts/stack/packaged-template.js';

const { sloResources } = createRequire(import.meta.url)('../../../plugins/slo-alarms.cjs') as {
  sloResources: (config: unknown, options: { namespace: string; topic: unknown; prefix: string }) => Record<string, TemplateResource>;
};

const config = sloConfig();
let template: PackagedTemplate;
beforeAll(() => { template = packagedTemplate(); }, 240_000);

const ofType = (type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);
type Query = { Id: string; Expression?: string; ReturnData?: boolean; MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions: unknown }; Period: number; Stat: string } };

describe('SLO burn-rate alarms in the packaged template', () => {
  it('pairs a long and a short window alarm in a composite alarm per SLO and burn rate, notifying the alerts topic', () => {
    const composites = ofType('AWS::CloudWatch::CompositeAlarm');
    expect(composites.map(([id]) => id).sort()).toEqual(config.slos.flatMap((slo) => config.burnRateAlarms.map((pair) => {
      const pascal = (s: string) => s.split('-').map((p) => p[0]!.toUpperCase() + p.slice(1)).join('');
      return `Slo${pascal(slo.id)}${pascal(pair.name)}BurnAlarm`;
    })).sort());
    for (const [id, composite] of composites) {
      const name = String(composite.Properties!.AlarmName);
      expect(composite.Properties!.AlarmRule, id).toBe(`ALARM("${name}-long") AND ALARM("${name}-short")`);
      expect(composite.Properties!.AlarmActions, id).toEqual([{ Ref: 'AlertsTopic' }]);
      expect(composite.Properties!.OKActions, id).toEqual([{ Ref: 'AlertsTopic' }]);
      const windows = Object.values(template.Resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm' && [`${name}-long`, `${name}-short`].includes(String(r.Properties!.AlarmName)));
      expect(windows, id).toHaveLength(2);
      // Only the composite pages: a window alone firing is no burn.
      for (const window of windows) expect(window.Properties!.AlarmActions, id).toBeUndefined();
    }
  });

  it('alarms at the burn rate times the error budget over the workbook windows: 14.4× over 1 h and 5 min, 6× over 6 h and 30 min', () => {
    const alarm = (name: string) => Object.values(template.Resources).find((r) => r.Properties?.AlarmName === `lanepay-prod-slo-authorize-availability-${name}`)!;
    const periods = (name: string) => (alarm(name).Properties!.Metrics as Query[]).flatMap((q) => (q.MetricStat ? [q.MetricStat.Period] : []));
    expect(alarm('fast-long').Properties!.Threshold).toBe(0.0072);
    expect(alarm('fast-short').Properties!.Threshold).toBe(0.0072);
    expect(alarm('slow-long').Properties!.Threshold).toBe(0.003);
    expect(periods('fast-long')).toEqual([3600, 3600]);
    expect(periods('fast-short')).toEqual([300, 300]);
    expect(periods('slow-long')).toEqual([21600, 21600]);
    expect(periods('slow-short')).toEqual([1800, 1800]);
  });

  it('computes a ratio SLO as bad over total and a threshold SLO from the percentile rank at its threshold', () => {
    const metrics = (id: string) => (Object.values(template.Resources).find((r) => r.Properties?.AlarmName === `lanepay-prod-slo-${id}-fast-long`)!.Properties!.Metrics as Query[]);
    expect(metrics('authorize-availability').map((q) => q.Expression ?? `${q.MetricStat!.Metric.MetricName}:${q.MetricStat!.Stat}`)).toEqual(['ApiServerErrors:Sum', 'ApiRequests:Sum', 'IF(total > 0, bad / total, 0)']);
    expect(metrics('capture-to-broadcast').map((q) => q.Expression ?? `${q.MetricStat!.Metric.MetricName}:${q.MetricStat!.Stat}`)).toEqual(['CaptureToBroadcastMs:PR(:10000)', '(100 - FILL(good, 100)) / 100']);
    expect(metrics('capture-to-broadcast')[0]!.MetricStat!.Metric).toEqual({ Namespace: 'Lanepay', MetricName: 'CaptureToBroadcastMs', Dimensions: [{ Name: 'service', Value: 'chain-submit' }] });
  });

  it('draws each SLO twice on one dashboard: its good share and the budget left', () => {
    const [[, dashboard]] = ofType('AWS::CloudWatch::Dashboard') as [[string, TemplateResource]];
    const body = JSON.parse((dashboard.Properties!.DashboardBody as { 'Fn::Sub': string })['Fn::Sub']) as { widgets: { properties: { title: string } }[] };
    expect(body.widgets).toHaveLength(config.slos.length * 2);
    for (const slo of config.slos) expect(body.widgets.filter((w) => w.properties.title.startsWith(slo.title)), slo.id).toHaveLength(2);
  });

  it('refuses an SLO whose objective is not a percentage or whose SLI is incomplete, before anything is deployed', () => {
    const options = { namespace: 'Lanepay', topic: { Ref: 'AlertsTopic' }, prefix: 'lanepay-prod' };
    const withSlo = (slo: object) => ({ ...config, slos: [slo] });
    expect(() => sloResources(withSlo({ ...config.slos[0], objective: 100 }), options)).toThrow(/objective must be a percentage/);
    expect(() => sloResources(withSlo({ ...config.slos[0], sli: { kind: 'threshold', service: 'authorize', metric: 'ApiLatency' } }), options)).toThrow(/sli needs/);
    expect(() => sloResources({ ...config, burnRateAlarms: [{ name: 'x', longMinutes: 2000, shortMinutes: 5, burnRate: 2 }] }, options)).toThrow(/1 to 1440/);
  });
});

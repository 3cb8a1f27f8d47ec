/// <reference lib="dom" />
import type { JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import type { ForecastChart } from './forecast.js';

export interface ChartLabels {
  title: string;
  median: string;
  band80: string;
  band95: string;
  available: string;
  shortfall: string;
  locale: string;
}

/**
 * The 48 h forecast drawn with uPlot (canvas): the 95 % and 80 % bands as filled areas between
 * their edges, the median, the wallet's available balance, and the shortfall hour as a marked
 * point. The canvas is an image to assistive technology; its text twin is the summary beside it.
 */
export function ForecastCanvas(props: { chart: ForecastChart; labels: ChartLabels }): JSX.Element {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const { chart, labels } = props;
    const shortfall = chart.x.map((_, index) => (index === chart.shortfallIndex ? chart.p95High[index]! : null));
    // Compact ticks ("1.5M", "150万"): whole amounts would not fit the axis.
    const number = new Intl.NumberFormat(labels.locale, { notation: 'compact', maximumFractionDigits: 1 });
    const time = new Intl.DateTimeFormat(labels.locale, { month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' });
    const plot = new uPlot(
      {
        width: Math.max(320, Math.min(element.clientWidth || 720, 960)),
        height: 280,
        legend: { show: true, live: false },
        cursor: { show: true, drag: { x: false, y: false } },
        scales: { x: { time: true } },
        axes: [
          { space: 110, values: (_self, ticks) => ticks.map((tick) => time.format(new Date(tick * 1000))) },
          { values: (_self, ticks) => ticks.map((tick) => number.format(tick)), size: 70 },
        ],
        series: [
          {},
          { label: `${labels.band95} ↑`, stroke: 'rgba(37, 99, 235, 0.35)', width: 1, points: { show: false } },
          { label: `${labels.band95} ↓`, stroke: 'rgba(37, 99, 235, 0.35)', width: 1, points: { show: false } },
          { label: `${labels.band80} ↑`, stroke: 'rgba(37, 99, 235, 0.6)', width: 1, points: { show: false } },
          { label: `${labels.band80} ↓`, stroke: 'rgba(37, 99, 235, 0.6)', width: 1, points: { show: false } },
          { label: labels.median, stroke: '#1d4ed8', width: 2, points: { show: false } },
          { label: labels.available, stroke: '#15803d', width: 2, dash: [6, 4], points: { show: false } },
          { label: labels.shortfall, stroke: '#b91c1c', width: 0, points: { show: true, size: 12, fill: '#b91c1c', stroke: '#7f1d1d' } },
        ],
        bands: [
          { series: [1, 2], fill: 'rgba(37, 99, 235, 0.12)' },
          { series: [3, 4], fill: 'rgba(37, 99, 235, 0.22)' },
        ],
      },
      [chart.x, chart.p95High, chart.p95Low, chart.p80High, chart.p80Low, chart.p50, chart.available, shortfall],
      element,
    );
    plot.root.querySelector('canvas')?.setAttribute('aria-hidden', 'true');
    return () => plot.destroy();
  }, [props.chart, props.labels.locale]);
  return <div ref={host} class="chart" role="img" aria-label={props.labels.title} />;
}

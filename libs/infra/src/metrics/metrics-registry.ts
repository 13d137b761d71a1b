import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { METRICS, MetricKey, MetricSpec } from '@facestyle/core';

type MetricOf<K extends MetricKey> = (typeof METRICS)[K]['type'] extends 'counter'
  ? Counter<string>
  : (typeof METRICS)[K]['type'] extends 'gauge'
    ? Gauge<string>
    : Histogram<string>;

/**
 * A prom-client registry holding the catalog's metrics plus the process defaults. Metrics are
 * created on first use, so each process exports only what it measures.
 */
export class MetricsRegistry {
  readonly registry = new Registry();
  private readonly created = new Map<MetricKey, Counter<string> | Gauge<string> | Histogram<string>>();

  constructor(options: { defaultMetrics?: boolean; defaultLabels?: Record<string, string> } = {}) {
    if (options.defaultLabels) this.registry.setDefaultLabels(options.defaultLabels);
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'facestyle_process_' });
  }

  get<K extends MetricKey>(key: K, collect?: () => void | Promise<void>): MetricOf<K> {
    let metric = this.created.get(key);
    if (!metric) {
      const spec: MetricSpec = METRICS[key];
      const common = { name: spec.name, help: spec.help, labelNames: [...spec.labels], registers: [this.registry] };
      metric =
        spec.type === 'counter'
          ? new Counter(common)
          : spec.type === 'gauge'
            ? new Gauge({ ...common, ...(collect ? { collect } : {}) })
            : new Histogram({ ...common, buckets: [...(spec.buckets ?? [])] });
      this.created.set(key, metric);
    }
    return metric as MetricOf<K>;
  }

  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { METRICS, MetricKey } from '@facestyle/core';
import { MetricsRegistry } from '@facestyle/infra';
import { REPO_ROOT } from '../support/test-stack';

const PROM_DIR = path.join(REPO_ROOT, 'infra/prometheus');
const DASHBOARD_DIR = path.join(REPO_ROOT, 'infra/grafana/dashboards');

function promtool(args: string[], cwd = PROM_DIR): string {
  const result = spawnSync('promtool', args, { cwd, encoding: 'utf8' });
  if (result.error) throw new Error(`promtool is not installed (apt-get install prometheus): ${result.error.message}`);
  if (result.status !== 0) throw new Error(`promtool ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** Every series name the code can export: the catalog (with histogram suffixes) and process defaults. */
async function exportedNames(): Promise<Set<string>> {
  const registry = new MetricsRegistry();
  for (const key of Object.keys(METRICS) as MetricKey[]) registry.get(key);
  const names = new Set<string>();
  for (const metric of await registry.registry.getMetricsAsJSON()) {
    names.add(metric.name);
    if (String(metric.type) === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(metric.name + suffix);
  }
  return names;
}

function metricNamesIn(expr: string): string[] {
  // Identifiers that are metric selectors: facestyle_* names (labels and functions never start so).
  return [...expr.matchAll(/\b(facestyle_[a-z0-9_]+)\b/g)].map((m) => m[1]);
}

function ruleExpressions(): { where: string; expr: string }[] {
  const rules = parse(fs.readFileSync(path.join(PROM_DIR, 'rules.yml'), 'utf8'));
  return rules.groups.flatMap((g: { rules: { alert: string; expr: string }[] }) => g.rules.map((r) => ({ where: `rule ${r.alert}`, expr: r.expr })));
}

function dashboardExpressions(): { where: string; expr: string }[] {
  return fs
    .readdirSync(DASHBOARD_DIR)
    .filter((f) => f.endsWith('.json'))
    .flatMap((file) => {
      const dashboard = JSON.parse(fs.readFileSync(path.join(DASHBOARD_DIR, file), 'utf8'));
      const fromPanels = dashboard.panels.flatMap((p: { title: string; targets?: { expr: string }[] }) => (p.targets ?? []).map((t) => ({ where: `${file}: ${p.title}`, expr: t.expr })));
      const fromVariables = (dashboard.templating?.list ?? [])
        .filter((v: { type: string }) => v.type === 'query')
        .map((v: { name: string; query: string | { query: string } }) => ({ where: `${file}: $${v.name}`, expr: typeof v.query === 'string' ? v.query : v.query.query }));
      return [...fromPanels, ...fromVariables];
    });
}

describe('Prometheus configuration, rules and dashboards', () => {
  it('passes promtool check config (rule path rewritten to the repo copy)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facestyle-promcfg-'));
    const config = fs.readFileSync(path.join(PROM_DIR, 'prometheus.yml'), 'utf8').replace('/etc/prometheus/rules.yml', path.join(PROM_DIR, 'rules.yml'));
    fs.writeFileSync(path.join(dir, 'prometheus.yml'), config);
    expect(promtool(['check', 'config', path.join(dir, 'prometheus.yml')])).toMatch(/SUCCESS/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('passes promtool check rules and the alert unit tests (one case per alert)', () => {
    expect(promtool(['check', 'rules', 'rules.yml'])).toMatch(/SUCCESS/);
    expect(promtool(['test', 'rules', 'rules.test.yml'])).toMatch(/SUCCESS/);
    const tested = fs.readFileSync(path.join(PROM_DIR, 'rules.test.yml'), 'utf8');
    for (const { where } of ruleExpressions()) expect(tested, where).toContain(`alertname: ${where.replace('rule ', '')}`);
  });

  it('uses only metrics the code exports in every rule and dashboard query', async () => {
    const names = await exportedNames();
    const expressions = [...ruleExpressions(), ...dashboardExpressions()];
    expect(expressions.length).toBeGreaterThan(10);
    for (const { where, expr } of expressions) {
      for (const name of metricNamesIn(expr)) expect(names.has(name), `${where} uses ${name}, which no code exports`).toBe(true);
    }
  });

  it('names metrics with the facestyle_ prefix and base units', () => {
    for (const spec of Object.values(METRICS)) {
      expect(spec.name).toMatch(/^facestyle_[a-z_]+$/);
      if (spec.type === 'counter') expect(spec.name).toMatch(/_total$/);
      if (spec.type === 'histogram') expect(spec.name).toMatch(/_seconds$/);
      for (const label of spec.labels) expect(['method', 'route', 'status_code', 'queue', 'state', 'outcome', 'queues', 'backend', 'provider', 'job_id', 'run_id', 'render_id', 'pair', 'term', 'reason']).toContain(label);
    }
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '@facestyle/core';
import { REPO_ROOT } from '../support/test-stack';

// No Docker engine runs in CI, so the compose stack is checked statically: services, ports,
// and that every service's wiring agrees with the others and with the config contract.
type Service = { image?: string; build?: unknown; command?: string[]; environment?: Record<string, string>; ports?: string[]; volumes?: string[]; depends_on?: unknown };
const compose = parse(fs.readFileSync(path.join(REPO_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const prometheus = parse(fs.readFileSync(path.join(REPO_ROOT, 'infra/prometheus/prometheus.yml'), 'utf8'));

/** Resolves `${NAME:-default}` the way compose does with no .env file. */
const resolveDefaults = (env: Record<string, string>) =>
  Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v).replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, '$1')]));

describe('docker-compose.yml', () => {
  it('has the full stack', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'grafana', 'minio', 'minio-init', 'prometheus', 'redis', 'worker']);
  });

  it('runs Redis with persistence and no eviction', () => {
    const command = services.redis.command!.join(' ');
    expect(command).toMatch(/--appendonly yes/);
    expect(command).toMatch(/--maxmemory-policy noeviction/);
  });

  it('publishes infrastructure on localhost only', () => {
    for (const name of ['redis', 'minio', 'prometheus', 'grafana']) {
      for (const port of services[name].ports ?? []) expect(port, `${name} ${port}`).toMatch(/^127\.0\.0\.1:/);
    }
  });

  it('gives api and worker a configuration the config parser accepts, pointing at the compose services', () => {
    for (const name of ['api', 'worker']) {
      const env = resolveDefaults(services[name].environment!);
      const config = loadConfig(env);
      expect(config.redisUrl).toBe('redis://redis:6379');
      expect(config.storage).toMatchObject({ driver: 's3', endpoint: 'http://minio:9000', bucket: 'facestyle' });
      const minio = resolveDefaults(services.minio.environment!);
      expect(config.storage).toMatchObject({ accessKey: minio.MINIO_ROOT_USER, secretKey: minio.MINIO_ROOT_PASSWORD });
    }
    expect(resolveDefaults(services.api.environment!).PORT).toBe('3000');
  });

  it('marks default credentials as local-only', () => {
    const text = fs.readFileSync(path.join(REPO_ROOT, 'docker-compose.yml'), 'utf8');
    for (const match of text.matchAll(/\$\{(MINIO_ROOT_PASSWORD|GRAFANA_ADMIN_PASSWORD|MINIO_ROOT_USER):-([^}]*)\}/g)) {
      expect(match[2]).toMatch(/local-only/);
    }
  });

  it('has Prometheus scrape the API port and every worker on METRICS_PORT', () => {
    const jobs = Object.fromEntries(prometheus.scrape_configs.map((c: { job_name: string }) => [c.job_name, c]));
    expect(jobs['facestyle-api'].static_configs[0].targets).toEqual([`api:${resolveDefaults(services.api.environment!).PORT}`]);
    const workerSd = jobs['facestyle-worker'].dns_sd_configs[0];
    expect(workerSd.names).toEqual(['worker']);
    expect(String(workerSd.port)).toBe(resolveDefaults(services.worker.environment!).METRICS_PORT);
    expect(services.prometheus.volumes).toContain('./infra/prometheus:/etc/prometheus:ro');
    expect(prometheus.rule_files).toEqual(['/etc/prometheus/rules.yml']);
  });

  it('provisions Grafana with the datasource and a dashboards folder that exists', () => {
    const mounts = services.grafana.volumes!;
    expect(mounts).toContain('./infra/grafana/provisioning:/etc/grafana/provisioning:ro');
    const dashboardsMount = mounts.find((m) => m.startsWith('./infra/grafana/dashboards:'))!;
    const containerPath = dashboardsMount.split(':')[1];
    const provider = parse(fs.readFileSync(path.join(REPO_ROOT, 'infra/grafana/provisioning/dashboards/facestyle.yml'), 'utf8'));
    expect(provider.providers[0].options.path).toBe(containerPath);
    const datasource = parse(fs.readFileSync(path.join(REPO_ROOT, 'infra/grafana/provisioning/datasources/prometheus.yml'), 'utf8'));
    const uid = datasource.datasources[0].uid;
    const dashboards = fs.readdirSync(path.join(REPO_ROOT, 'infra/grafana/dashboards')).filter((f) => f.endsWith('.json'));
    expect(dashboards.sort()).toEqual(['queues-workers.json', 'renders.json', 'training.json']);
    for (const file of dashboards) {
      const dashboard = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'infra/grafana/dashboards', file), 'utf8'));
      for (const panel of dashboard.panels) expect(panel.datasource?.uid, `${file} panel ${panel.title}`).toBe(uid);
      for (const variable of dashboard.templating?.list ?? []) expect(variable.datasource?.uid, `${file} variable ${variable.name}`).toBe(uid);
    }
  });

  it('builds api and worker from the repository image', () => {
    expect(services.api.build).toBe('.');
    expect(services.worker.build).toBe('.');
    expect(fs.existsSync(path.join(REPO_ROOT, 'Dockerfile'))).toBe(true);
  });
});

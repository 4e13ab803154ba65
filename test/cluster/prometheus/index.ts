// The real Prometheus side of the emulated cluster: the /metrics text a cluster exposes
// (cAdvisor + kube-state-metrics) and a Debian Prometheus that scrapes it, with history backfilled.
export { renderMetrics, escapeLabelValue } from './exposition.ts';
export type { MetricsPod, MetricsContainer } from './exposition.ts';
export { renderHistory } from './backfill.ts';
export type { ContainerHistory } from './backfill.ts';
export { startPrometheus } from './server.ts';
export type { PrometheusOptions, RunningPrometheus } from './server.ts';

import { isTlsVerifyError, PrometheusNotReadyError, PrometheusTimeoutError, PrometheusUnreachableError } from '../prometheus/errors.ts';
import type { TrendTarget } from './trendPanel.ts';

// When the trend panel loads again: the same pods keep their chart, and an error that can pass
// by itself keeps the timer running.

/** Prometheus out of reach or slow: that can pass by itself, so the timer keeps trying. */
export function passesOnItsOwn(err: unknown): boolean {
  // a certificate refused is a setting to change (caFile), not a network that comes back
  // a Prometheus pod restarting behind the service proxy (503) comes back too
  return err instanceof PrometheusTimeoutError || err instanceof PrometheusNotReadyError || (err instanceof PrometheusUnreachableError && !isTlsVerifyError(err));
}

export function sameTarget(a: TrendTarget, b: TrendTarget | undefined): boolean {
  return b !== undefined && a.context === b.context && JSON.stringify(a.scope) === JSON.stringify(b.scope);
}

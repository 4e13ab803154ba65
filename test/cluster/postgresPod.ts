import type { ClusterConfig } from './config.ts';

// The database pod tests run beside the sample workloads: Debian's PostgreSQL as a one-replica
// StatefulSet behind a headless service `postgres`, and the DATABASE_URL that reaches it.
export const POSTGRES_URL = 'postgresql://postgres:s3cret@postgres:5432/orders';

export function postgresPod(): Pick<ClusterConfig, 'statefulSets' | 'services'> {
  return {
    statefulSets: [{
      name: 'postgres', labels: { app: 'postgres' }, serviceName: 'postgres', volumes: [{ name: 'data', emptyDir: {} }],
      container: {
        name: 'postgres', image: 'postgres', env: { POSTGRES_PASSWORD: 's3cret', POSTGRES_DB: 'orders' }, args: ['postgres', '-c', 'shared_buffers=16MB'],
        limits: { memory: '256Mi' }, ports: [5432], volumeMounts: [{ name: 'data', mountPath: '/var/lib/postgresql/data' }],
      },
    }],
    services: [{ name: 'postgres', headless: true, selector: { app: 'postgres' }, ports: [{ port: 5432 }] }],
  } as Pick<ClusterConfig, 'statefulSets' | 'services'>;
}

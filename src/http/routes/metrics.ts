import type { Registry } from 'prom-client';
import type { Route } from '../route-table.ts';

/** GET /metrics: Prometheus text format. */
export function metricsRoutes(registry: Registry): Route[] {
  return [
    {
      method: 'GET',
      path: '/metrics',
      handler: async ({ res }) => {
        const body = await registry.metrics();
        res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
        res.end(body);
      },
    },
  ];
}

// Shared by the contract tests: units and tenants of their own, terms, and the workflow driven over HTTP.
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { TestApp } from './app.ts';

export interface Kit {
  t: TestApp;
  headers(username: string): Promise<Record<string, string>>;
  /** A fresh building with `count` units of the given areas (or 50.00 m² each); returns their ids. */
  units(prefix: string, count: number, area?: string): Promise<string[]>;
  /** A demo tenant's id and name (the n-th by code). */
  tenant(n?: number): Promise<{ id: string; name: string }>;
  create(body: Record<string, unknown>, as?: string): Promise<LightMyRequestResponse>;
  post(path: string, payload?: Record<string, unknown>, as?: string): Promise<LightMyRequestResponse>;
  get(path: string, as?: string): Promise<LightMyRequestResponse>;
  /** A contract taken from draft to active (one approval level, tender record given); returns its detail. */
  activeContract(body: Record<string, unknown>, signDate?: string): Promise<ContractDetail>;
  approvedContract(body: Record<string, unknown>): Promise<ContractDetail>;
}

export interface ContractDetail {
  id: string;
  number: string;
  status: string;
  endDate: string;
  assets: { id: string; code: string; status: string }[];
  schedule: { periods: { periodStart: string; periodEnd: string; dueDate: string; amountFen: number }[] };
  [key: string]: unknown;
}

export const terms = (overrides: Record<string, unknown> = {}) => ({
  startDate: '2025-01-15',
  endDate: '2026-01-14',
  rent: { mode: 'fixed', monthlyFen: 300_000 },
  billingCycleMonths: 3,
  dueOffsetDays: -10,
  deposit: { amountFen: 600_000 },
  lateFee: { dailyRate: '0.0005', capRatio: '0.3' },
  taxRate: '0.09',
  ...overrides,
});

export const tender = { tenderAnnouncementNo: 'YCGZ-2024-118', dealConfirmationNo: 'CJQR-2024-118' };

export function contractKit(t: TestApp): Kit {
  const headers = (username: string) => t.as(username);
  const ok = (response: LightMyRequestResponse, status = 200) => {
    expect(response.statusCode, response.body).toBe(status);
    return response.json();
  };
  const kit: Kit = {
    t,
    headers,
    async units(prefix, count, area = '50.00') {
      const zichan = await headers('zichan');
      const building = ok(
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/assets',
          headers: zichan,
          payload: { code: prefix, name: `${prefix} 楼`, type: 'building' },
        }),
        201,
      );
      const ids: string[] = [];
      for (let i = 1; i <= count; i++) {
        const unit = ok(
          await t.app.inject({
            method: 'POST',
            url: '/api/v1/assets',
            headers: zichan,
            payload: {
              code: `${prefix}-${100 + i}`,
              name: `${prefix} ${100 + i} 室`,
              type: 'unit',
              parentId: building.id,
              areaSqm: area,
            },
          }),
          201,
        );
        ids.push(unit.id);
      }
      return ids;
    },
    async tenant(n = 0) {
      const list = ok(await t.app.inject({ url: '/api/v1/tenants?pageSize=50', headers: await headers('zichan') }));
      const item = list.items[n];
      return { id: item.id, name: item.name };
    },
    async create(body, as = 'zichan') {
      return t.app.inject({ method: 'POST', url: '/api/v1/contracts', headers: await headers(as), payload: body });
    },
    async post(path, payload, as = 'zichan') {
      return t.app.inject({
        method: 'POST',
        url: `/api/v1/contracts${path}`,
        headers: await headers(as),
        ...(payload ? { payload } : {}),
      });
    },
    async get(path, as = 'zichan') {
      return t.app.inject({ url: `/api/v1/contracts${path}`, headers: await headers(as) });
    },
    async approvedContract(body) {
      const draft = ok(await kit.create({ ...tender, ...body }), 201);
      ok(await kit.post(`/${draft.id}/submit`));
      return ok(await kit.post(`/${draft.id}/approve`, { comment: '同意' }, 'shenpi'));
    },
    async activeContract(body, signDate = '2025-01-10') {
      const approved = await kit.approvedContract(body);
      return ok(await kit.post(`/${approved.id}/activate`, { signDate }));
    },
  };
  return kit;
}

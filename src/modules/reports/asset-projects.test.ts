// Each asset's project (migration 0015): kept by triggers as assets are added and moved, so the reports find a unit's
// project with one join. Checked against a walk of the tree: for the demo as seeded, and after adding and moving
// assets through the API (a building moved to another project takes its floors and units along).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { queryRows, sql } from '../../db/client.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** Assets whose kept project differs from the one a walk up the tree finds. */
async function projectsWrong() {
  return queryRows<{ code: string; kept: string | null; walked: string }>(
    t.database.orm,
    sql`WITH RECURSIVE tree (id, project_id) AS (
          SELECT id, id FROM assets WHERE parent_id IS NULL
          UNION ALL
          SELECT a.id, t.project_id FROM assets a JOIN tree t ON a.parent_id = t.id)
        SELECT a.code, a.project_id AS kept, tree.project_id AS walked
          FROM assets a JOIN tree ON tree.id = a.id
         WHERE a.project_id IS DISTINCT FROM tree.project_id`,
  );
}

async function projectOf(id: string) {
  const [row] = await queryRows<{ projectId: string }>(
    t.database.orm,
    sql`SELECT project_id AS "projectId" FROM assets WHERE id = ${id}`,
  );
  return row!.projectId;
}

async function call(method: 'POST' | 'PATCH', url: string, payload: object) {
  const response = await t.app.inject({ method, url: `/api/v1${url}`, headers: await t.as('zichan'), payload });
  expect(response.statusCode, response.body).toBeLessThan(300);
  return response.json() as { id: string };
}

describe("an asset's project", () => {
  it('is right for every demo asset as seeded', async () => {
    const [count] = await queryRows<{ n: number }>(t.database.orm, sql`SELECT count(*)::int AS n FROM assets`);
    expect(count!.n).toBeGreaterThan(10);
    expect(await projectsWrong()).toEqual([]);
  });

  it('follows assets added under a project and moved to another, with everything under them', async () => {
    const east = await call('POST', '/assets', { code: 'PJ-EAST', name: '东区', type: 'project' });
    const west = await call('POST', '/assets', { code: 'PJ-WEST', name: '西区', type: 'project' });
    const building = await call('POST', '/assets', {
      code: 'PJ-EAST-B1',
      name: '东区1号楼',
      type: 'building',
      parentId: east.id,
    });
    const floor = await call('POST', '/assets', {
      code: 'PJ-EAST-B1-F1',
      name: '1层',
      type: 'floor',
      parentId: building.id,
    });
    const unit = await call('POST', '/assets', {
      code: 'PJ-EAST-B1-101',
      name: '101',
      type: 'unit',
      parentId: floor.id,
      areaSqm: '50.00',
    });
    expect(await projectOf(east.id)).toBe(east.id);
    expect(await projectOf(unit.id)).toBe(east.id);

    await call('PATCH', `/assets/${building.id}`, { parentId: west.id });
    for (const id of [building.id, floor.id, unit.id]) expect(await projectOf(id)).toBe(west.id);
    expect(await projectsWrong()).toEqual([]);

    // Renamed, not moved: the project stays.
    await call('PATCH', `/assets/${floor.id}`, { name: '一层' });
    expect(await projectOf(unit.id)).toBe(west.id);
  });
});

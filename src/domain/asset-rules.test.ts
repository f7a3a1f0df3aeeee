import { describe, expect, it } from 'vitest';
import {
  ALLOWED_PARENTS,
  ASSET_TYPE_LEVEL,
  ASSET_TYPES,
  hierarchyProblem,
  manualStatusChangeProblem,
} from './asset-rules.ts';

describe('asset hierarchy', () => {
  it('puts a project at the top, a building in a project, a floor in a building, a unit on a floor or in a building', () => {
    expect(hierarchyProblem('project', null)).toBeNull();
    expect(hierarchyProblem('building', 'project')).toBeNull();
    expect(hierarchyProblem('floor', 'building')).toBeNull();
    expect(hierarchyProblem('unit', 'floor')).toBeNull();
    expect(hierarchyProblem('unit', 'building')).toBeNull();
    expect(hierarchyProblem('parking', 'floor')).toBeNull();
    expect(hierarchyProblem('warehouse', 'project')).toBeNull();
  });

  it('says where an asset may go instead', () => {
    expect(hierarchyProblem('project', 'project')).toEqual({
      key: 'asset_must_be_top_level',
      params: { type: 'project' },
    });
    expect(hierarchyProblem('floor', null)).toEqual({ key: 'asset_parent_required', params: { type: 'floor' } });
    expect(hierarchyProblem('unit', 'project')).toEqual({
      key: 'asset_parent_not_allowed',
      params: { type: 'unit', parentType: 'project' },
    });
    expect(hierarchyProblem('building', 'floor')).toMatchObject({ key: 'asset_parent_not_allowed' });
  });

  it('always puts a parent a level above its child, so no chain of parents can loop', () => {
    for (const type of ASSET_TYPES) {
      for (const parent of ALLOWED_PARENTS[type]) {
        if (parent) expect(ASSET_TYPE_LEVEL[parent]).toBeLessThan(ASSET_TYPE_LEVEL[type]);
      }
    }
  });
});

describe('status changes by hand', () => {
  it('never sets leased: only a contract does', () => {
    expect(manualStatusChangeProblem('vacant', 'leased')).toEqual({ key: 'asset_status_leased_by_contract' });
  });
  it('never moves a leased asset: its contract holds it', () => {
    expect(manualStatusChangeProblem('leased', 'vacant')).toEqual({ key: 'asset_leased_status_locked' });
    expect(manualStatusChangeProblem('leased', 'leased')).toBeNull();
  });
  it('keeps a disposed asset disposed', () => {
    expect(manualStatusChangeProblem('disposed', 'vacant')).toEqual({ key: 'asset_disposed_final' });
  });
  it('moves freely among vacant, reserved, self-use, unavailable and disposed', () => {
    expect(manualStatusChangeProblem('vacant', 'reserved')).toBeNull();
    expect(manualStatusChangeProblem('unavailable', 'self_use')).toBeNull();
    expect(manualStatusChangeProblem('reserved', 'disposed')).toBeNull();
  });
});

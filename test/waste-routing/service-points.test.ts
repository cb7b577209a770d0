import { describe, expect, it } from 'vitest';
import { offsetByMetres } from '../../cloud/src/modules/waste-routing/geo.js';
import { collectionPoints } from '../../cloud/src/modules/waste-routing/round-stops.js';
import { DEFAULT_WASTE_CONFIG } from '../../cloud/src/modules/waste-routing/waste-routing.config.js';
import type { RoundView } from '../../cloud/src/modules/waste-routing/waste-routing.model.js';
import { type SceneBin, useWasteScene } from '../support/waste-scene.js';

/**
 * [name, % per hour, east m, north m]. At the 09:30 round: due ~78 % (mandatory); mate-1 ~25 % (under
 * the 50 % optional level) stands 4 m from due-1, at its collection point; mild-far ~25 % stands alone.
 */
const BINS: SceneBin[] = [
  ['due-1', 5, 0, 0],
  ['mate-1', 1.6, 4, 0],
  ['due-2', 5, 200, 0],
  ['mild-far', 1.6, 100, 120],
];

describe('collection points from where the bins stand', () => {
  it('groups bins within the radius, chained, named by the first; 0 turns it off', () => {
    const o = { lat: 31.23, lon: 121.47 };
    const bins = [
      { id: 'a', at: o },
      { id: 'far', at: offsetByMetres(o, 50, 0) },
      { id: 'b', at: offsetByMetres(o, 8, 0) },
      { id: 'c', at: offsetByMetres(o, 16, 0) }, // 8 m from b, 16 m from a: same row
      { id: 'd', at: offsetByMetres(o, 50, 9) },
    ];
    expect(Object.fromEntries(collectionPoints(bins, 10))).toEqual({
      a: 'a',
      b: 'a',
      c: 'a',
      far: 'far',
      d: 'far',
    });
    expect(Object.fromEntries(collectionPoints(bins, 5))).toEqual({
      a: 'a',
      b: 'b',
      c: 'c',
      far: 'far',
      d: 'd',
    });
    expect(Object.fromEntries(collectionPoints(bins, 0))).toEqual({
      a: 'a',
      b: 'b',
      c: 'c',
      far: 'far',
      d: 'd',
    });
  });
});

describe('waste routing service: collection points (SQLite stores, manual clock)', () => {
  const scene = useWasteScene('waste-points', BINS);

  const service = (pointRadiusM: number) =>
    scene().service({
      ...DEFAULT_WASTE_CONFIG,
      policy: 'prize',
      pointRadiusM,
      depot: { lat: 31.23, lon: 121.465 },
      dump: { lat: 31.25, lon: 121.49 },
      timeLimitMs: 30_000,
      maxIterations: 20_000,
    });

  const visited = (r: RoundView) =>
    r.trucks
      .flatMap((t) => t.stops.filter((s) => s.kind === 'bin').map((s) => scene().name.get(s.binId!)!))
      .sort();

  it('a due bin brings the bin standing with it along, at no km; a bin elsewhere stays', async () => {
    expect(DEFAULT_WASTE_CONFIG.pointRadiusM).toBe(10);
    const alone = await service(0).plan();
    // Off: the 25 % bin is under the optional level, like the one elsewhere.
    expect(visited(alone)).toEqual(['due-1', 'due-2']);
    const points = await service(10).plan();
    expect(visited(points)).toEqual(['due-1', 'due-2', 'mate-1']);
    // Emptied in the same stop: the 4 m between the two containers (x 1.3 road detour, there and
    // on), not a detour.
    expect(Math.abs(points.distanceM - alone.distanceM)).toBeLessThan(15);
    const truck = points.trucks.find((t) => t.stops.some((s) => scene().name.get(s.binId!) === 'mate-1'))!;
    const seq = truck.stops.filter((s) => s.kind === 'bin').map((s) => scene().name.get(s.binId!));
    expect(Math.abs(seq.indexOf('mate-1') - seq.indexOf('due-1'))).toBe(1);
  });

  it("the registry's point ids win over positions: named together 120 m apart, named apart 4 m apart", async () => {
    const { registry } = scene().h.module;
    const idOf = new Map([...scene().name].map(([id, name]) => [name, id]));
    const name = async (bin: string, pointId: string | null) =>
      registry.updateBin(idOf.get(bin)!, { pointId });
    try {
      // The installer says due-2 and mild-far share a point (a row of containers along a path),
      // and due-1 and mate-1 stand at two points that happen to be 4 m apart.
      await name('due-2', '2栋北侧');
      await name('mild-far', '2栋北侧');
      await name('due-1', '1栋东侧');
      await name('mate-1', '1栋西侧');
      expect((await registry.getBin(idOf.get('mild-far')!)).pointId).toBe('2栋北侧');
      const named = await service(10).plan();
      expect(visited(named)).toEqual(['due-1', 'due-2', 'mild-far']);
      // The route tells the crew which point each stop is at.
      const pointOfStop = new Map(
        named.trucks.flatMap((t) =>
          t.stops.flatMap((s) => (s.binId ? [[scene().name.get(s.binId)!, s.pointId]] : [])),
        ),
      );
      expect(Object.fromEntries(pointOfStop)).toEqual({
        'due-1': '1栋东侧',
        'due-2': '2栋北侧',
        'mild-far': '2栋北侧',
      });
      // A bin that names no point is still grouped by position, but never with a named one.
      await name('mate-1', null);
      expect(visited(await service(10).plan())).toEqual(['due-1', 'due-2', 'mild-far']);
      await name('due-1', null);
      expect(visited(await service(10).plan())).toEqual(['due-1', 'due-2', 'mate-1', 'mild-far']);
    } finally {
      for (const bin of ['due-1', 'mate-1', 'due-2', 'mild-far']) await name(bin, null);
    }
  });
});

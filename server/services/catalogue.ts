import { randomUUID } from 'node:crypto';
import { toRoutingUnit, type Catalogue } from '../domain/routing/route.ts';
import { AreaModel, CatalogueMeta, DispatchRuleModel, PlaceModel, Unit, fromStoredArea } from '../data/models/index.ts';

/**
 * Loads the dispatch catalogue for the routing worker and keeps it current:
 * every admin edit stamps a new revision, and the worker re-reads the
 * catalogue when the revision it holds is no longer the stored one, so an
 * edit applies to the next ticket without a restart.
 */

/** Auto-dispatch threshold; below it a ticket is parked for a dispatcher. */
export const AUTO_DISPATCH_AT = 0.55;

/** Record that the catalogue changed (a fresh random revision: no counter, so no read-modify-write). */
export async function touchCatalogue(): Promise<void> {
  await CatalogueMeta.updateOne({ _id: 'catalogue' }, { $set: { revision: randomUUID(), at: new Date() } }, { upsert: true });
  // A check already under way may have read the old revision: the next ticket starts a new one.
  generation++;
  revisionCheckedAt = 0;
  loading = null;
}

/**
 * The revision is re-read at most this often, not for every ticket (it was
 * one store read per routed ticket). An edit made in this process applies to
 * the next ticket; one made through another process within this time.
 */
const REVISION_CHECK_MS = 1000;
let revisionCheckedAt = 0;
let cached: { revision: string | null; catalogue: Catalogue } | null = null;
let loading: Promise<Catalogue> | null = null;
let generation = 0;

export function loadCatalogue(): Promise<Catalogue> {
  if (cached && Date.now() - revisionCheckedAt < REVISION_CHECK_MS) return Promise.resolve(cached.catalogue);
  // Concurrent routing jobs share one check.
  loading ??= refreshCatalogue().finally(() => (loading = null));
  return loading;
}

async function refreshCatalogue(): Promise<Catalogue> {
  const checkedAt = Date.now();
  const startedIn = generation;
  const meta = await CatalogueMeta.findById('catalogue').lean();
  const revision = meta?.revision ?? null;
  if (cached && cached.revision === revision) {
    if (startedIn === generation) revisionCheckedAt = checkedAt;
    return cached.catalogue;
  }
  const [rules, places, areas, units] = await Promise.all([
    DispatchRuleModel.find({ active: true }).lean(),
    PlaceModel.find({}).lean(),
    AreaModel.find({}).lean(),
    Unit.find({ active: true }, { name: 1, shortName: 1, aliases: 1, kind: 1, parentId: 1, ancestors: 1, areaCode: 1 }).lean(),
  ]);
  const routingUnits = units.map(toRoutingUnit);
  const catalogue: Catalogue = {
    rules: rules.map(({ _id, ...r }) => ({ ...r, id: r.id ?? _id })),
    places: places.map(({ _id, ...p }) => p),
    areas: areas.map(fromStoredArea),
    units: routingUnits,
    supervisionUnitId: units.find((u) => u.kind === 'supervision')?._id ?? null,
    autoDispatchAt: AUTO_DISPATCH_AT,
  };
  cached = { revision, catalogue };
  if (startedIn === generation) revisionCheckedAt = checkedAt;
  return catalogue;
}

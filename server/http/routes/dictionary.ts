import Router from '@koa/router';
import type { AppDeps, AppState } from '../context.ts';
import { authenticate } from '../middleware.ts';
import { Category, Unit } from '../../data/models/index.ts';
import { CHANNELS, EMERGENCY_LINES, REQUEST_TYPES, ROLES, STATUSES, URGENCIES } from '../../domain/ticket.ts';

/** Dictionaries the console needs: categories, units and the fixed vocabularies. */
export function dictionaryRoutes(deps: AppDeps): Router<AppState> {
  const r = new Router<AppState>({ prefix: '/api/v1' });
  r.use(authenticate(deps));

  r.get('/categories', async (ctx) => {
    ctx.body = { items: await Category.find({ active: true }).sort({ level: 1, order: 1, _id: 1 }).lean() };
  });
  r.get('/units', async (ctx) => {
    ctx.body = {
      items: await Unit.find({ active: true }, { handlerA: 0, handlerB: 0 }).sort({ kind: 1, _id: 1 }).lean(),
    };
  });
  r.get('/vocabulary', (ctx) => {
    ctx.body = { requestTypes: REQUEST_TYPES, urgencies: URGENCIES, statuses: STATUSES, channels: CHANNELS, emergencyLines: EMERGENCY_LINES, roles: ROLES };
  });
  return r;
}

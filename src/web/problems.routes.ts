import { Router, type Request, type Response } from 'express';
import type { Kysely } from 'kysely';
import { actorOf } from '../auth/user';
import { AppError, fieldProblems } from '../errors';
import type { PublishContext } from '../incidents/publish.service';
import { problemInput } from '../problems/problem';
import { listAlerts, listProblems } from '../problems/problem.repository';
import { logProblem } from '../problems/recurrence.service';
import type { Database } from '../store/schema';
import { principalOf, rules, type Access, type Allow } from './access';
import { doc } from './openapi/api-doc';
import { problemsView, type ProblemsState } from './views/problems.view';

export interface ProblemRoutesDeps {
  db: Kysely<Database>;
  windowDays: number;
  publishContext(actor: string): PublishContext;
  published(channels: string[]): void;
}

const ALERT_CHANNELS = ['email', 'sms'];

/** The small-problem log in the console; logging may raise the recurrence alert. */
export function problemConsoleRoutes(deps: ProblemRoutesDeps & { access: Access; brand: string }): Router {
  const router = Router();
  const { access, db } = deps;
  const allow = access.allow;
  const show = async (req: Request, res: Response, status: number, state: ProblemsState = {}) => {
    const c = { brand: deps.brand, principal: principalOf(req), csrf: access.csrfToken(req, res) };
    const alerts = await listAlerts(db, { since: Date.now() });
    res.status(status).type('html').send(problemsView(c, await listProblems(db), alerts, deps.windowDays, state));
  };

  router.get('/problems', allow(rules.need('incidents:read')), async (req, res) => show(req, res, 200));

  router.post('/problems', allow(rules.need('problems:log')), async (req, res) => {
    const b = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    const values = Object.fromEntries(['category', 'customer', 'note'].map((f) => [f, typeof b[f] === 'string' ? (b[f] as string).slice(0, 1000) : '']));
    const parsed = problemInput.safeParse(b);
    if (!parsed.success) return show(req, res, 400, { problems: fieldProblems(parsed.error.issues), values });
    try {
      const logged = await logProblem(db, parsed.data, { ...deps.publishContext(actorOf(principalOf(req))), windowDays: deps.windowDays });
      if (logged.deliveries > 0) deps.published(ALERT_CHANNELS);
      return show(req, res, 200, { logged: { alerted: logged.alerts.length > 0, notSent: logged.notSent } });
    } catch (err) {
      if (err instanceof AppError && err.code === 'invalid_input') return show(req, res, 400, { problems: err.details, values });
      throw err;
    }
  });
  return router;
}

export function problemApiRoutes(deps: ProblemRoutesDeps & { allow: Allow }): Router {
  const router = Router();
  const { allow, db } = deps;
  router.get('/problems', allow(rules.need('incidents:read')), doc({ tag: 'problems', summary: 'The small-problem log and the recurrence alerts whose window is open' }), async (_req, res) => {
    res.json({ problems: await listProblems(db), alerts: await listAlerts(db, { since: Date.now() }) });
  });
  router.post('/problems', allow(rules.need('problems:log')), doc({ tag: 'problems', summary: 'Log a small problem; a second of its category, or a second complaint from one customer, within the window alerts the owners', body: problemInput }), async (req, res) => {
    const logged = await logProblem(db, problemInput.parse(req.body), { ...deps.publishContext(actorOf(principalOf(req))), windowDays: deps.windowDays });
    if (logged.deliveries > 0) deps.published(ALERT_CHANNELS);
    res.status(201).json(logged);
  });
  return router;
}

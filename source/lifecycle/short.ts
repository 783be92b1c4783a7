// Short words for the execution table's narrow layout (under 120 columns): every cell fits
// whole at 80 columns, and the current row's full texts are spelled out below the table.
import type {ExitReason, LifecycleEvent} from './events';
import {liveWorkers, type LifecycleState} from './machine';
import {whose} from './whose';

/** What was asked: "GET /", or in a workshop's shared server whose it was (the full text below names both). */
const asked = (e: {method: string; path: string; query?: string}) => whose(e.query).name ?? `${e.method} ${e.path}`;

export const REASON: Record<ExitReason, string> = {
	shutdown: 'shutdown',
	reload: 'reload',
	removed: 'TTOU',
	'max-requests': 'max-req',
	timeout: 'timeout',
	killed: 'killed',
	'boot-error': 'boot err',
	crashed: 'crashed',
};

const view = (dotted: string) => `${dotted.split('.').pop()}()`;

export function shortAction(events: LifecycleEvent[]): string {
	const forks = events.filter(e => e.type === 'worker.forked');
	const [e] = events;
	if (forks.length > 1 && e.type === 'worker.forked') return `Fork ${forks.length} workers`;
	if (e.type === 'request.accepted' && events.some(x => x.type === 'response.sent'))
		return `${e.pid} serves ${asked(e)}`;
	switch (e.type) {
		case 'master.starting':
			return e.preload ? 'Run gunicorn --preload' : 'Run gunicorn';
		case 'socket.bound':
			return `Bind ${e.address}`;
		case 'app.loaded':
			return e.where === 'master' ? 'Master imports app' : `${e.pid} imports app`;
		case 'worker.forked':
			return `Fork ${e.pid}`;
		case 'worker.ready':
			return `${e.pid} ready`;
		case 'request.accepted':
			return `${e.pid} accepts ${asked(e)}`;
		case 'wsgi.called':
			return `${e.pid} calls the app`;
		case 'django.dispatched':
			return `Django runs ${view(e.view)}`;
		case 'response.returned':
			return `App returns ${e.status}`;
		case 'response.sent':
			return `${e.pid} sends ${e.status}`;
		case 'worker.timeout':
			return `${e.pid} timed out`;
		case 'worker.exiting':
			return `${e.pid} leaves`;
		case 'worker.exited':
			return `${e.pid} exited, ${REASON[e.reason]}`;
		case 'workers.changed':
			return `Workers ${e.from} -> ${e.to}`;
		case 'master.reloading':
			return 'HUP: reload';
		case 'master.stopping':
			return e.graceful ? 'TERM: graceful stop' : 'INT: quick stop';
		case 'master.stopped':
			return 'Master exits';
	}
}

export function shortMaster(s: LifecycleState): string {
	const {state, exitCode} = s.master;
	return state === 'down' ? 'not running' : state === 'stopped' ? `exited ${exitCode ?? 0}` : state;
}

/** The busy worker by pid (the one a learner follows), the others counted. */
export function shortWorkers(s: LifecycleState): string {
	const live = liveWorkers(s);
	if (live.length === 0) return s.workers.length ? 'all exited' : 'none yet';
	const busy = live.filter(w => w.state === 'busy');
	const parts = busy.length === 1 ? [`${busy[0].pid} busy`] : busy.length ? [`${busy.length} busy`] : [];
	for (const [state, word] of [
		['idle', 'listening'],
		['booting', 'booting'],
		['exiting', 'exiting'],
	] as const) {
		const n = live.filter(w => w.state === state).length;
		if (n) parts.push(`${n} ${word}`);
	}
	return parts.join(', ');
}

/** `urlconf`: a worker's first request went through Django in this row (it imported urls.py). */
export function shortApp(s: LifecycleState, urlconf: boolean): string {
	const active = Object.values(s.requests).find(
		r => r.phase === 'wsgi' || r.phase === 'django' || r.phase === 'returned',
	);
	if (active?.phase === 'django')
		return urlconf ? `urls.py, ${view(active.view ?? '')}` : `${view(active.view ?? '')} runs`;
	if (active?.phase === 'wsgi') return 'called';
	if (active?.phase === 'returned') return `returned ${active.status}`;
	if (s.master.state === 'stopped') return 'gone';
	const inWorkers = liveWorkers(s).filter(w => w.appLoaded).length;
	if (s.master.appLoaded) return 'in master';
	return inWorkers ? `in ${inWorkers} worker${inWorkers === 1 ? '' : 's'}` : 'not loaded';
}

// Words for states and events: what the table, tracker and flow print. Pure.
import {target as requestTarget, whose} from './whose';
import type {LifecycleEvent} from './events';
import {liveWorkers, type LifecycleState, type Request, type Worker} from './machine';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function describeMaster(s: LifecycleState): string {
	const m = s.master;
	switch (m.state) {
		case 'down':
			return 'Not running';
		case 'starting':
			return `Starting (pid ${m.pid})`;
		case 'running':
			return `Running (pid ${m.pid})${m.appLoaded ? ', app loaded' : ''}`;
		case 'reloading':
			return `Reloading on HUP (pid ${m.pid})`;
		case 'stopping':
			return `Shutting down (pid ${m.pid})`;
		case 'stopped':
			return `Stopped, exit ${m.exitCode ?? 0}`;
	}
}

export function describeWorkers(s: LifecycleState): string {
	const live = liveWorkers(s);
	if (live.length === 0) return s.workers.length > 0 ? 'All exited' : 'No workers yet';
	if (live.length > 3) {
		const counts = ['booting', 'idle', 'busy', 'exiting'].map(
			state => [state, live.filter(w => w.state === state).length] as const,
		);
		return counts
			.filter(([, n]) => n > 0)
			.map(([state, n]) => `${n} ${state}`)
			.join(', ');
	}
	return live.map(w => `${w.pid} ${workerLoad(w)}`).join(', ');
}

/** A worker's state in a word or two; a threaded one says how many threads are busy ("busy 3/4"). */
export function workerLoad(w: Worker): string {
	if (w.state === 'idle') return 'listening';
	if (w.threads > 1 && (w.state === 'busy' || (w.state === 'exiting' && w.requests.length)))
		return `${w.state} ${w.requests.length}/${w.threads}`;
	return w.state;
}

/** Where the Django app is and what it does: the structure the table, tracker and words are made from. */
export type AppState =
	| {phase: 'view'; view?: string}
	| {phase: 'called'}
	| {phase: 'returned'; status?: number; reason?: string}
	| {phase: 'gone'}
	| {phase: 'master'; workers: number} // imported in the master (--preload), shared by this many
	| {phase: 'workers'; workers: number} // imported in this many workers, idle
	| {phase: 'none'};

export function appState(s: LifecycleState): AppState {
	const active = Object.values(s.requests).find(
		r => r.phase === 'wsgi' || r.phase === 'django' || r.phase === 'returned',
	);
	if (active?.phase === 'django') return {phase: 'view', view: active.view};
	if (active?.phase === 'wsgi') return {phase: 'called'};
	if (active?.phase === 'returned') return {phase: 'returned', status: active.status, reason: active.reason};
	if (s.master.state === 'stopped') return {phase: 'gone'};
	const workers = liveWorkers(s).filter(w => w.appLoaded).length;
	if (s.master.appLoaded) return {phase: 'master', workers};
	return workers ? {phase: 'workers', workers} : {phase: 'none'};
}

/** The Django WSGI application: where it is imported, and what it is doing. */
export function describeApp(s: LifecycleState): string {
	const app = appState(s);
	switch (app.phase) {
		case 'view':
			return `View ${app.view} running`;
		case 'called':
			return 'Called with environ';
		case 'returned':
			return `Returned ${app.status} ${app.reason}`;
		case 'gone':
			return 'Gone with its processes';
		case 'master':
			return app.workers
				? `Loaded in master, shared by ${plural(app.workers, 'worker')}`
				: 'Loaded in master (--preload)';
		case 'workers':
			return `Loaded in ${plural(app.workers, 'worker')}, idle`;
		case 'none':
			return 'Not loaded';
	}
}

export function describeRequest(r: Request | undefined): string {
	if (!r) return 'None';
	const target = requestTarget(r.method, r.path, r.query);
	switch (r.phase) {
		case 'accepted':
			return (
				`${target} accepted ` +
				`by ${r.pid}${r.thread ? ` thread ${r.thread}` : ''}` +
				`${(r.onConnection ?? 1) > 1 ? ` (keep-alive, request ${r.onConnection} on its connection)` : ''}`
			);
		case 'wsgi':
			return `${target} in the WSGI app`;
		case 'django':
			return `${target} in ${r.view}`;
		case 'returned':
			return `${target} -> ${r.status}, not yet sent`;
		case 'sent':
			return `${target} -> ${r.status}, ${r.bytes} B in ${r.ms} ms${r.keepalive ? ', connection kept open' : ''}`;
		case 'aborted':
			return `${target} lost: worker died`;
	}
}

/** What happened, as a short imperative line (the table's Action column). */
export function describeAction(e: LifecycleEvent): string {
	switch (e.type) {
		case 'master.starting':
			return `Run ${e.command}`;
		case 'socket.bound':
			return `Master binds ${e.address}`;
		case 'app.loaded':
			return e.where === 'master' ? 'Master imports the app (--preload)' : `Worker ${e.pid} imports the app`;
		case 'worker.forked':
			return `Master forks worker ${e.pid}`;
		case 'worker.ready':
			return `Worker ${e.pid} waits for connections`;
		case 'request.accepted':
			return (
				`${requestTarget(e.method, e.path, whose(e.query).name ? e.query : undefined)} ` +
				`${(e.onConnection ?? 1) > 1 ? 'again over keep-alive' : 'accepted'}` +
				` by ${e.pid}${e.thread ? `/t${e.thread}` : ''}`
			);
		case 'wsgi.called':
			return `${e.pid} calls application(environ, ...)`;
		case 'django.dispatched':
			return `Django routes to ${e.view}`;
		case 'response.returned':
			return `App returns ${e.status} ${e.reason}`;
		case 'response.sent':
			return `${e.pid} sends ${e.status}, ${e.keepalive ? 'keeps it open' : 'closes socket'}`;
		case 'worker.timeout':
			return `Worker ${e.pid} silent past timeout`;
		case 'worker.exiting':
			return `Worker ${e.pid} leaves (${e.reason})`;
		case 'worker.exited':
			return `Worker ${e.pid} exited (${e.reason})`;
		case 'workers.changed':
			return `Workers wanted: ${e.from} -> ${e.to}`;
		case 'master.reloading':
			return 'HUP: master reloads';
		case 'master.stopping':
			return e.graceful ? 'TERM: graceful shutdown' : 'INT/QUIT: quick shutdown';
		case 'master.stopped':
			return 'Master exits';
	}
}

const SIGNALS: Record<string, number> = {
	SIGHUP: 1,
	SIGINT: 2,
	SIGQUIT: 3,
	SIGABRT: 6,
	SIGKILL: 9,
	SIGSEGV: 11,
	SIGTERM: 15,
};

/**
 * What a watcher would see for this event (the Output column): Gunicorn 20.1's own log lines
 * (arbiter.py, workers/base.py), or the status line a response puts on the wire. Most steps of
 * a request log nothing: Gunicorn's access log is off by default.
 */
export function gunicornLog(e: LifecycleEvent, s: LifecycleState): string[] {
	switch (e.type) {
		case 'master.starting':
			return ['Starting gunicorn 20.1.0'];
		case 'socket.bound':
			return [`Listening at: http://${e.address} (${s.master.pid})`];
		case 'worker.forked':
			return [`Booting worker with pid: ${e.pid}`];
		case 'response.sent':
			return [`HTTP/1.1 ${e.status} ${s.last?.id === e.id && s.last.reason ? s.last.reason : ''}`.trimEnd()];
		case 'worker.timeout':
			return [`WORKER TIMEOUT (pid:${e.pid})`];
		case 'worker.exiting':
			// A worker at its --max-requests says so before its last request, and "Worker exiting" as it leaves.
			return [
				e.reason === 'max-requests'
					? 'Autorestarting worker after current request.'
					: `Worker exiting (pid: ${e.pid})`,
			];
		case 'worker.exited':
			if (e.reason === 'max-requests') return [`Worker exiting (pid: ${e.pid})`];
			return e.signal
				? [`Worker with pid ${e.pid} was terminated due to signal ${SIGNALS[e.signal] ?? e.signal}`]
				: [];
		case 'workers.changed':
			return [`Handling signal: ${e.to > e.from ? 'ttin' : 'ttou'}`];
		case 'master.reloading':
			return ['Handling signal: hup', 'Hang up: Master'];
		case 'master.stopping':
			return [`Handling signal: ${e.graceful ? 'term' : 'int'}`];
		case 'master.stopped':
			// A boot failure halts the master with a reason (HaltServer, exit 3; 4 when the app fails to load).
			return [
				'Shutting down: Master',
				...(e.code === 3
					? ['Reason: Worker failed to boot.']
					: e.code === 4
						? ['Reason: App failed to load.']
						: []),
			];
		default:
			return []; // app.loaded, worker.ready, request.accepted, wsgi.called, django.dispatched, response.returned
	}
}

/**
 * The log lines an event makes where Gunicorn 20.1 (which our server follows) and 21.0 and
 * later ("21+") word them differently: the live narration says both. Undefined when they agree.
 */
export function versionNote(e: LifecycleEvent): string | undefined {
	if (e.type === 'master.stopped' && e.code !== 0)
		return 'Gunicorn 20.1 logs "Shutting down: Master" and "Reason:" at INFO; 21+ at ERROR.';
	if (e.type !== 'worker.exited') return undefined;
	const signal = e.signal ?? undefined;
	if (signal) {
		const number = SIGNALS[signal] ?? signal;
		const current =
			`Worker (pid:${e.pid}) was ` + `sent ${signal}!${signal === 'SIGKILL' ? ' Perhaps out of memory?' : ''}`;
		return (
			`Gunicorn 20.1 logs "Worker with pid ${e.pid} was terminated due to signal ${number}"; 21+ ` +
			`"${current}".`
		);
	}
	// Without a code (real Gunicorn's hooks cannot see it) the reason tells: handle_abort exits 1, a boot error 3.
	const code = e.code ?? (e.reason === 'timeout' ? 1 : e.reason === 'boot-error' ? 3 : undefined);
	if (code)
		return (
			`Gunicorn 20.1 logs nothing for a worker that exits ${code}; 21+ "Worker (pid:${e.pid}) exited with ` +
			`code ${code}."`
		);
	if (e.reason === 'killed' && e.code === undefined)
		return (
			`After kill -9 Gunicorn 20.1 logs "Worker with pid ${e.pid} was terminated due to signal 9"; 21+ ` +
			`"Worker (pid:${e.pid}) was sent SIGKILL! Perhaps out of memory?".`
		);
	return undefined;
}

// Words for states and events: what the table, tracker and flow print. Pure.
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
		const counts = ['booting', 'idle', 'busy', 'exiting'].map(state => [state, live.filter(w => w.state === state).length] as const);
		return counts.filter(([, n]) => n > 0).map(([state, n]) => `${n} ${state}`).join(', ');
	}
	return live.map(w => `${w.pid} ${workerLoad(w)}`).join(', ');
}

/** A worker's state in a word or two; a threaded one says how many threads are busy ("busy 3/4"). */
export function workerLoad(w: Worker): string {
	if (w.state === 'idle') return 'listening';
	if (w.threads > 1 && (w.state === 'busy' || (w.state === 'exiting' && w.requests.length))) return `${w.state} ${w.requests.length}/${w.threads}`;
	return w.state;
}

/** The Django WSGI application: where it is imported, and what it is doing. */
export function describeApp(s: LifecycleState): string {
	const active = Object.values(s.requests).find(r => r.phase === 'wsgi' || r.phase === 'django' || r.phase === 'returned');
	if (active?.phase === 'django') return `View ${active.view} running`;
	if (active?.phase === 'wsgi') return 'Called with environ';
	if (active?.phase === 'returned') return `Returned ${active.status} ${active.reason}`;
	if (s.master.state === 'stopped') return 'Gone with its processes';
	const inWorkers = liveWorkers(s).filter(w => w.appLoaded).length;
	if (s.master.appLoaded) return inWorkers ? `Loaded in master, shared by ${plural(inWorkers, 'worker')}` : 'Loaded in master (--preload)';
	if (inWorkers) return `Loaded in ${plural(inWorkers, 'worker')}, idle`;
	return 'Not loaded';
}

export function describeRequest(r: Request | undefined): string {
	if (!r) return 'None';
	const target = `${r.method} ${r.path}${r.query ? '?' + r.query : ''}`;
	switch (r.phase) {
		case 'accepted':
			return `${target} accepted by ${r.pid}${r.thread ? ` thread ${r.thread}` : ''}${(r.onConnection ?? 1) > 1 ? ` (keep-alive, request ${r.onConnection} on its connection)` : ''}`;
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
			return `Worker ${e.pid} waits in accept()`;
		case 'request.accepted':
			return `${e.method} ${e.path} ${(e.onConnection ?? 1) > 1 ? 'again over keep-alive' : 'accepted'} by ${e.pid}${e.thread ? `/t${e.thread}` : ''}`;
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

/** What a watcher would see: the log line or bytes this event produces (the Output column). */
export function describeOutput(e: LifecycleEvent): string {
	switch (e.type) {
		case 'master.starting':
			return 'Starting gunicorn';
		case 'socket.bound':
			return `Listening at: http://${e.address}`;
		case 'app.loaded':
			return `${e.app} imported in ${e.pid}`;
		case 'worker.forked':
			return `Booting worker with pid: ${e.pid}`;
		case 'worker.ready':
			return `${e.pid} ready for requests`;
		case 'request.accepted':
			return `${e.method} ${e.path} HTTP/1.1`;
		case 'wsgi.called':
			return `PATH_INFO=${e.environ.PATH_INFO}`;
		case 'django.dispatched':
			return `URL '${e.route}' -> ${e.view}`;
		case 'response.returned':
			return `start_response('${e.status} ${e.reason}')`;
		case 'response.sent':
			return `HTTP/1.1 ${e.status}, ${e.bytes} B`;
		case 'worker.timeout':
			return `WORKER TIMEOUT (pid:${e.pid})`;
		case 'worker.exiting':
			return `Worker exiting (pid: ${e.pid})`;
		case 'worker.exited':
			return e.signal ? `${e.pid} died of ${e.signal}` : `${e.pid} exit code ${e.code ?? 0}`;
		case 'workers.changed':
			return `${e.to} workers`;
		case 'master.reloading':
			return 'Handling signal: hup';
		case 'master.stopping':
			return `Handling signal: ${e.graceful ? 'term' : 'int'}`;
		case 'master.stopped':
			return 'Shutting down: Master';
	}
}

// The one event protocol every source speaks: the scripted lesson, our own pre-fork
// server (`serve --events json`, one JSON object per line) and real Gunicorn's server
// hooks. docs/events.md is the reference; keep the two in step.

/** Why a worker goes away. Gunicorn's arbiter distinguishes all of these. */
export type ExitReason =
	| 'shutdown' // the master is stopping (TERM, INT, QUIT)
	| 'reload' // HUP: replaced by a fresh worker
	| 'removed' // TTOU: one fewer worker wanted
	| 'max-requests' // recycled after serving --max-requests
	| 'timeout' // silent past --timeout: the master killed it
	| 'killed' // killed from outside (kill -9)
	| 'boot-error' // could not import the app
	| 'crashed'; // died of anything else

export type WorkerState = 'booting' | 'idle' | 'busy' | 'exiting' | 'dead';

/** Gunicorn's worker classes that the walkthrough runs: one request at a time, or a pool of threads. */
export type WorkerClass = 'sync' | 'gthread';
export const WORKER_CLASSES: readonly WorkerClass[] = ['sync', 'gthread'];

/** What the WSGI server puts in `environ` for the app; the fields a learner recognises. */
export interface EnvironSummary {
	REQUEST_METHOD: string;
	PATH_INFO: string;
	QUERY_STRING: string;
	SERVER_NAME: string;
	SERVER_PORT: string;
	REMOTE_ADDR?: string;
	REMOTE_PORT?: string;
	'wsgi.url_scheme': 'http' | 'https';
}

export type LifecycleEvent =
	// The command is run: the master (arbiter) process starts. Gunicorn: on_starting.
	// workerClass / threads: Gunicorn's --worker-class and --threads (absent: sync, one thread).
	| {
			type: 'master.starting';
			pid: number;
			command: string;
			workers: number;
			preload: boolean;
			timeout: number;
			workerClass?: WorkerClass;
			threads?: number;
	  }
	// The master binds the listening socket, before any fork, so every worker shares it.
	| {type: 'socket.bound'; address: string}
	// The WSGI application was imported. In the master with --preload, else in each worker after fork.
	// Gunicorn: on_starting (preload: imported in Arbiter.setup) / post_worker_init (per worker).
	| {type: 'app.loaded'; pid: number; where: 'master' | 'worker'; app: string}
	// The master forked a worker. Gunicorn: post_fork (pid of the child).
	| {type: 'worker.forked'; pid: number}
	// The worker entered its accept loop. Gunicorn: post_worker_init, then the sync loop.
	// threads: how many requests it runs at once (a gthread worker's pool); absent: 1.
	| {type: 'worker.ready'; pid: number; threads?: number}
	// A worker accepted a connection and parsed the request. Gunicorn: pre_request.
	// thread: which of the worker's threads runs it (1-based; absent for a sync worker).
	// onConnection: its number on its connection, 2 and up over a kept-alive one (absent: 1).
	| {
			type: 'request.accepted';
			pid: number;
			id: string;
			method: string;
			path: string;
			query?: string;
			client?: string;
			thread?: number;
			onConnection?: number;
	  }
	// The worker built environ and called application(environ, start_response).
	| {type: 'wsgi.called'; pid: number; id: string; environ: EnvironSummary}
	// Django resolved the URL to a view and called it.
	| {type: 'django.dispatched'; pid: number; id: string; route: string; view: string}
	// The app returned: start_response was called with this status, the body is ready.
	| {type: 'response.returned'; pid: number; id: string; status: number; reason: string; bytes: number}
	// The worker wrote the response to the client and closed the connection. Gunicorn: post_request.
	// keepalive: the connection stays open for the client's next request (gthread only).
	| {type: 'response.sent'; pid: number; id: string; status: number; bytes: number; ms: number; keepalive?: boolean}
	// The master saw no heartbeat for longer than --timeout. Gunicorn logs WORKER TIMEOUT.
	| {type: 'worker.timeout'; pid: number}
	// A worker begins to leave (graceful: finishes its request first). Gunicorn: worker_int / worker_abort.
	| {type: 'worker.exiting'; pid: number; reason: ExitReason}
	// The master reaped the worker. Gunicorn: child_exit (and worker_exit in the worker).
	| {type: 'worker.exited'; pid: number; reason: ExitReason; code?: number | null; signal?: string | null}
	// The wanted number of workers changed (TTIN / TTOU). Gunicorn: nworkers_changed.
	| {type: 'workers.changed'; from: number; to: number}
	// HUP: the master reloads config, forks fresh workers and retires the old ones. Gunicorn: on_reload.
	| {type: 'master.reloading'}
	// The master stops: graceful (TERM) waits for in-flight requests, quick (INT, QUIT) does not.
	| {type: 'master.stopping'; graceful: boolean}
	// The master has exited. Gunicorn: on_exit.
	| {type: 'master.stopped'; code: number};

export type EventType = LifecycleEvent['type'];

export const EVENT_TYPES: readonly EventType[] = [
	'master.starting',
	'socket.bound',
	'app.loaded',
	'worker.forked',
	'worker.ready',
	'request.accepted',
	'wsgi.called',
	'django.dispatched',
	'response.returned',
	'response.sent',
	'worker.timeout',
	'worker.exiting',
	'worker.exited',
	'workers.changed',
	'master.reloading',
	'master.stopping',
	'master.stopped',
];

const EXIT_REASONS: readonly ExitReason[] = [
	'shutdown',
	'reload',
	'removed',
	'max-requests',
	'timeout',
	'killed',
	'boot-error',
	'crashed',
];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
const count = (v: unknown) => Number.isInteger(v) && (v as number) >= 1;
const optional = (ok: (v: unknown) => boolean) => (v: unknown) => v === undefined || ok(v);
const str = (v: unknown) => typeof v === 'string';

/** The fields each event must carry, checked when events arrive from outside (JSON lines). */
const REQUIRED: Record<EventType, Record<string, (v: unknown) => boolean>> = {
	'master.starting': {
		pid: num,
		command: str,
		workers: num,
		preload: v => typeof v === 'boolean',
		timeout: num,
		workerClass: optional(v => WORKER_CLASSES.includes(v as WorkerClass)),
		threads: optional(count),
	},
	'socket.bound': {address: str},
	'app.loaded': {pid: num, where: v => v === 'master' || v === 'worker', app: str},
	'worker.forked': {pid: num},
	'worker.ready': {pid: num, threads: optional(count)},
	'request.accepted': {
		pid: num,
		id: str,
		method: str,
		path: str,
		thread: optional(count),
		onConnection: optional(count),
	},
	'wsgi.called': {pid: num, id: str, environ: isObject},
	'django.dispatched': {pid: num, id: str, route: str, view: str},
	'response.returned': {pid: num, id: str, status: num, reason: str, bytes: num},
	'response.sent': {
		pid: num,
		id: str,
		status: num,
		bytes: num,
		ms: num,
		keepalive: optional(v => typeof v === 'boolean'),
	},
	'worker.timeout': {pid: num},
	'worker.exiting': {pid: num, reason: v => EXIT_REASONS.includes(v as ExitReason)},
	'worker.exited': {pid: num, reason: v => EXIT_REASONS.includes(v as ExitReason)},
	'workers.changed': {from: num, to: num},
	'master.reloading': {},
	'master.stopping': {graceful: v => typeof v === 'boolean'},
	'master.stopped': {code: num},
};

/** What is wrong with a value as an event: the field ("type" for an unknown type) and why; undefined when none. */
export function eventProblem(value: unknown): {field?: string; message: string} | undefined {
	if (!isObject(value)) return {message: 'not an object'};
	const type = value.type as EventType;
	const fields = REQUIRED[type];
	if (!fields) return {field: 'type', message: `unknown event type ${JSON.stringify(value.type)}`};
	for (const [field, ok] of Object.entries(fields)) {
		if (!ok(value[field])) return {field, message: `${type}: bad or missing "${field}"`};
	}
	return undefined;
}

/** Parses one line of the wire format; returns the event or a reason it is not one. */
export function parseEvent(line: string): {event: LifecycleEvent} | {error: string} {
	let value: unknown;
	try {
		value = JSON.parse(line);
	} catch {
		return {error: 'not JSON'};
	}
	const problem = eventProblem(value);
	return problem ? {error: problem.message} : {event: value as LifecycleEvent};
}

/** One line of the wire format (no trailing newline). */
export const formatEvent = (event: LifecycleEvent): string => JSON.stringify(event);

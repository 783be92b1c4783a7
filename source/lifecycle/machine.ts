// The lifecycle state machine: a pure reducer over the event protocol. The lesson, our
// server and real Gunicorn all feed it; every panel is a view of its state or history.
import type {EnvironSummary, ExitReason, LifecycleEvent, WorkerClass, WorkerState} from './events';

export type MasterState = 'down' | 'starting' | 'running' | 'reloading' | 'stopping' | 'stopped';

export interface Master {
	pid: number;
	state: MasterState;
	command: string;
	address?: string;
	preload: boolean;
	appLoaded: boolean; // the app imported in the master (--preload)
	wanted: number; // workers the master keeps alive
	timeout: number;
	workerClass: WorkerClass;
	threads: number; // per worker: requests one worker runs at once
	generation: number; // bumped on each reload; workers born before it are old
	exitCode?: number;
}

export interface Worker {
	pid: number;
	state: WorkerState;
	appLoaded: boolean;
	served: number;
	generation: number;
	bornAt?: number;
	threads: number; // requests it can run at once: 1 for a sync worker, its pool for gthread
	requests: string[]; // ids of the requests it is handling, oldest first (one per thread)
	exitReason?: ExitReason;
	timedOut?: boolean;
}

export type RequestPhase = 'accepted' | 'wsgi' | 'django' | 'returned' | 'sent' | 'aborted';

export interface Request {
	id: string;
	pid: number;
	method: string;
	path: string;
	query?: string;
	client?: string;
	thread?: number; // the worker thread running it (gthread)
	onConnection?: number; // 2 and up: it came over a kept-alive connection
	keepalive?: boolean; // sent, and the connection stays open for the next request
	phase: RequestPhase;
	environ?: EnvironSummary;
	route?: string;
	view?: string;
	status?: number;
	reason?: string;
	bytes?: number;
	ms?: number;
}

export interface HistoryEntry {
	seq: number; // 1-based, counts every applied event even when old ones are dropped
	event: LifecycleEvent;
	at?: number; // ms clock of the source, when it has one
}

export interface Rejection {
	event: LifecycleEvent;
	reason: string;
}

export interface LifecycleState {
	master: Master;
	workers: Worker[]; // live ones, then the most recently dead
	requests: Record<string, Request>; // in flight
	last?: Request; // the request most recently touched, kept after it completes
	lastExit?: {pid: number; reason: ExitReason}; // the worker most recently reaped, and why
	served: number;
	history: HistoryEntry[];
	seq: number;
	rejected: Rejection[]; // most recent last, bounded
	/** The state just before history[0]: old entries are folded into it when history is full. */
	base?: LifecycleState;
}

export const HISTORY_LIMIT = 1000;
const DEAD_KEPT = 6;
const REJECTIONS_KEPT = 20;

export const initialState: LifecycleState = {
	master: {
		pid: 0,
		state: 'down',
		command: '',
		preload: false,
		appLoaded: false,
		wanted: 0,
		timeout: 30,
		workerClass: 'sync',
		threads: 1,
		generation: 0,
	},
	workers: [],
	requests: {},
	served: 0,
	history: [],
	seq: 0,
	rejected: [],
};

const alive = (w: Worker) => w.state !== 'dead';
export const liveWorkers = (s: LifecycleState) => s.workers.filter(alive);
const findWorker = (s: LifecycleState, pid: number) => s.workers.find(w => w.pid === pid && alive(w));
const masterUp = (s: LifecycleState) => ['starting', 'running', 'reloading', 'stopping'].includes(s.master.state);

/** Why this event cannot happen now, or undefined when it can. */
const noWorker = (e: LifecycleEvent) => `no live worker with pid ${(e as {pid: number}).pid}`;

/** Why the request an event names is not at one of `phases` on that worker, if it is not. */
function requestNotAt(request: Request | undefined, e: LifecycleEvent, ...phases: RequestPhase[]): string | undefined {
	if (!request) return `no request ${(e as {id: string}).id} in flight`;
	if (request.pid !== (e as {pid: number}).pid) return `request ${request.id} belongs to worker ${request.pid}`;
	if (!phases.includes(request.phase))
		return `request ${request.id} is at "${request.phase}", not ${phases.join(' or ')}`;
	return undefined;
}

// Helpers at module level, not closures made per event: fewer allocations for each of the thousands of
// events a second a live server sends under load (while the bundle kept names, each closure also
// cost a defineProperty, 5% of the TUI's CPU).
export function check(s: LifecycleState, e: LifecycleEvent): string | undefined {
	const worker = 'pid' in e ? findWorker(s, e.pid) : undefined;
	const request = 'id' in e ? s.requests[e.id] : undefined;
	switch (e.type) {
		case 'master.starting':
			return masterUp(s) ? `a master (pid ${s.master.pid}) is already running` : undefined;
		case 'socket.bound':
			if (s.master.state !== 'starting') return 'the socket is bound once, while the master starts';
			return undefined;
		case 'app.loaded':
			if (!masterUp(s)) return 'no master is running';
			if (e.where === 'master') {
				if (e.pid !== s.master.pid) return `pid ${e.pid} is not the master`;
				return s.master.appLoaded ? 'the master has already loaded the app' : undefined;
			}
			if (!worker) return noWorker(e);
			if (worker.state !== 'booting')
				return `worker ${e.pid} is ${worker.state}, the app is imported while booting`;
			return worker.appLoaded ? `worker ${e.pid} has already loaded the app` : undefined;
		case 'worker.forked':
			if (!masterUp(s) || s.master.state === 'stopping') return 'only a running master forks workers';
			if (!s.master.address) return 'the master binds its socket before it forks';
			return findWorker(s, e.pid) ? `worker ${e.pid} already exists` : undefined;
		case 'worker.ready':
			if (!worker) return noWorker(e);
			if (worker.state !== 'booting') return `worker ${e.pid} is ${worker.state}, not booting`;
			return worker.appLoaded ? undefined : `worker ${e.pid} cannot serve before the app is loaded`;
		case 'request.accepted':
			if (!worker) return noWorker(e);
			if (s.requests[e.id]) return `request ${e.id} is already in flight`;
			return canTake(s, worker, e.thread);
		case 'wsgi.called':
			return requestNotAt(request, e, 'accepted');
		case 'django.dispatched':
			return requestNotAt(request, e, 'wsgi');
		case 'response.returned':
			return requestNotAt(request, e, 'wsgi', 'django');
		case 'response.sent':
			return requestNotAt(request, e, 'returned');
		case 'worker.timeout':
		case 'worker.exiting':
		case 'worker.exited':
			return worker ? undefined : noWorker(e);
		case 'workers.changed':
			if (!masterUp(s)) return 'no master is running';
			return e.to < 1 ? 'the master keeps at least one worker' : undefined;
		case 'master.reloading':
			return s.master.state === 'running' || s.master.state === 'reloading'
				? undefined
				: `the master is ${s.master.state}, not running`;
		case 'master.stopping':
			return masterUp(s) ? undefined : 'no master is running';
		case 'master.stopped':
			return masterUp(s) ? undefined : 'no master is running';
	}
}

/** A sync worker takes one request at a time; a gthread worker one per thread, each thread one. */
function canTake(s: LifecycleState, worker: Worker, thread?: number): string | undefined {
	// A gthread worker that is leaving still runs the connections already queued for its pool.
	const serving =
		worker.state === 'idle' ||
		worker.state === 'busy' ||
		(worker.state === 'exiting' && s.master.workerClass === 'gthread');
	if (!serving) return `worker ${worker.pid} is ${worker.state}; a sync worker takes one request at a time`;
	if (worker.threads === 1)
		return worker.requests.length
			? `worker ${worker.pid} is busy; a sync worker takes one request at a time`
			: undefined;
	if (worker.requests.length >= worker.threads) return `worker ${worker.pid} has all ${worker.threads} threads busy`;
	if (thread === undefined) return undefined;
	if (thread > worker.threads) return `worker ${worker.pid} has no thread ${thread} (it runs ${worker.threads})`;
	const holder = worker.requests.find(id => s.requests[id]?.thread === thread);
	return holder ? `thread ${thread} of worker ${worker.pid} is running ${holder}` : undefined;
}

/** The requests a dying worker held: their connections die with it, the clients get no response. */
function lose(s: LifecycleState, worker: Worker): Pick<LifecycleState, 'requests' | 'last'> {
	let {requests, last} = s;
	for (const id of worker.requests) {
		const lost = requests[id];
		if (!lost) continue;
		requests = requestsWith(requests, id);
		last = {...lost, phase: 'aborted'};
	}
	return {requests, last};
}

const patchWorker = (s: LifecycleState, pid: number, patch: Partial<Worker>): Worker[] =>
	s.workers.map(w => (w.pid === pid && alive(w) ? {...w, ...patch} : w));

/**
 * The requests in flight, changed: copied into a dictionary object by hand. They are few (one
 * per worker) but every id is new, and an object literal keyed by ids ({...r, [id]: x}) makes
 * V8 build a new hidden class per id: under load that was most of the time spent per event.
 */
function requestsWith(requests: Record<string, Request>, id: string, request?: Request): Record<string, Request> {
	const next: Record<string, Request> = Object.create(null);
	for (const key in requests) if (key !== id) next[key] = requests[key];
	if (request) next[id] = request;
	return next;
}

const patchRequest = (s: LifecycleState, id: string, patch: Partial<Request>) => {
	const request = {...s.requests[id], ...patch};
	return {requests: requestsWith(s.requests, id, request), last: request};
};

/** The master is back to "running" once no worker of an older generation is alive. */
const settle = (s: LifecycleState): LifecycleState =>
	s.master.state === 'reloading' && !liveWorkers(s).some(w => w.generation < s.master.generation)
		? {...s, master: {...s.master, state: 'running'}}
		: s;

/** Dead workers stay visible for a while (the learner sees who died and why), then go. */
const pruneDead = (workers: Worker[]) => {
	const dead = workers.filter(w => !alive(w));
	const drop = new Set(dead.slice(0, Math.max(0, dead.length - DEAD_KEPT)));
	return workers.filter(w => !drop.has(w));
};

/** The state change itself, for an event already checked. */
export function transition(s: LifecycleState, e: LifecycleEvent, at?: number): LifecycleState {
	switch (e.type) {
		case 'master.starting':
			return {
				...s,
				master: {
					...initialState.master,
					pid: e.pid,
					state: 'starting',
					command: e.command,
					preload: e.preload,
					wanted: e.workers,
					timeout: e.timeout,
					workerClass: e.workerClass ?? 'sync',
					threads: e.threads ?? 1,
				},
				workers: [],
				requests: {},
				last: undefined,
			};
		case 'socket.bound':
			return {...s, master: {...s.master, address: e.address, state: 'running'}};
		case 'app.loaded':
			return e.where === 'master'
				? {...s, master: {...s.master, appLoaded: true}}
				: {...s, workers: patchWorker(s, e.pid, {appLoaded: true})};
		case 'worker.forked': {
			// A fork copies the master's memory: with --preload the app comes along already imported.
			const worker: Worker = {
				pid: e.pid,
				state: 'booting',
				appLoaded: s.master.appLoaded,
				served: 0,
				generation: s.master.generation,
				bornAt: at,
				threads: s.master.threads,
				requests: [],
			};
			const live = s.workers.filter(alive);
			return {...s, workers: [...live, worker, ...s.workers.filter(w => !alive(w))]};
		}
		case 'worker.ready':
			return {...s, workers: patchWorker(s, e.pid, {state: 'idle', ...(e.threads ? {threads: e.threads} : {})})};
		case 'request.accepted': {
			const request: Request = {
				id: e.id,
				pid: e.pid,
				method: e.method,
				path: e.path,
				query: e.query,
				client: e.client,
				thread: e.thread,
				onConnection: e.onConnection,
				phase: 'accepted',
			};
			const worker = findWorker(s, e.pid)!;
			return {
				...s,
				workers: patchWorker(s, e.pid, {state: 'busy', requests: [...worker.requests, e.id]}),
				requests: requestsWith(s.requests, e.id, request),
				last: request,
			};
		}
		case 'wsgi.called':
			return {...s, ...patchRequest(s, e.id, {phase: 'wsgi', environ: e.environ})};
		case 'django.dispatched':
			return {...s, ...patchRequest(s, e.id, {phase: 'django', route: e.route, view: e.view})};
		case 'response.returned':
			return {
				...s,
				...patchRequest(s, e.id, {phase: 'returned', status: e.status, reason: e.reason, bytes: e.bytes}),
			};
		case 'response.sent': {
			const done = s.requests[e.id];
			const requests = requestsWith(s.requests, e.id);
			const worker = findWorker(s, e.pid)!;
			const left = worker.requests.filter(id => id !== e.id);
			const state = worker.state === 'exiting' ? 'exiting' : left.length ? 'busy' : 'idle';
			return {
				...s,
				requests,
				last: {...done, phase: 'sent', status: e.status, bytes: e.bytes, ms: e.ms, keepalive: e.keepalive},
				served: s.served + 1,
				workers: patchWorker(s, e.pid, {state, requests: left, served: worker.served + 1}),
			};
		}
		case 'worker.timeout':
			return {...s, workers: patchWorker(s, e.pid, {timedOut: true})};
		case 'worker.exiting':
			return {...s, workers: patchWorker(s, e.pid, {state: 'exiting', exitReason: e.reason})};
		case 'worker.exited': {
			const {requests, last} = lose(s, findWorker(s, e.pid)!);
			const workers = pruneDead(patchWorker(s, e.pid, {state: 'dead', requests: [], exitReason: e.reason}));
			return settle({...s, requests, last, workers, lastExit: {pid: e.pid, reason: e.reason}});
		}
		case 'workers.changed':
			return {...s, master: {...s.master, wanted: e.to}};
		case 'master.reloading':
			return {...s, master: {...s.master, state: 'reloading', generation: s.master.generation + 1}};
		case 'master.stopping':
			return {...s, master: {...s.master, state: 'stopping'}};
		case 'master.stopped': {
			const live = liveWorkers(s);
			const gone = live[live.length - 1];
			return {
				...s,
				...(gone ? {lastExit: {pid: gone.pid, reason: gone.exitReason ?? 'shutdown'}} : {}),
				master: {...s.master, state: 'stopped', appLoaded: false, exitCode: e.code},
				workers: pruneDead(
					s.workers.map(w =>
						alive(w)
							? {...w, state: 'dead' as const, requests: [], exitReason: w.exitReason ?? 'shutdown'}
							: w,
					),
				),
				requests: {},
			};
		}
	}
}

/** Applies one event. An event that cannot happen now leaves the state as it was and is recorded with its reason. */
export function reduce(s: LifecycleState, event: LifecycleEvent, at?: number): LifecycleState {
	const reason = check(s, event);
	if (reason) return {...s, rejected: [...s.rejected.slice(1 - REJECTIONS_KEPT), {event, reason}]};
	const next = transition(s, event, at);
	const seq = s.seq + 1;
	let {base} = s;
	let history = s.history;
	if (history.length >= HISTORY_LIMIT) {
		const [oldest] = history;
		base = transition(base ?? initialState, oldest.event, oldest.at);
		history = history.slice(1);
	}
	return {...next, seq, history: [...history, {seq, event, at}], base};
}

/**
 * The state each history entry produced (its history and base left out). An entry never changes
 * and always follows the same entries, so neither does that state: views look it up instead of
 * replaying the history (thousands of events) on every frame. Replays fill in what is missing.
 */
// Kept on the entry itself (a hidden property, not a WeakMap): it dies with the entry in the
// young generation, where a WeakMap's thousands of entries a second waited for a full collection.
const AFTER = Symbol('state after');
type Remembered = HistoryEntry & {[AFTER]?: LifecycleState};
export const stateAfter = (entry: HistoryEntry) => (entry as Remembered)[AFTER];
export const rememberState = (entry: HistoryEntry, state: LifecycleState) =>
	void Object.defineProperty(entry, AFTER, {value: state});
const NO_HISTORY: HistoryEntry[] = [];

/** An event to fold, when it arrived, and (optionally) whether it still applies to the state reached. */
export type Arrival = readonly [event: LifecycleEvent, at?: number, applies?: (s: LifecycleState) => boolean];

/**
 * Folds many events at once (replays, bursts of a live server): the same state as `reduce` one
 * by one, but the history is copied once, not once per event (thousands of events a second
 * under load would otherwise copy HISTORY_LIMIT entries each, and keep the collector busy).
 */
export function reduceArrivals(s: LifecycleState, arrivals: readonly Arrival[]): LifecycleState {
	const added: HistoryEntry[] = [];
	let state = s;
	for (const [event, at, applies] of arrivals) {
		if (applies && !applies(state)) continue;
		const reason = check(state, event);
		if (reason) {
			state = {...state, rejected: [...state.rejected.slice(1 - REJECTIONS_KEPT), {event, reason}]};
			continue;
		}
		state = {...transition(state, event, at), seq: state.seq + 1};
		const entry = {seq: state.seq, event, at};
		rememberState(entry, {...state, history: NO_HISTORY, base: undefined});
		added.push(entry);
	}
	if (!added.length) return state;
	const all = s.history.concat(added);
	const drop = Math.max(0, all.length - HISTORY_LIMIT);
	let {base} = s;
	for (let i = 0; i < drop; i++) base = transition(base ?? initialState, all[i].event, all[i].at);
	return {...state, history: drop ? all.slice(drop) : all, base};
}

export const reduceAll = (s: LifecycleState, events: readonly LifecycleEvent[], at?: number) =>
	reduceArrivals(
		s,
		events.map(e => [e, at] as const),
	);

// Views derived from the machine's history: the execution table, the variable tracker and
// the flow's lit node. Nothing here is typed in by hand next to the machine.
import type {LifecycleEvent} from './events';
import type {TrackedVariable} from '../lesson/types';
import {
	appState,
	describeAction,
	describeApp,
	describeMaster,
	describeRequest,
	describeWorkers,
	gunicornLog,
} from './describe';
import {REASON, shortAction, shortApp, shortMaster, shortWorkers} from './short';
import {
	initialState,
	liveWorkers,
	rememberState,
	stateAfter,
	transition,
	type HistoryEntry,
	type LifecycleState,
} from './machine';

/** The parts of the flow diagram: the request path, the way back, and the master apart. */
export type FlowNode = 'client' | 'socket' | 'worker' | 'django' | 'response' | 'master';
export const FLOW_NODES: readonly FlowNode[] = ['client', 'socket', 'worker', 'django', 'response', 'master'];

/** The flow diagram's part an event happens at. */
export function nodeOf(e: LifecycleEvent): FlowNode {
	switch (e.type) {
		case 'socket.bound':
			return 'socket';
		case 'request.accepted': // the worker's accept() takes the connection off the socket's queue
		case 'worker.ready':
		case 'worker.exiting':
		case 'response.returned': // the response is back in the worker, not sent yet
			return 'worker';
		case 'app.loaded':
			return e.where === 'master' ? 'master' : 'django';
		case 'wsgi.called':
		case 'django.dispatched':
			return 'django';
		case 'response.sent':
			return 'response';
		default:
			return 'master';
	}
}

/** Replays the kept history from its base, calling visit after each entry with the state it produced. */
export function replay(s: LifecycleState, visit: (state: LifecycleState, entry: HistoryEntry) => void): LifecycleState {
	let state: LifecycleState = {...(s.base ?? initialState), history: [], base: undefined};
	for (const entry of s.history) {
		// Entries in history were accepted once already: apply them without checks or bookkeeping.
		let next = stateAfter(entry); // kept by the reducer, or by an earlier replay
		if (!next) rememberState(entry, (next = transition(state, entry.event, entry.at)));
		state = next;
		visit(state, entry);
	}
	return state;
}

/** A row of the uncut table, kept on the entry it describes (as its state, it never changes). */
const ROW = Symbol('table row');
type WithRow = HistoryEntry & {[ROW]?: Omit<TableRow, 'n'>};

export interface TableRow {
	n: number;
	action: string;
	gunicorn: string;
	worker: string;
	django: string;
	output: string; // Gunicorn's log lines and the response's status line, '' when nothing shows
	/** The same cells in few words, for the narrow layout. */
	short: {action: string; gunicorn: string; worker: string; django: string};
}

/** A row's Action for a group of events: the first one, and how many forks when it forks several. */
function groupAction(events: LifecycleEvent[]): string {
	const forks = events.filter(e => e.type === 'worker.forked');
	const [first] = events;
	// A row that starts with its forks is named by them; one started by a command or a signal, by it.
	if (forks.length > 1 && first.type === 'worker.forked') return `Master forks ${forks.length} workers`;
	const sent = events.find(e => e.type === 'response.sent');
	if (first.type === 'request.accepted' && sent) return `${first.method} ${first.path} served by ${first.pid}`;
	return describeAction(first);
}

/**
 * The Django cell: what describeApp says, and where urls.py has been imported. Django's URL
 * resolver imports it on each worker's first request, not at boot and not with --preload.
 */
function appCell(state: LifecycleState, urlconf: ReadonlySet<number>, firstHere: number | undefined): string {
	const app = describeApp(state);
	const {phase} = appState(state);
	if (phase === 'view' && firstHere !== undefined)
		return `${app}; urls.py imported now (${firstHere}'s first request)`;
	const loaded = liveWorkers(state).filter(w => w.appLoaded);
	if ((phase !== 'master' && phase !== 'workers') || loaded.length === 0) return app;
	const have = loaded.filter(w => urlconf.has(w.pid) || w.served > 0).map(w => w.pid);
	const where =
		have.length === 0
			? 'not yet'
			: have.length === loaded.length && have.length > 2
				? 'in all'
				: `in ${have.join(', ')}`;
	return `${app}; urls.py ${where}`;
}

/**
 * The execution table: one row per group of events. `cuts` are the history seq numbers that
 * close each group (the lesson's steps); without cuts every event is its own row.
 */
export function executionTable(s: LifecycleState, cuts?: readonly number[]): TableRow[] {
	const rows: TableRow[] = [];
	let group: LifecycleEvent[] = [];
	let log: string[] = [];
	let firstHere: number | undefined;
	const urlconf = new Set<number>();
	const closes = cuts ? new Set(cuts) : undefined;
	let before = s.base ?? initialState;
	replay(s, (state, entry) => {
		const e = entry.event;
		group.push(e);
		log.push(...gunicornLog(e, state));
		if (e.type === 'django.dispatched' && !urlconf.has(e.pid)) {
			if (!before.workers.some(w => w.pid === e.pid && w.served > 0)) firstHere = e.pid;
			urlconf.add(e.pid);
		}
		before = state;
		if (closes && !closes.has(entry.seq)) return;
		// The uncut table's row is kept on its entry: it depends only on the history up to it.
		let row = closes ? undefined : (entry as WithRow)[ROW];
		if (!row) {
			row = {
				action: groupAction(group),
				gunicorn: describeMaster(state),
				worker: describeWorkers(state),
				django: appCell(state, urlconf, firstHere),
				output: log.join(' · '),
				short: {
					action: shortAction(group),
					gunicorn: shortMaster(state),
					worker: shortWorkers(state),
					django: shortApp(state, firstHere !== undefined),
				},
			};
			if (!closes) Object.defineProperty(entry, ROW, {value: row});
		}
		rows.push({n: rows.length + 1, ...row});
		group = [];
		log = [];
		firstHere = undefined;
	});
	return rows;
}

export interface TrackerColumn {
	label: string;
	seq: number; // state after this many events; 0 = before any
}

export interface TrackerRow {
	variable: string;
	values: string[];
}

const APP_WORDS = {
	view: 'in view',
	called: 'called',
	returned: 'returned',
	master: 'in master',
	workers: 'loaded',
	gone: 'gone',
	none: 'not loaded',
} as const;

/** The worker most recently reaped, and why, in a word. */
const lastExit = (s: LifecycleState) => (s.lastExit ? `${s.lastExit.pid} ${REASON[s.lastExit.reason]}` : 'none');

/** Short cell values, by variable: the tracker shows several columns side by side. */
const TRACKED: Record<TrackedVariable, (s: LifecycleState) => string> = {
	Master: s =>
		s.master.state === 'down'
			? 'not running'
			: s.master.state === 'stopped'
				? 'stopped'
				: `${s.master.state}${s.master.appLoaded ? ', app' : ''}`,
	Workers: s => {
		const live = liveWorkers(s);
		if (live.length === 0) return s.workers.length ? 'terminated' : 'none';
		const busy = live.filter(w => w.state === 'busy').length;
		const booting = live.filter(w => w.state === 'booting').length;
		const threads = live.reduce((n, w) => n + w.threads, 0);
		if (busy && threads > live.length)
			return `${live.reduce((n, w) => n + w.requests.length, 0)}/${threads} thr busy`;
		return busy ? `${busy} busy/${live.length}` : booting ? `${booting} booting` : `${live.length} listening`;
	},
	Pids: s =>
		liveWorkers(s)
			.map(w => w.pid)
			.join(' ') || 'none',
	Wanted: s => (s.master.state === 'down' ? '-' : String(s.master.wanted)),
	'Django app': s => APP_WORDS[appState(s).phase],
	Request: s => {
		const r = s.last;
		if (!r) return 'none';
		const where = {
			accepted: 'accepted',
			wsgi: 'in app',
			django: 'in view',
			returned: 'ready',
			sent: 'sent',
			aborted: 'lost',
		}[r.phase];
		return r.phase === 'returned' || r.phase === 'sent' ? `${r.status} ${where}` : `${r.method} ${r.path} ${where}`;
	},
	Served: s => String(s.served),
	'Last exit': lastExit,
};

export const TRACKED_VARIABLES = Object.keys(TRACKED) as TrackedVariable[];
export const DEFAULT_TRACKED: readonly TrackedVariable[] = ['Master', 'Workers', 'Django app', 'Request', 'Served'];

export function variableTracker(
	s: LifecycleState,
	columns: readonly TrackerColumn[],
	variables: readonly TrackedVariable[] = DEFAULT_TRACKED,
): TrackerRow[] {
	const states = new Map<number, LifecycleState>([[0, initialState]]);
	const wanted = new Set(columns.map(c => c.seq));
	replay(s, (state, entry) => {
		if (wanted.has(entry.seq)) states.set(entry.seq, state);
	});
	return variables.map(variable => ({
		variable,
		values: columns.map(c => {
			const state = states.get(c.seq);
			return state ? TRACKED[variable](state) : '';
		}),
	}));
}

/** One line per current fact, for the flow panel's caption. */
export const currentFacts = (s: LifecycleState) => ({
	master: describeMaster(s),
	workers: describeWorkers(s),
	app: describeApp(s),
	request: describeRequest(s.last),
});

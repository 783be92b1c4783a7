// Views derived from the machine's history: the execution table, the variable tracker and
// the flow's lit node. Nothing here is typed in by hand next to the machine.
import type {LifecycleEvent} from './events';
import {describeAction, describeApp, describeMaster, describeOutput, describeRequest, describeWorkers} from './describe';
import {initialState, liveWorkers, transition, type HistoryEntry, type LifecycleState} from './machine';

export type FlowNode = 'client' | 'master' | 'worker' | 'wsgi' | 'django' | 'response';
export const FLOW_NODES: readonly FlowNode[] = ['client', 'master', 'worker', 'wsgi', 'django', 'response'];

/** The flow diagram's node an event happens at. */
export function nodeOf(e: LifecycleEvent): FlowNode {
	switch (e.type) {
		case 'request.accepted':
			return 'client';
		case 'worker.ready':
		case 'worker.exiting':
			return 'worker';
		case 'app.loaded':
			return e.where === 'master' ? 'master' : 'wsgi';
		case 'wsgi.called':
			return 'wsgi';
		case 'django.dispatched':
			return 'django';
		case 'response.returned':
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
		state = transition(state, entry.event, entry.at);
		visit(state, entry);
	}
	return state;
}

export interface TableRow {
	n: number;
	action: string;
	gunicorn: string;
	worker: string;
	django: string;
	output: string;
}

/** A row's Action for a group of events: the first one, and how many forks when it forks several. */
function groupAction(events: LifecycleEvent[]): string {
	const forks = events.filter(e => e.type === 'worker.forked');
	if (forks.length > 1) return `Master forks ${forks.length} workers`;
	const [first] = events;
	const sent = events.find(e => e.type === 'response.sent');
	if (first.type === 'request.accepted' && sent) return `${first.method} ${first.path} served by ${first.pid}`;
	return describeAction(first);
}

/**
 * The execution table: one row per group of events. `cuts` are the history seq numbers that
 * close each group (the lesson's steps); without cuts every event is its own row.
 */
export function executionTable(s: LifecycleState, cuts?: readonly number[]): TableRow[] {
	const rows: TableRow[] = [];
	let group: LifecycleEvent[] = [];
	const closes = cuts ? new Set(cuts) : undefined;
	replay(s, (state, entry) => {
		group.push(entry.event);
		if (closes && !closes.has(entry.seq)) return;
		rows.push({
			n: rows.length + 1,
			action: groupAction(group),
			gunicorn: describeMaster(state),
			worker: describeWorkers(state),
			django: describeApp(state),
			output: describeOutput(entry.event),
		});
		group = [];
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

/** Short cell values: the tracker shows several columns side by side. */
const TRACKED: Array<[string, (s: LifecycleState) => string]> = [
	['Master', s => (s.master.state === 'down' ? 'not running' : s.master.state === 'stopped' ? 'stopped' : `${s.master.state}${s.master.appLoaded ? ', app' : ''}`)],
	['Workers', s => {
		const live = liveWorkers(s);
		if (live.length === 0) return s.workers.length ? 'terminated' : 'none';
		const busy = live.filter(w => w.state === 'busy').length;
		const booting = live.filter(w => w.state === 'booting').length;
		const threads = live.reduce((n, w) => n + w.threads, 0);
		if (busy && threads > live.length) return `${live.reduce((n, w) => n + w.requests.length, 0)}/${threads} thr busy`;
		return busy ? `${busy} busy/${live.length}` : booting ? `${booting} booting` : `${live.length} listening`;
	}],
	['Django app', s => {
		const app = describeApp(s);
		return app.startsWith('View') ? 'in view' : app.startsWith('Called') ? 'called' : app.startsWith('Returned') ? 'returned' : app.startsWith('Loaded in master') ? 'in master' : app.startsWith('Loaded') ? 'loaded' : app.startsWith('Gone') ? 'gone' : 'not loaded';
	}],
	['Request', s => {
		const r = s.last;
		if (!r) return 'none';
		const where = {accepted: 'accepted', wsgi: 'in app', django: 'in view', returned: 'ready', sent: 'sent', aborted: 'lost'}[r.phase];
		return r.phase === 'returned' || r.phase === 'sent' ? `${r.status} ${where}` : `${r.method} ${r.path} ${where}`;
	}],
	['Served', s => String(s.served)],
];

export function variableTracker(s: LifecycleState, columns: readonly TrackerColumn[]): TrackerRow[] {
	const states = new Map<number, LifecycleState>([[0, initialState]]);
	const wanted = new Set(columns.map(c => c.seq));
	replay(s, (state, entry) => {
		if (wanted.has(entry.seq)) states.set(entry.seq, state);
	});
	return TRACKED.map(([variable, cell]) => ({
		variable,
		values: columns.map(c => {
			const state = states.get(c.seq);
			return state ? cell(state) : '';
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

/** The lesson step (1-9) an event belongs to: what the narration explains when watching live. */
export function lessonStepOf(e: LifecycleEvent): number {
	switch (e.type) {
		case 'master.starting':
			return 1;
		case 'socket.bound':
			return 2;
		case 'app.loaded':
			return e.where === 'master' ? 1 : 3; // --preload imports while the master sets up
		case 'worker.forked':
		case 'worker.ready':
			return 3;
		case 'request.accepted':
			return 4;
		case 'wsgi.called':
		case 'django.dispatched':
			return 5;
		case 'response.returned':
			return 6;
		case 'response.sent':
			return 7;
		case 'master.stopping':
		case 'master.stopped':
			return 9;
		default:
			return 8; // supervision: timeouts, exits, TTIN/TTOU, reloads
	}
}

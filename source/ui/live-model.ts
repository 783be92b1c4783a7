// The attached server as part of the update loop's model: its events folded by the lifecycle
// machine, its log lines, and what its commands said. Pure: the I/O (signals, requests, a stop or
// start) is run by use-live.ts, whose outcomes come back here as messages.
import {initialState, reduceArrivals, type Arrival, type LifecycleState} from '../lifecycle/machine';
import type {BurstResult, MemoryReading, RequestResult, SlowClientResult} from '../live/source';
import type {LiveCommand} from './model';

export const LOG_LINES = 200; // the log lines kept: the Live panel shows the newest that fit

export interface LiveModel {
	state: LifecycleState;
	logs: string[];
	/** What the last command (or the server's exit) said. */
	status?: string;
	running: boolean;
	/**
	 * A stop or start under way, from x until its outcome: x again meanwhile would act on a server half
	 * gone. Its direction is kept because `running` turns false as the processes go, before the stop is done.
	 */
	switching?: 'stopping' | 'starting';
	/** How the server is started again when it is down (the workshop's: only the instructor can). */
	restart?: string;
	/** Their own project: no /slow view to send s to. */
	project?: boolean;
}

export const initialLive = (facts: Partial<LiveModel> & {running: boolean}): LiveModel => ({
	state: initialState,
	logs: [],
	...facts,
});

/** What a live command's runner reports: at once (sent, refused) and, for the slow ones, when done. */
export type CommandOutcome =
	| {kind: 'refused'; text: string}
	| {kind: 'stopped'} // the server is down: only x (toggle) acts
	| {kind: 'sent'; path?: string; stopping?: boolean} // begun: a signal sent, requests on their way
	| {kind: 'answered'; path: string; result: RequestResult}
	| {kind: 'burst'; result: BurstResult}
	| {kind: 'timed'; results: RequestResult[]}
	| {kind: 'slow-client'; result: SlowClientResult}
	| {kind: 'switched'; running: boolean; address?: string} // the stop or the start is done
	| {kind: 'failed'; error: string} // the start failed
	| {kind: 'edited'; text: string}
	| {kind: 'memory'; readings: MemoryReading[]};

export type LiveMsg =
	/** Events as they arrived, batched by use-live.ts. */
	| {type: 'live-events'; events: readonly Arrival[]}
	/** A workshop's shared server: the room's fold, read (never folded again here). */
	| {type: 'live-state'; state: LifecycleState}
	| {type: 'log'; lines: readonly string[]}
	| {type: 'live-running'; running: boolean}
	| {type: 'live-exit'; code: number | null; signal: string | null}
	| {type: 'command-result'; command: LiveCommand; outcome: CommandOutcome};

const secs = (ms: number) => (ms / 1000).toFixed(1);

/** The sentence a command's outcome puts on the Live panel. */
function said(m: LiveModel, command: LiveCommand, o: CommandOutcome): string {
	switch (o.kind) {
		case 'refused':
			return o.text;
		case 'stopped':
			return `the server is stopped: ${m.restart ?? 'x starts it'}`;
		case 'sent':
			return sent(m, command, o);
		case 'answered':
			if (command === 'slow')
				return o.result.status
					? `GET ${o.path} -> ${o.result.status} after ${secs(o.result.ms)} s`
					: `GET ${o.path}: no response after ${secs(o.result.ms)} s (${o.result.error})`;
			return o.result.status
				? `GET ${o.path} -> ${o.result.status} in ${Math.round(o.result.ms)} ms`
				: `GET ${o.path} failed: ${o.result.error}`;
		case 'burst': {
			const r = o.result;
			return `burst: ${r.sent} sent, ${r.ok} ok, ${r.failed} failed in ${secs(r.ms)} s`;
		}
		case 'timed':
			return `six at once: answered after ${o.results.map(r => secs(r.ms)).join(', ')} s`;
		case 'slow-client': {
			const r = o.result;
			const how = r.ended === 'answered' ? `answered${r.status ? ` ${r.status}` : ''}` : r.ended;
			return `slow client: ${how} after ${secs(r.ms)} s, ${r.sent} bytes sent`;
		}
		case 'switched':
			return o.running ? `server started on ${o.address}` : 'server stopped; x starts it again';
		case 'failed':
			return `could not start: ${o.error}`;
		case 'edited':
			return `the app's text is now "${o.text}" in its working copy: HUP to serve it`;
		case 'memory': {
			const mb = (kb: number) => Math.round(kb / 1024);
			const each = o.readings.map(r => `${r.role} ${r.pid} RSS ${mb(r.rss)} PSS ${mb(r.pss)} MB`);
			return each.length ? each.join('; ') : 'no memory readings (no /proc here?)';
		}
	}
}

/** What a command says the moment it is under way. */
function sent(m: LiveModel, command: LiveCommand, o: Extract<CommandOutcome, {kind: 'sent'}>): string {
	const timeout = m.state.master.timeout;
	const texts: Record<LiveCommand, () => string> = {
		request: () => `GET ${o.path} …`,
		burst: () => `burst of 200 requests to ${o.path ?? '/'} …`,
		slow: () => `GET ${o.path}: the worker will be silent past the ${timeout}s timeout …`,
		kill: () => 'SIGKILL sent to a worker: watch the master replace it',
		add: () => 'TTIN sent: one more worker',
		remove: () => 'TTOU sent: one fewer worker (never below 1)',
		reload: () =>
			'HUP sent: fresh workers, then the old ones ' +
			`retire${m.state.master.preload ? ' (--preload: the app code is NOT reloaded)' : ''}`,
		toggle: () => (o.stopping ? 'stopping: TERM to the server …' : 'starting the server …'),
		interrupt: () => 'INT sent: a quick shutdown, the workers stop at once',
		timed: () => 'six GET /slow?s=1 at once …',
		'slow-client': () => 'a slow client: its headers go one byte every 250 ms …',
		// Said when done (at once): edited, memory.
		'edit-app': () => 'editing the app …',
		memory: () => 'reading the memory …',
	};
	return texts[command]();
}

/** A command's outcome folded into the model: its sentence, and for x whether the server runs now. */
function outcome(m: LiveModel, command: LiveCommand, o: CommandOutcome): LiveModel {
	const status = said(m, command, o);
	if (command !== 'toggle' || o.kind === 'sent') return {...m, status};
	// x is under way from its key (liveCommand) until it is done, failed or refused.
	return {...m, status, switching: undefined, ...(o.kind === 'switched' ? {running: o.running} : {})};
}

/** Folds one message from the server (or about its commands) into the model. Never throws. */
export function liveStep(m: LiveModel, msg: LiveMsg): LiveModel {
	switch (msg.type) {
		case 'live-events': {
			const state = reduceArrivals(m.state, msg.events);
			if (state === m.state) return m;
			// A server started again (a lab's reset, the room's restart): its exit is old news.
			const booted = !m.running && msg.events.some(([e]) => e.type === 'master.starting');
			return booted ? {...m, state, running: true, status: undefined} : {...m, state};
		}
		case 'live-state':
			return msg.state === m.state ? m : {...m, state: msg.state};
		case 'log':
			return msg.lines.length ? {...m, logs: m.logs.concat(msg.lines.slice(-LOG_LINES)).slice(-LOG_LINES)} : m;
		case 'live-running':
			return msg.running === m.running ? m : {...m, running: msg.running};
		case 'live-exit':
			return {
				...m,
				running: false,
				status: `server exited (${msg.signal ?? `code ${msg.code}`}); ${m.restart ?? 'x starts it again'}`,
			};
		case 'command-result':
			return outcome(m, msg.command, msg.outcome);
	}
}

/**
 * A live key, before anything runs: x while a stop or start is under way, and s on their own project
 * (no /slow view), only say why not; else the command goes to the runner, with the path it asks for.
 */
export function liveCommand(
	m: LiveModel,
	command: LiveCommand,
	path?: string,
): {live: LiveModel; path?: string; run: boolean} {
	if (command === 'toggle' && m.switching) return {live: {...m, status: `still ${m.switching} …`}, run: false};
	if (command === 'slow' && m.project)
		return {
			live: {
				...m,
				status: "s needs the demo's /slow view: r a slow page of yours, past --timeout, shows the same",
			},
			run: false,
		};
	if (command === 'toggle') return {live: {...m, switching: m.running ? 'stopping' : 'starting'}, run: true};
	return {live: m, path: command === 'slow' ? `/slow?s=${m.state.master.timeout + 5}` : path, run: true};
}

// One server for the room (`workshop --live` / `--gunicorn`): the instructor's process runs one
// LiveSource, and every session reads it through a view of its own. A view replays what the
// server did before the session joined (so a late joiner's panels are whole), tags the
// attendee's requests with their name, and holds the room's rules: bursts and slow requests
// are rate-limited per attendee, faults are the instructor's unless --room-controls.
import process from 'node:process';
import type {ServerOptions} from '../cli/args';
import type {LifecycleEvent} from '../lifecycle/events';
import {TAG, whose} from '../lifecycle/whose';
import {initialState, reduceArrivals, type Arrival, type LifecycleState} from '../lifecycle/machine';
import type {LiveCommand} from '../ui/model';
import {burst} from '../live/probes';
import type {LiveSource, RequestResult} from '../live/source';

export const BURST_EVERY_S = 30;
export const SLOW_EVERY_S = 60;
/** Events kept for late joiners since the server last started; past this, the oldest requests' events go. */
const REPLAY_MAX = 3000;
const LOGS_KEPT = 200;
const REQUEST_EVENTS = new Set(['request.accepted', 'wsgi.called', 'django.dispatched', 'response.returned']);
const FAULTS = new Set<LiveCommand>([
	'kill',
	'add',
	'remove',
	'reload',
	'toggle',
	'interrupt',
	'slow-client',
	'edit-app',
]);

const FAULTS_REFUSED = `faults (k + - g x i l t) are the instructor's here; r b s a u are yours`;

/** `/path?by=alice`: the attendee's name as the server will report it. */
export function tagged(path: string, name: string): string {
	return `${path}${path.includes('?') ? '&' : '?'}${TAG}=${encodeURIComponent(name)}`;
}

/** Whose request this was, from a request.accepted event's query (undefined: untagged). */
export function requester(event: LifecycleEvent): string | undefined {
	return event.type === 'request.accepted' ? whose(event.query).name : undefined;
}

type Arrived = [LifecycleEvent, number];

export interface SharedOptions {
	/** --room-controls: attendees may send faults too. */
	roomControls: boolean;
	/** Each tagged request a worker accepted: the room tallies whose request each worker served. */
	onServed?: (name: string, pid: number) => void;
	/** The server's process ended (a crash, or stopped): the room is told. */
	onExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
	now?: () => number;
}

export class SharedServer {
	private replay: Arrived[] = [];
	private logs: string[] = [];
	private lastExit?: [number | null, NodeJS.Signals | null];
	private readonly events = new Set<(event: LifecycleEvent, at: number) => void>();
	private readonly logListeners = new Set<(line: string) => void>();
	private readonly exitListeners = new Set<(code: number | null, signal: NodeJS.Signals | null) => void>();
	private readonly offs: Array<() => void>;
	private readonly now: () => number;
	/** The room's one lifecycle state: folded when a session asks, from what arrived since. */
	private state: LifecycleState = initialState;
	private unfolded: Arrival[] = [];
	private readonly changes = new Set<(events: number) => void>();
	/** Events since the room was last told: told once a turn, not once an event to every session. */
	private untold = 0;
	readonly shared = {
		current: (): LifecycleState => {
			if (this.unfolded.length) {
				this.state = reduceArrivals(this.state, this.unfolded);
				this.unfolded = [];
			}
			return this.state;
		},
		subscribe: (listener: (events: number) => void) => {
			this.changes.add(listener);
			return () => void this.changes.delete(listener);
		},
	};

	constructor(
		readonly source: LiveSource,
		private readonly options: SharedOptions,
	) {
		this.now = options.now ?? Date.now;
		this.offs = [
			source.onEvent(event => this.event(event)),
			source.onLog(line => {
				this.logs.push(line);
				if (this.logs.length > LOGS_KEPT * 2) this.logs = this.logs.slice(-LOGS_KEPT);
				for (const listener of [...this.logListeners]) listener(line);
			}),
			source.onExit((code, signal) => {
				this.lastExit = [code, signal];
				// The process is gone: whatever the machine still thinks is running is not.
				this.unfolded.push([{type: 'master.stopped', code: code ?? (signal ? 128 : 0)}, this.now(), masterUp]);
				this.told();
				options.onExit?.(code, signal);
				for (const listener of [...this.exitListeners]) listener(code, signal);
			}),
		];
	}

	private event(event: LifecycleEvent): void {
		const at = this.now();
		if (event.type === 'master.starting') {
			this.replay = [];
			this.lastExit = undefined;
		}
		this.replay.push([event, at]);
		if (this.replay.length > REPLAY_MAX) this.compact();
		const name = requester(event);
		if (name !== undefined && event.type === 'request.accepted') this.options.onServed?.(name, event.pid);
		this.unfolded.push([event, at]);
		for (const listener of [...this.events]) listener(event, at);
		this.told();
	}

	private told(): void {
		// A chunk of the server's output holds many events; 150 sessions heard each one apart.
		if (this.untold++ > 0) return;
		queueMicrotask(() => {
			const events = this.untold;
			this.untold = 0;
			for (const listener of [...this.changes]) listener(events);
		});
	}

	/** The oldest half's request events go (the workers' lives stay): a late joiner sees every worker. */
	private compact(): void {
		const half = this.replay.length >> 1;
		const old = this.replay
			.slice(0, half)
			.filter(([e]) => !REQUEST_EVENTS.has(e.type) && e.type !== 'response.sent');
		this.replay = [...old, ...this.replay.slice(half)].slice(-REPLAY_MAX);
	}

	/** How many events a late joiner would be handed now. */
	get replayed(): number {
		return this.replay.length;
	}

	close(): void {
		for (const off of this.offs) off();
		this.events.clear();
		this.logListeners.clear();
		this.exitListeners.clear();
		this.changes.clear();
	}

	/** A session's own view: `name` tags its requests; undefined is the instructor (every control, no limits). */
	view(name?: string): LiveSource {
		const source = this.source;
		const controls = name === undefined || this.options.roomControls;
		const limits = name === undefined ? undefined : new Limits(this.now);
		const who = name ?? 'instructor';
		const request = (path: string): Promise<RequestResult> => source.request(tagged(path, who));
		// The Live panel asks refuse() first; an attendee's Labs panel calls these directly, so they check too.
		const fault = <T>(run: () => T): T => {
			if (!controls) throw Object.assign(new Error(FAULTS_REFUSED), {refused: true}); // no failure to start
			return run();
		};
		return {
			kind: source.kind,
			project: source.project,
			path: source.path,
			get address() {
				return source.address;
			},
			onEvent: listener => {
				for (const [event, at] of this.replay) listener(event, at);
				this.events.add(listener);
				return () => void this.events.delete(listener);
			},
			onLog: listener => {
				for (const line of this.logs.slice(-LOGS_KEPT)) listener(line);
				this.logListeners.add(listener);
				return () => void this.logListeners.delete(listener);
			},
			onExit: listener => {
				if (this.lastExit && !source.running()) listener(...this.lastExit);
				this.exitListeners.add(listener);
				return () => void this.exitListeners.delete(listener);
			},
			running: () => source.running(),
			request,
			burst: n => burst(request, source.path ?? '/', n),
			killWorker: pid => fault(() => source.killWorker(pid)),
			addWorker: () => fault(() => source.addWorker()),
			removeWorker: () => fault(() => source.removeWorker()),
			reload: () => fault(() => source.reload()),
			stop: () => fault(() => source.stop()),
			start: () => fault(() => source.start()),
			// The labs' probes: six timed requests are tagged like r's; the rest act on the room's server as it is.
			timed: (path, n) => source.timed(tagged(path, who), n),
			slowClients: (n, intervalMs, bytes) => fault(() => source.slowClients(n, intervalMs, bytes)),
			memory: () => source.memory(),
			editApp: text => fault(() => source.editApp(text)),
			interrupt: () => fault(() => source.interrupt()),
			// A lab's reset restarts the room's server: the instructor's (it is how they lead a lab).
			restartWith: flags => fault(() => source.restartWith(flags)),
			refuse: command => {
				if (FAULTS.has(command) && !controls) return FAULTS_REFUSED;
				return limits?.take(command);
			},
			restart: controls ? undefined : 'the instructor can start it again',
			rules: name === undefined ? undefined : rules(controls),
			shared: this.shared,
		};
	}
}

const masterUp = (s: LifecycleState) => !['down', 'stopped'].includes(s.master.state);

/** What an attendee's Live panel says about the room's limits. */
export function rules(controls: boolean): string {
	return (
		`Shared server: r tags your requests; b once per ${BURST_EVERY_S} s, s and a once per ${SLOW_EVERY_S} s` +
		(controls ? '' : '; faults are the instructor’s')
	);
}

const LIMITED_KEY: Partial<Record<LiveCommand, string>> = {burst: 'b', slow: 's', timed: 'a'};

/** One attendee's b, s and a: each at most once per its period. */
class Limits {
	private readonly last = new Map<LiveCommand, number>();
	constructor(private readonly now: () => number) {}

	take(command: LiveCommand): string | undefined {
		const every =
			command === 'burst' ? BURST_EVERY_S : command === 'slow' || command === 'timed' ? SLOW_EVERY_S : 0;
		if (!every) return undefined;
		const now = this.now();
		const wait = (this.last.get(command) ?? -Infinity) + every * 1000 - now;
		if (wait > 0)
			return (
				`${LIMITED_KEY[command]}: once per ${every} s for each attendee; ` +
				`again in ${Math.ceil(wait / 1000)} s`
			);
		this.last.set(command, now);
		return undefined;
	}
}

/** Finds and starts the room's server (`workshop --live` / `--gunicorn`); a string says why it could not. */
export async function startShared(inv: {
	live?: 'server' | 'gunicorn';
	server: ServerOptions;
	python?: string;
	path?: string;
}): Promise<LiveSource | string> {
	let source: LiveSource;
	if (inv.live === 'gunicorn') {
		const {createGunicornSource} = await import('../gunicorn/source');
		const found = await createGunicornSource(inv.server, inv.python, undefined, inv.path);
		if ('error' in found) return found.error;
		source = found;
	} else {
		const {createServerSource} = await import('../live/server-source');
		source = createServerSource(inv.server, inv.path);
	}
	process.stderr.write(
		`Starting ${inv.live === 'gunicorn' ? 'Gunicorn' : 'the pre-fork server'} on ${inv.server.bind} …\n`,
	);
	try {
		await source.start();
	} catch (error) {
		await source.stop();
		return error instanceof Error ? error.message : String(error);
	}
	return source;
}

// The attached server's side of the update loop: hears its events, log lines and exit and sends
// them to the loop in batches, so a burst of requests renders at a bounded rate; and runs the
// Live panel's commands, whose outcomes go back to the loop (live-model.ts says what they mean).
import {useEffect, useRef} from 'react';
import {initialState, type Arrival, type LifecycleState} from '../lifecycle/machine';
import type {LiveSource} from '../live/source';
import {initialLive, type CommandOutcome, type LiveModel} from './live-model';
import type {Msg} from './loop';
import type {LiveCommand} from './model';

const FLUSH_MS = 80; // at most ~12 renders a second from events
const BUSY_FLUSH_MS = 200; // during a burst (many events a flush), fewer renders: keys stay quick
const BUSY_EVENTS = 100;
/** Events folded at a time: a key read meanwhile goes before the rest of the batch (and is never behind more). */
export const FOLD_MAX = 500;
const masterUp = (s: LifecycleState) => !['down', 'stopped'].includes(s.master.state);

/** What the App and the labs read of the attached server: the model's, and how to apply what waits now. */
export interface Live extends LiveModel {
	/** Sends the events waiting for the next batch now (a lab's result must not overtake them). */
	flush(): void;
}

/** The model's start for this source: a workshop's shared server has a past already. */
export const liveStart = (source: LiveSource): LiveModel =>
	initialLive({
		running: source.running(),
		restart: source.restart,
		project: Boolean(source.project),
		state: source.shared?.current() ?? initialState,
	});

/**
 * Subscribes to the source and sends its batches to the loop. Never more than one batch per FLUSH_MS
 * (BUSY_FLUSH_MS in a burst), but the first event after a quiet spell (a respawn, a lab's last answer)
 * goes at once. Returns flush, which sends all that waits now.
 */
export function useLiveFeed(source: LiveSource | undefined, send: (msgs: Msg[], draw?: boolean) => void): () => void {
	const flushNow = useRef<() => void>(() => {});
	const sendRef = useRef(send);
	sendRef.current = send;
	useEffect(() => {
		if (!source) return;
		// A workshop's shared server folds its events once for the room: this session only reads the result.
		const shared = source.shared;
		const pending: Arrival[] = [];
		let lines: string[] = [];
		let heard = 0;
		let lastBatch = 0; // events in the last flush: a burst is on when it is large
		let flushed = 0; // when the last flush ran
		let timer: NodeJS.Timeout | undefined;
		let soon: NodeJS.Immediate | undefined;
		// One batch: its events folded FOLD_MAX at a time, the input read meanwhile going between slices (a
		// setImmediate runs after the poll for I/O); drawn once, at its last slice, with its log lines.
		let batch: Arrival[] = [];
		let at = 0; // the batch's events folded so far
		let rest: Msg[] = [];
		const slice = (all = false) => {
			soon = undefined;
			const end = all ? batch.length : Math.min(batch.length, at + FOLD_MAX);
			const events = batch.slice(at, end);
			at = end;
			const last = at === batch.length;
			const msgs: Msg[] = events.length ? [{type: 'live-events', events}] : [];
			sendRef.current(last ? [...msgs, ...rest] : msgs, last);
			if (!last) soon = setImmediate(slice);
			else if (pending.length || lines.length || heard) schedule(); // what came meanwhile
		};
		const flush = (all = false) => {
			clearTimeout(timer);
			clearImmediate(soon);
			timer = soon = undefined;
			flushed = Date.now();
			batch = batch.slice(at).concat(pending.splice(0)); // a batch under way goes on
			at = 0;
			lastBatch = shared ? heard : batch.length;
			rest = [];
			if (shared && heard) rest.push({type: 'live-state', state: shared.current()});
			heard = 0;
			if (lines.length) rest.push({type: 'log', lines});
			lines = [];
			rest.push({type: 'live-running', running: source.running()});
			slice(all);
		};
		// Keys first: a batch due now waits for the input already read.
		const later = () => {
			timer = undefined;
			soon ??= setImmediate(flush);
		};
		flushNow.current = () => flush(true);
		const schedule = () => {
			if (timer || soon) return;
			const every = lastBatch > BUSY_EVENTS ? BUSY_FLUSH_MS : FLUSH_MS;
			// A shared state: every session flushes on the same beat, so they all read one fold (and share its views);
			// after a quiet spell at once, as every session hears the same event in the same turn.
			const since = Date.now() - flushed;
			const wait = since >= every ? 0 : shared ? every - (Date.now() % every) : every - since;
			timer = setTimeout(later, wait);
		};
		const offs = [
			shared
				? shared.subscribe(events => {
						heard += events;
						schedule();
					})
				: source.onEvent((e, at) => {
						pending.push([e, at ?? Date.now()]);
						schedule();
					}),
			source.onLog(line => {
				lines.push(line);
				schedule();
			}),
			source.onExit((code, signal) => {
				// The process is gone: whatever the machine still thinks is running is not (a shared state is told so
				// by its owner). A synthetic master.stopped only counts if the server did not say so itself.
				if (!shared)
					pending.push([{type: 'master.stopped', code: code ?? (signal ? 128 : 0)}, Date.now(), masterUp]);
				sendRef.current([{type: 'live-exit', code, signal}]);
				schedule();
			}),
		];
		return () => {
			offs.forEach(off => off());
			clearTimeout(timer);
			clearImmediate(soon);
		};
	}, [source]);
	return () => flushNow.current();
}

/** Runs one Live command on the source; what it says (at once, and when done) goes to the loop. */
export function runCommand(source: LiveSource, command: LiveCommand, path: string | undefined, send: (m: Msg) => void) {
	const tell = (outcome: CommandOutcome) => send({type: 'command-result', command, outcome});
	const refused = source.refuse?.(command);
	if (refused) return tell({kind: 'refused', text: refused});
	const live = source.running();
	if (!live && command !== 'toggle') return tell({kind: 'stopped'});
	const request = (to: string) => {
		tell({kind: 'sent', path: to});
		void source.request(to).then(result => tell({kind: 'answered', path: to, result}));
	};
	const signal = (act: () => void) => () => {
		act();
		tell({kind: 'sent'});
	};
	// Every command has its runner here: a LiveCommand without one does not compile.
	const runners: Record<LiveCommand, () => void> = {
		request: () => request(path ?? source.path ?? '/'),
		slow: () => request(path ?? '/slow'),
		burst: () => {
			tell({kind: 'sent', path: source.path});
			void source.burst(200).then(result => tell({kind: 'burst', result}));
		},
		kill: signal(() => source.killWorker()),
		add: signal(() => source.addWorker()),
		remove: signal(() => source.removeWorker()),
		reload: signal(() => source.reload()),
		interrupt: signal(() => source.interrupt()),
		toggle: () => {
			tell({kind: 'sent', stopping: live});
			const done = live ? source.stop().then(() => false) : source.start().then(() => true);
			void done.then(
				running => tell({kind: 'switched', running, address: source.address}),
				(error: Error) => tell({kind: 'failed', error: error.message}),
			);
		},
		timed: () => {
			tell({kind: 'sent'});
			void source.timed('/slow?s=1', 6).then(results => tell({kind: 'timed', results}));
		},
		'slow-client': () => {
			tell({kind: 'sent'});
			void source.slowClients(1, 250, 200).then(([result]) => tell({kind: 'slow-client', result}));
		},
		'edit-app': () => {
			const text = `Edited at ${new Date().toTimeString().slice(0, 8)}`;
			source.editApp(text);
			tell({kind: 'edited', text});
		},
		memory: () => tell({kind: 'memory', readings: source.memory()}),
	};
	runners[command]();
}

// Feeds a running server's events into the lifecycle machine, coalesced so a burst of
// requests renders at a bounded rate, and runs the Live panel's commands.
import {useCallback, useEffect, useRef, useState} from 'react';
import {initialState, reduceArrivals, type Arrival, type LifecycleState} from '../lifecycle/machine';
import type {LiveSource, RequestResult} from '../live/source';
import type {LiveCommand} from './model';

const FLUSH_MS = 80; // at most ~12 renders a second from events
const BUSY_FLUSH_MS = 200; // during a burst (many events a flush), fewer renders: keys stay quick
const BUSY_EVENTS = 100;
const LOG_LINES = 200;
const masterUp = (s: LifecycleState) => !['down', 'stopped'].includes(s.master.state);

export interface Live {
	state: LifecycleState;
	logs: string[];
	status?: string;
	running: boolean;
	run(command: LiveCommand, path?: string): void;
	/** Applies the events waiting for the next coalesced render now (a lab's result must not overtake them). */
	flush(): void;
}

export function useLive(source: LiveSource | undefined): Live | undefined {
	const [state, setState] = useState(initialState);
	const [logs, setLogs] = useState<string[]>([]);
	const [status, setStatus] = useState<string>();
	const [running, setRunning] = useState(() => source?.running() ?? false);
	// [event, when, applies]: a synthetic master.stopped only counts if the server did not say so itself.
	const pending = useRef<Arrival[]>([]);
	const pendingLogs = useRef<string[]>([]);
	const timer = useRef<NodeJS.Timeout | undefined>(undefined);
	const switching = useRef(false); // a stop or start in progress
	const flushNow = useRef<() => void>(() => {});

	useEffect(() => {
		if (!source) return;
		let lastBatch = 0; // events in the last flush: a burst is on when it is large
		// A workshop's shared server folds its events once for the room: this session only reads the result.
		const shared = source.shared;
		let heard = 0;
		let flushed = 0; // when the last flush ran
		const flush = () => {
			clearTimeout(timer.current);
			timer.current = undefined;
			flushed = Date.now();
			const events = pending.current;
			lastBatch = shared ? heard : events.length;
			const lines = pendingLogs.current;
			pending.current = [];
			pendingLogs.current = [];
			if (shared && heard) setState(shared.current());
			else if (events.length) setState(s => reduceArrivals(s, events));
			heard = 0;
			if (lines.length) setLogs(l => [...l, ...lines].slice(-LOG_LINES));
			setRunning(source.running());
		};
		flushNow.current = flush;
		const schedule = () => {
			const every = lastBatch > BUSY_EVENTS ? BUSY_FLUSH_MS : FLUSH_MS;
			// Never more than one flush per `every`, but the first event after a quiet spell (a respawn, a lab's
			// last answer) shows at once. A shared state: every session flushes on the same beat, so they all read
			// one fold (and share its views).
			const wait = shared ? every - (Date.now() % every) : Math.max(0, every - (Date.now() - flushed));
			timer.current ??= setTimeout(flush, wait);
		};
		const offs = [
			shared
				? shared.subscribe(() => {
						heard++;
						schedule();
					})
				: source.onEvent((e, at) => {
						pending.current.push([e, at ?? Date.now()]);
						schedule();
					}),
			source.onLog(line => {
				pendingLogs.current.push(line);
				schedule();
			}),
			source.onExit((code, signal) => {
				// The process is gone: whatever the machine still thinks is running is not (a shared state is told so
				// by its owner).
				if (!shared)
					pending.current.push([
						{type: 'master.stopped', code: code ?? (signal ? 128 : 0)},
						Date.now(),
						masterUp,
					]);
				setStatus(`server exited (${signal ?? `code ${code}`}); ${source.restart ?? 'x starts it again'}`);
				schedule();
			}),
		];
		setRunning(source.running());
		if (shared) setState(shared.current());
		return () => {
			offs.forEach(off => off());
			clearTimeout(timer.current);
		};
	}, [source]);

	const run = useCallback(
		(command: LiveCommand, asked?: string) => {
			if (!source) return;
			const refused = source.refuse?.(command);
			if (refused) return setStatus(refused);
			const live = source.running();
			if (!live && command !== 'toggle')
				return setStatus(`the server is stopped: ${source.restart ?? 'x starts it'}`);
			const timeout = state.master.timeout;
			const request = (path: string, said: (r: RequestResult) => string) =>
				void source.request(path).then(r => setStatus(said(r)));
			// Every command has its handler here: a LiveCommand without one does not compile.
			const handlers: Record<LiveCommand, () => void> = {
				request: () => {
					const path = asked ?? source.path ?? '/';
					setStatus(`GET ${path} …`);
					request(path, r =>
						r.status
							? `GET ${path} -> ${r.status} in ${Math.round(r.ms)} ms`
							: `GET ${path} failed: ${r.error}`,
					);
				},
				burst: () => {
					setStatus(`burst of 200 requests to ${source.path ?? '/'} …`);
					void source
						.burst(200)
						.then(r =>
							setStatus(
								`burst: ${r.sent} sent, ${r.ok} ok, ${r.failed} failed ` +
									`in ${(r.ms / 1000).toFixed(1)} s`,
							),
						);
				},
				slow: () => {
					if (source.project)
						return setStatus(
							"s needs the demo's /slow view: r a slow page of yours, past --timeout, shows the same",
						);
					const path = `/slow?s=${timeout + 5}`;
					setStatus(`GET ${path}: the worker will be silent past the ${timeout}s timeout …`);
					request(path, r =>
						r.status
							? `GET ${path} -> ${r.status} after ${(r.ms / 1000).toFixed(1)} s`
							: `GET ${path}: no response after ${(r.ms / 1000).toFixed(1)} s (${r.error})`,
					);
				},
				kill: () => {
					source.killWorker();
					setStatus('SIGKILL sent to a worker: watch the master replace it');
				},
				add: () => {
					source.addWorker();
					setStatus('TTIN sent: one more worker');
				},
				remove: () => {
					source.removeWorker();
					setStatus('TTOU sent: one fewer worker (never below 1)');
				},
				reload: () => {
					source.reload();
					setStatus(
						`HUP sent: fresh workers, then the old ones ` +
							`retire${state.master.preload ? ' (--preload: the app code is NOT reloaded)' : ''}`,
					);
				},
				toggle: () => {
					// One stop or start at a time: x pressed again meanwhile would act on a server half gone.
					if (switching.current) return setStatus(live ? 'still stopping …' : 'still starting …');
					switching.current = true;
					if (live) {
						setStatus('stopping: TERM to the server …');
						void source.stop().then(() => {
							switching.current = false;
							setRunning(false);
							setStatus('server stopped; x starts it again');
						});
					} else {
						setStatus('starting the server …');
						void source.start().then(
							() => {
								switching.current = false;
								setRunning(true);
								setStatus(`server started on ${source.address}`);
							},
							(error: Error) => {
								switching.current = false;
								setStatus(`could not start: ${error.message}`);
							},
						);
					}
				},
				interrupt: () => {
					source.interrupt();
					setStatus('INT sent: a quick shutdown, the workers stop at once');
				},
				timed: () => {
					setStatus('six GET /slow?s=1 at once …');
					void source.timed('/slow?s=1', 6).then(results => {
						const ms = results.map(r => (r.ms / 1000).toFixed(1));
						setStatus(`six at once: answered after ${ms.join(', ')} s`);
					});
				},
				'slow-client': () => {
					setStatus('a slow client: its headers go one byte every 250 ms …');
					void source.slowClients(1, 250, 200).then(([r]) => {
						const how = r.ended === 'answered' ? `answered${r.status ? ` ${r.status}` : ''}` : r.ended;
						setStatus(`slow client: ${how} after ${(r.ms / 1000).toFixed(1)} s, ${r.sent} bytes sent`);
					});
				},
				'edit-app': () => {
					const text = `Edited at ${new Date().toTimeString().slice(0, 8)}`;
					source.editApp(text);
					setStatus(`the app's text is now "${text}" in its working copy: HUP to serve it`);
				},
				memory: () => {
					const said = source
						.memory()
						.map(
							m =>
								`${m.role} ${m.pid} RSS ${Math.round(m.rss / 1024)} PSS ${Math.round(m.pss / 1024)} MB`,
						);
					setStatus(said.length ? said.join('; ') : 'no memory readings (no /proc here?)');
				},
			};
			handlers[command]();
		},
		[source, state.master.timeout, state.master.preload],
	);

	const flush = useCallback(() => flushNow.current(), []);
	return source ? {state, logs, status, running, run, flush} : undefined;
}

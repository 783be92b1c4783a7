// One LiveSource for any pre-fork server run as a child that reports protocol events as JSON
// lines: our own `serve --events json` and real Gunicorn with the hooks in python/. The child
// gets its own process group (so signals and cleanup reach every worker) and a lifeline pipe
// it watches, so that when this app dies in any way, even SIGKILL, the server shuts down too.
import {setTimeout as sleep} from 'node:timers/promises';
import {spawn, type ChildProcess} from 'node:child_process';
import {readdirSync, readFileSync} from 'node:fs';
import process from 'node:process';
import readline from 'node:readline';
import type {Readable} from 'node:stream';
import {parseEvent, type LifecycleEvent} from '../lifecycle/events';
import {check, initialState, liveWorkers, transition, type LifecycleState} from '../lifecycle/machine';
import {burst, getOnce, readMemory, slowClients, timedTogether} from './probes';
import type {LiveSource, ProjectInfo, RequestResult, ServerFlags} from './source';

export interface ProcessSpec {
	kind: 'server' | 'gunicorn';
	address: string; // HOST:PORT it will listen on (for request/burst and display)
	command: string; // executable
	args: string[];
	env?: Record<string, string>; // merged over process.env
	cwd?: string;
	events: 'stdout' | 'fd3'; // where the child writes one JSON event per line
	gracefulTimeout: number; // seconds: stop() sends TERM to the group, KILL after this (at most STOP_LIMIT_S) + margin
	project?: ProjectInfo; // the learner's own project (LiveSource.project)
	path?: string; // what r requests (LiveSource.path)
	/** Changes the app's text in the working copy the server runs from (LiveSource.editApp). */
	editApp?: (text: string) => void;
	/** The command line for other flags (LiveSource.restartWith); absent: it restarts as it was. */
	reconfigure?: (flags: ServerFlags) => {args: string[]; gracefulTimeout: number};
}

/** The environment variable naming the fd the child watches for EOF. */
export const LIFELINE_ENV = 'GW_LIFELINE_FD';
/** Quitting the app must not hang on a worker stuck in /slow: stop() kills the group after this, plus the margin. */
export const STOP_LIMIT_S = 5;
export const KILL_MARGIN_MS = 2000;
const REQUEST_TIMEOUT_MS = 10 * 60_000;

type Listener<A extends unknown[]> = (...args: A) => void;
class Listeners<A extends unknown[]> {
	private readonly set = new Set<Listener<A>>();
	private unheard: A[] = [];
	/**
	 * keep: how many calls nobody listened to are kept for the first listener (the app subscribes after start()
	 * resolves).
	 */
	constructor(private readonly keep = 0) {}
	add(listener: Listener<A>): () => void {
		this.set.add(listener);
		const unheard = this.unheard;
		this.unheard = [];
		for (const args of unheard) listener(...args);
		return () => this.set.delete(listener);
	}
	emit(...args: A): void {
		if (this.set.size === 0 && this.keep > 0)
			this.unheard = [...this.unheard.slice(Math.max(0, this.unheard.length + 1 - this.keep)), args];
		for (const listener of [...this.set]) listener(...args);
	}
}

/** Gunicorn-format log lines carry "[time] [pid] [LEVEL] "; an error message reads better without it. */
const bareMessage = (line: string) => line.replace(/^(\[[^\]]*\]\s*){3}/, '').trim();

/** One /proc/PID/stat field list after the command name (state first), or undefined when gone. */
function procStat(pid: string | number): string[] | undefined {
	try {
		// pid (comm) state ppid pgrp ...; comm may hold spaces or parentheses.
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	} catch {
		return undefined; // gone while we looked
	}
}
const running = (state: string | undefined) => state !== undefined && state !== 'Z' && state !== 'X';

/** Is this process still running (a zombie nobody reaped does not count)? */
export function processAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
	return process.platform !== 'linux' || running(procStat(pid)?.[0]);
}

/**
 * Is any process of the group still running? kill(-pgid, 0) also counts zombies, and orphaned
 * workers may stay zombies when PID 1 does not reap (containers), so on Linux look closer.
 */
export function groupAlive(pgid: number): boolean {
	try {
		process.kill(-pgid, 0);
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
	if (process.platform !== 'linux') return true;
	return readdirSync('/proc').some(name => {
		if (!/^\d+$/.test(name)) return false;
		const stat = procStat(name);
		return Number(stat?.[2]) === pgid && running(stat?.[0]);
	});
}

/** One 'exit' listener for every source (no listener pile-up when many are created). */
const lastResorts = new Set<() => void>();
process.on('exit', () => lastResorts.forEach(kill => kill()));

export function createProcessSource(spec: ProcessSpec): LiveSource {
	const events = new Listeners<[LifecycleEvent]>(10_000);
	const logs = new Listeners<[string]>(200);
	const exits = new Listeners<[number | null, NodeJS.Signals | null]>();
	let child: ChildProcess | undefined;
	let pgid: number | undefined;
	let state: LifecycleState = initialState; // only to know which workers are alive
	let address = spec.address;
	let stopping: Promise<void> | undefined;
	let starting: Promise<void> | undefined;
	let finished: Promise<void> = Promise.resolve(); // the child's exit, reported to onExit listeners
	const childRunning = () => child !== undefined && child.exitCode === null && child.signalCode === null;

	const killGroup = () => {
		if (pgid === undefined) return;
		try {
			process.kill(-pgid, 'SIGKILL');
		} catch {
			// already gone
		}
	};
	// The last resort: this process is exiting, take the server with it.
	lastResorts.add(() => {
		if (childRunning()) killGroup();
	});

	const signalMaster = (signal: NodeJS.Signals) => {
		if (!childRunning() || !child?.pid) return;
		try {
			process.kill(child.pid, signal);
		} catch {
			// exited meanwhile
		}
	};

	const lines = (stream: Readable | null | undefined, each: (line: string) => void) => {
		if (stream) readline.createInterface({input: stream, crlfDelay: Infinity}).on('line', each);
	};

	function start(): Promise<void> {
		if (child) return starting ?? Promise.resolve();
		stopping = undefined;
		state = initialState;
		address = spec.address;
		let lastError = '';
		// stdio: events on stdout or fd 3; the lifeline is the next fd after them.
		const lifelineFd = spec.events === 'fd3' ? 4 : 3;
		const stdio: Array<'ignore' | 'pipe'> = ['ignore', 'pipe', 'pipe', 'pipe'];
		if (spec.events === 'fd3') stdio.push('pipe');
		const proc = spawn(spec.command, spec.args, {
			cwd: spec.cwd,
			env: {...process.env, ...spec.env, [LIFELINE_ENV]: String(lifelineFd)},
			stdio,
			detached: true, // its own process group: pgid = pid
		});
		child = proc;
		pgid = proc.pid;
		// We never write to the lifeline: it only has to stay open while we live.
		const lifeline = proc.stdio[lifelineFd] as Readable | null;
		lifeline?.on('error', () => undefined);
		lifeline?.resume();

		starting = new Promise<void>((resolve, reject) => {
			let bound = false;
			const onEventLine = (line: string) => {
				if (!line.trim()) return;
				const parsed = parseEvent(line);
				if ('error' in parsed) return logs.emit(line);
				const event = parsed.event;
				// The machine's own rules, without its history (this copy only tracks who is alive).
				if (!check(state, event)) state = transition(state, event);
				if (event.type === 'socket.bound') {
					address = event.address;
					bound = true;
					resolve();
				}
				events.emit(event);
			};
			const onLogLine = (line: string) => {
				if (line.trim()) lastError = bareMessage(line) || lastError;
				logs.emit(line);
			};
			if (spec.events === 'fd3') {
				lines(proc.stdio[3] as Readable, onEventLine);
				lines(proc.stdout, onLogLine);
			} else {
				lines(proc.stdout, onEventLine);
			}
			lines(proc.stderr, onLogLine);
			proc.on('error', error => {
				if (proc.pid === undefined) {
					// spawn itself failed (no such command): there is no process to wait for.
					child = undefined;
					pgid = undefined;
					reject(new Error(`cannot start ${spec.command}: ${error.message}`));
				}
			});
			const closed = new Promise(resolve => proc.once('close', resolve));
			finished = new Promise<void>(done => {
				proc.on('exit', (code, signal) => {
					if (child === proc) child = undefined;
					lifeline?.destroy();
					// Let the last lines (master.stopped, the error) arrive first, unless an orphan holds the pipes.
					void Promise.race([closed, sleep(500)]).then(() => {
						if (!bound)
							reject(
								new Error(
									lastError ||
										`the server exited (${signal ?? `code ${code}`}) before it was listening`,
								),
							);
						exits.emit(code, signal);
						done();
					});
				});
			});
		});
		starting.catch(() => undefined);
		return starting;
	}

	function stop(): Promise<void> {
		stopping ??= (async () => {
			const group = pgid;
			if (group === undefined) return;
			const exited = finished;
			try {
				process.kill(-group, 'SIGTERM');
			} catch {
				// nothing left to signal
			}
			const killAt = Date.now() + Math.min(spec.gracefulTimeout, STOP_LIMIT_S) * 1000 + KILL_MARGIN_MS;
			let killed = false;
			const giveUpAt = killAt + 5000;
			while (groupAlive(group) && Date.now() < giveUpAt) {
				if (!killed && Date.now() >= killAt) {
					killGroup();
					killed = true;
				}
				await sleep(50);
			}
			await exited;
			if (pgid === group) pgid = undefined;
		})();
		return stopping;
	}

	const request = (path: string): Promise<RequestResult> => getOnce(address, path, REQUEST_TIMEOUT_MS);

	return {
		kind: spec.kind,
		project: spec.project,
		path: spec.path,
		get address() {
			return address;
		},
		onEvent: listener => events.add(listener),
		onLog: listener => logs.add(listener),
		onExit: listener => exits.add(listener),
		running: childRunning,
		request,
		burst: n => burst(request, spec.path ?? '/', n),
		killWorker(pid?: number) {
			const live = liveWorkers(state).filter(w => w.state !== 'exiting');
			const target = pid ?? live[0]?.pid ?? liveWorkers(state)[0]?.pid;
			if (target === undefined) return;
			try {
				process.kill(target, 'SIGKILL');
			} catch {
				// already gone
			}
		},
		timed: (path, n) => timedTogether(address, path, n),
		slowClients: (n, intervalMs, bytes) => slowClients(address, n, intervalMs, bytes),
		memory: () =>
			readMemory(
				childRunning() ? child?.pid : undefined,
				// Booted workers only: one still importing the app would read low.
				liveWorkers(state)
					.filter(w => w.state === 'idle' || w.state === 'busy')
					.map(w => w.pid),
			),
		editApp(text: string) {
			if (!spec.editApp) throw new Error('this server has no working copy to edit');
			spec.editApp(text);
		},
		interrupt: () => signalMaster('SIGINT'),
		async restartWith(flags: ServerFlags) {
			await stop();
			if (spec.reconfigure) Object.assign(spec, spec.reconfigure(flags));
			await start();
		},
		addWorker: () => signalMaster('SIGTTIN'),
		removeWorker: () => signalMaster('SIGTTOU'),
		reload: () => signalMaster('SIGHUP'),
		stop,
		start,
	};
}

// What the app needs from a running pre-fork server, whichever it is: our own (`serve`)
// or real Gunicorn. The UI depends on this interface only.
import type {LifecycleEvent} from '../lifecycle/events';
import type {LifecycleState} from '../lifecycle/machine';
import type {LiveCommand} from '../ui/model';

export interface RequestResult {
	status?: number; // absent when the request failed outright
	ms: number;
	error?: string;
	body?: string; // the start of the body (what the app answered with)
}

export interface BurstResult {
	sent: number;
	ok: number; // 2xx
	failed: number;
	ms: number;
}

/** One of several requests sent together, with its own start and end (Date.now ms). */
export interface TimedResult extends RequestResult {
	start: number;
	end: number;
}

/** A client that trickled its request head: how it ended, after how long, and what it had sent. */
export interface SlowClientResult {
	ms: number;
	sent: number; // bytes written before the end
	ended: 'answered' | 'closed' | 'reset'; // answered: some response came back (status, when it parsed)
	status?: number;
}

/** One process's memory from /proc/PID/smaps_rollup, in kB: shared and private pages as the kernel counts them. */
export interface MemoryReading {
	pid: number;
	role: 'master' | 'worker';
	rss: number;
	pss: number;
	shared: number; // Shared_Clean + Shared_Dirty
	private: number; // Private_Clean + Private_Dirty
}

/** The server flags a lab sets; the rest stay as they were given. */
export interface ServerFlags {
	workers?: number;
	timeout?: number;
	gracefulTimeout?: number;
	maxRequests?: number;
	maxRequestsJitter?: number;
	preload?: boolean;
	workerClass?: 'sync' | 'gthread';
	threads?: number;
}

/** The learner's own project, when it is theirs and not the bundled demo. */
export interface ProjectInfo {
	app: string; // APP_MODULE, e.g. mysite.wsgi:application
	dir: string;
	command: string; // the Gunicorn command line, as run
}

export interface LiveSource {
	readonly kind: 'server' | 'gunicorn';
	/** Their project (absent: the demo, whose views /slow and /error the keys use). */
	readonly project?: ProjectInfo;
	/** What r requests by default (--path), '/' when absent. */
	readonly path?: string;
	/** host:port the server listens on. */
	readonly address: string;
	/**
	 * Every lifecycle event the server reports, in order, with when it arrived (when that was before
	 * the call: a workshop's shared server replays the past to a late joiner). Returns an unsubscribe function.
	 */
	onEvent(listener: (event: LifecycleEvent, at?: number) => void): () => void;
	/** The server's own log lines (stderr), one at a time, without the newline. */
	onLog(listener: (line: string) => void): () => void;
	/** The server process ended (by itself or by stop()). */
	onExit(listener: (code: number | null, signal: NodeJS.Signals | null) => void): () => void;
	running(): boolean;
	/** One HTTP GET to the server, e.g. '/', '/slow?s=40', '/error'. */
	request(path: string): Promise<RequestResult>;
	/** n requests to '/', a few at a time. */
	burst(n: number): Promise<BurstResult>;
	/** n GETs of path sent together, each timed (the queueing lab). */
	timed(path: string, n: number): Promise<TimedResult[]>;
	/** n clients that send their request head a byte every intervalMs, `bytes` header bytes long. */
	slowClients(n: number, intervalMs: number, bytes: number): Promise<SlowClientResult[]>;
	/** The master's and the booted workers' memory, now. */
	memory(): MemoryReading[];
	/**
	 * Changes the text the app answers / with, in the working copy the server runs from (never the
	 * installed files). A worker sees it only when it imports the app again.
	 */
	editApp(text: string): void;
	/** SIGINT to the master: the quick shutdown. */
	interrupt(): void;
	/** Stops the server and starts it again with these flags over the ones it was given. */
	restartWith(flags: ServerFlags): Promise<void>;
	/** SIGKILL one worker (the given pid, else the oldest live one). */
	killWorker(pid?: number): void;
	/** TTIN / TTOU to the master. */
	addWorker(): void;
	removeWorker(): void;
	/** HUP to the master. */
	reload(): void;
	/**
	 * TERM to the process group, KILL after the graceful timeout (capped: STOP_LIMIT_S); resolves when all are gone.
	 */
	stop(): Promise<void>;
	/** Starts it again after stop() or after it exited. */
	start(): Promise<void>;
	/** A workshop's shared server: why this session may not run the command now (a limit, or a fault not theirs). */
	refuse?(command: LiveCommand): string | undefined;
	/** How the server gets started again when it is down (default: "x starts it"). */
	readonly restart?: string;
	/** The room's rules for this session, said on the Live panel. */
	readonly rules?: string;
	/**
	 * A workshop's shared server: the lifecycle state, folded once for the whole room (each session keeps only its
	 * cursor). `subscribe` hears that it changed, once a turn with how many events came; `current` folds what
	 * arrived since and returns the state.
	 */
	readonly shared?: {current(): LifecycleState; subscribe(listener: (events: number) => void): () => void};
}

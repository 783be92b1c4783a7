// What the app needs from a running pre-fork server, whichever it is: our own (`serve`)
// or real Gunicorn. The UI depends on this interface only.
import type {LifecycleEvent} from '../lifecycle/events';
import type {LifecycleState} from '../lifecycle/machine';
import type {LiveCommand} from '../ui/model';

export interface RequestResult {
	status?: number; // absent when the request failed outright
	ms: number;
	error?: string;
}

export interface BurstResult {
	sent: number;
	ok: number; // 2xx
	failed: number;
	ms: number;
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
	 * cursor). `subscribe` hears that it changed; `current` folds what arrived since and returns the state.
	 */
	readonly shared?: {current(): LifecycleState; subscribe(listener: () => void): () => void};
}

// A lab: predict what a real server will do, make it happen, and compare. Lab data is plain
// JSON-serialisable values; the goal names a function of goals.ts, since deciding needs code.
import type {HistoryEntry, LifecycleState} from '../lifecycle/machine';
import type {MemoryReading, RequestResult, ServerFlags, SlowClientResult, TimedResult} from '../live/source';
import type {LiveCommand} from '../ui/model';

export type ChapterId = 'request' | 'supervision' | 'worker-classes';

export type LabId =
	| 'respawn'
	| 'timeout'
	| 'timeout-gthread'
	| 'queueing'
	| 'queueing-ttin'
	| 'queueing-gthread'
	| 'accept'
	| 'reload'
	| 'reload-preload'
	| 'shutdown'
	| 'shutdown-int'
	| 'slow-client'
	| 'max-requests'
	| 'preload-memory';

export type GoalName =
	| 'respawn'
	| 'timeout'
	| 'timeout-gthread'
	| 'queueing'
	| 'accept'
	| 'reload'
	| 'shutdown'
	| 'slow-client'
	| 'max-requests'
	| 'preload-memory';

/** Multiple choice (answer: what Gunicorn does), or a number compared with the one measured. */
export type Prediction =
	| {kind: 'choice'; options: string[]; answer: number}
	| {kind: 'number'; unit: string; expected: number; tolerance: number};

/** One thing the learner does: a live command with its arguments. */
export interface LabStep {
	command: LiveCommand;
	label: string; // what the learner reads: "six GET /slow?s=1 at once"
	path?: string; // request, timed
	count?: number; // timed, slow-client
	text?: string; // edit-app
	intervalMs?: number; // slow-client: one byte every intervalMs
	bytes?: number; // slow-client: how long its header is
}

export interface Lab {
	id: LabId;
	title: string;
	chapter: ChapterId;
	variantOf?: LabId; // the same experiment with other flags
	setup: ServerFlags; // the server's flags for this lab (reset restarts it with them)
	question: string;
	prediction: Prediction;
	steps: LabStep[]; // in the planned order
	watch: string; // what to watch for (the sheet, without the answer)
	goal: GoalName;
	reveal: string[]; // lines with {fact} placeholders the goal fills in
	why: string;
	hints: [nudge: string, where: string, answer: string];
	differs: string[]; // where our server and real Gunicorn (20.1, and current) differ here
	/** Only real Gunicorn shows the effect: on our server the lab says so. */
	gunicornOnly?: string;
}

/** What the lab machine collects while the learner acts: the results of the probes. */
export type ProbeResult =
	| {kind: 'request'; path: string; result: RequestResult}
	| {kind: 'timed'; path: string; results: TimedResult[]}
	| {kind: 'slow-client'; results: SlowClientResult[]}
	| {kind: 'memory'; preload: boolean; readings: MemoryReading[]};

export interface Acted {
	step: LabStep;
	at: number; // Date.now() ms
	seq: number; // the lifecycle history's seq when it was done
}

export interface LogLine {
	line: string;
	at: number;
}

/** What a goal sees: the events since the learner began, and everything they did and got back. */
export interface GoalView {
	lab: Lab;
	since: number; // the lifecycle seq when the learner began
	entries: HistoryEntry[];
	before: LifecycleState; // the state when the learner began
	state: LifecycleState; // the state now
	acted: Acted[];
	results: Array<ProbeResult & {at: number}>;
	logs: LogLine[];
}

export type Facts = Record<string, string | number>;

/** A goal's verdict on what has happened so far. */
export type Observation =
	| {done: false; notes: string[]}
	| {
			done: true;
			notes: string[]; // out-of-order or surprising things, explained
			planned: boolean; // it happened as the lab planned it
			unplanned?: string; // why not, in words
			choice?: number; // for a choice: the option that really happened
			value?: number; // for a number: the figure measured
			facts: Facts;
	  };

export type Goal = (view: GoalView) => Observation;

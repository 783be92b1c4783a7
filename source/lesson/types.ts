import type {LifecycleEvent} from '../lifecycle/events';
import type {FlowNode} from '../lifecycle/selectors';

export type Variant = 'default' | 'preload';

export interface SampleFile {
	name: string; // shown as a caption: "shell", "myproject/wsgi.py"
	lines: string[];
}

export interface Step {
	title: string;
	events: LifecycleEvent[];
	narration: string[]; // paragraphs
	/** The sample line this step runs, lit in the Sample panel. */
	sample?: {file: number; line: number};
	/**
	 * The events this step explains when following a live server: an event type, or type:detail
	 * (worker.exited:killed, app.loaded:master; see lesson/explains.ts). Absent: its own events' types.
	 */
	explains?: string[];
}

export type TableColumn = 'gunicorn' | 'worker' | 'django' | 'output';

/** What a quiz hint lights: a table cell, a flow node, or a tracker row. */
export type HintTarget =
	| {panel: 'table'; step: number; column: TableColumn}
	| {panel: 'flow'; node: FlowNode}
	| {panel: 'variables'; variable: string};

export interface QuizQuestion {
	id: string;
	question: string;
	options: string[]; // lettered a, b, c, d
	answer: number; // index into options
	hint: string;
	target: HintTarget;
	explanation: string;
}

export interface KeyMoment {
	question: string;
	answer: string;
	step: number;
}

/** The names a chapter's text is written with, and the scripted values it is rendered with. */
export interface Cast {
	master: number;
	workers: number[]; // {worker}, {worker2}, ...
	address: string;
	count: number; // {workers}: how many the master keeps
	timeout: number;
	app: string;
}

/** The variable tracker's rows, by name (lifecycle/selectors.ts TRACKED). */
export type TrackedVariable =
	| 'Master'
	| 'Workers'
	| 'Pids'
	| 'Wanted'
	| 'Django app'
	| 'Request'
	| 'Served'
	| 'Last exit';

export interface Lesson {
	title: string;
	summary: string;
	flow: Array<{node: FlowNode; label: string; detail: string; apart?: boolean}>; // apart: not on the request path
	steps: Step[];
	samples: SampleFile[];
	sampleNote: string;
	/** Steps after which the variable tracker takes a column. */
	checkpoints: number[];
	keyMoments: KeyMoment[];
	quiz: QuizQuestion[];
	snapshot: string[];
	transcript: string[];
	/** Why --preload matters, shown beside the variant. */
	preloadNotes: string[];
	/** Live: what a supervision event means (keys: event type, or worker.exited.REASON). */
	liveNotes: Record<string, string>;
	/** The scripted names (absent: the text names no one, nothing is renamed live). */
	cast?: Cast;
	/** Each text the cast renamed (title, narration, moments, quiz, snapshot...), as written with {names}. */
	written?: ReadonlyMap<string, string>;
	/** The tracker's rows (absent: Master, Workers, Django app, Request, Served) and its last column's label. */
	tracker?: {variables?: TrackedVariable[]; final?: string};
	/** The table's columns after # and Action, with their headings (absent: all four). */
	table?: {columns: Array<{column: TableColumn; label: string}>};
	/** The ids of its labs (source/labs/labs.ts), shown first in the Labs panel and after it by --plain. */
	labs?: string[];
}

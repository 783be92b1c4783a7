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
}

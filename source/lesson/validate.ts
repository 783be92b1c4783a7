// A lesson file checked field by field before anything starts: the first problem is thrown as
// one line, "steps[3].events[0].type: unknown event type ...", which the loader prefixes with
// the file's name. What passes is a ChapterData that buildChapter renders and the machine plays.
import {LABS} from '../labs/labs';
import {eventProblem, type LifecycleEvent} from '../lifecycle/events';
import {initialState, reduce, type LifecycleState} from '../lifecycle/machine';
import {FLOW_NODES, TRACKED_VARIABLES, DEFAULT_TRACKED} from '../lifecycle/selectors';
import {explainsProblem} from './explains';
import type {ChapterData, StepData} from './format';
import {nameProblem} from './names';
import type {Cast, TableColumn, TrackedVariable, Variant} from './types';

export class LessonError extends Error {}

type Obj = Record<string, unknown>;
const fail = (path: string, message: string): never => {
	throw new LessonError(`${path || 'the lesson'}: ${message}`);
};
const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v);
const join = (path: string, key: string | number) =>
	typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;

function object(v: unknown, path: string, required: string[], optional: string[] = []): Obj {
	if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(path, `must be a mapping, not ${kind(v)}`);
	const o = v as Obj;
	for (const key of Object.keys(o))
		if (!required.includes(key) && !optional.includes(key))
			fail(join(path, key), `unknown field (expected ${[...required, ...optional].join(', ')})`);
	for (const key of required) if (o[key] === undefined) fail(join(path, key), 'missing');
	return o;
}

function text(v: unknown, path: string): string {
	if (typeof v !== 'string') return fail(path, `must be text, not ${kind(v)}`);
	if (!v.trim()) fail(path, 'is empty');
	return v;
}

function list<T>(v: unknown, path: string, item: (x: unknown, path: string) => T, min = 1, max = Infinity): T[] {
	if (!Array.isArray(v)) return fail(path, `must be a list, not ${kind(v)}`);
	if (v.length < min) fail(path, min === 1 ? 'is empty' : `needs at least ${min} items (has ${v.length})`);
	if (v.length > max) fail(path, `has ${v.length} items, at most ${max}`);
	return v.map((x, i) => item(x, join(path, i)));
}

function integer(v: unknown, path: string, min: number, max: number, what = ''): number {
	if (!Number.isInteger(v)) return fail(path, `must be a whole number, not ${kind(v)}`);
	const n = v as number;
	if (n < min || n > max) fail(path, `${n} is out of range${what}: ${min}-${max}`);
	return n;
}

function oneOf<T extends string>(v: unknown, path: string, allowed: readonly T[], what: string): T {
	if (!allowed.includes(v as T)) fail(path, `unknown ${what} ${JSON.stringify(v)} (one of ${allowed.join(', ')})`);
	return v as T;
}

const texts = (v: unknown, path: string) => list(v, path, text);

function castOf(v: unknown, path: string): Cast {
	const o = object(v, path, ['master', 'workers', 'address', 'count', 'timeout', 'app']);
	return {
		master: integer(o.master, join(path, 'master'), 1, 2 ** 31),
		workers: list(o.workers, join(path, 'workers'), (x, p) => integer(x, p, 1, 2 ** 31)),
		address: text(o.address, join(path, 'address')),
		count: integer(o.count, join(path, 'count'), 1, 1000),
		timeout: integer(o.timeout, join(path, 'timeout'), 0, 86400),
		app: text(o.app, join(path, 'app')),
	};
}

function event(v: unknown, path: string): LifecycleEvent {
	const problem = eventProblem(v);
	if (problem) fail(problem.field ? join(path, problem.field) : path, problem.message);
	return v as LifecycleEvent;
}

const sampleRef = (v: unknown, path: string) => {
	const o = object(v, path, ['file', 'line']);
	return {file: integer(o.file, join(path, 'file'), 0, 99), line: integer(o.line, join(path, 'line'), 1, 999)};
};

const STEP_TEXT = ['title', 'narration', 'events', 'sample'];

function stepText(o: Obj, path: string) {
	return {
		...(o.title !== undefined ? {title: text(o.title, join(path, 'title'))} : {}),
		...(o.narration !== undefined ? {narration: texts(o.narration, join(path, 'narration'))} : {}),
		...(o.events !== undefined ? {events: list(o.events, join(path, 'events'), event)} : {}),
		...(o.sample !== undefined ? {sample: sampleRef(o.sample, join(path, 'sample'))} : {}),
	};
}

function step(v: unknown, path: string): StepData {
	const o = object(v, path, ['title', 'narration', 'events'], ['sample', 'explains', 'preload']);
	const explains =
		o.explains === undefined
			? undefined
			: list(o.explains, join(path, 'explains'), (x, p) => {
					const problem = explainsProblem(text(x, p));
					return problem ? fail(p, problem) : (x as string);
				});
	const preload =
		o.preload === undefined
			? undefined
			: stepText(object(o.preload, join(path, 'preload'), [], STEP_TEXT), join(path, 'preload'));
	return {
		...(stepText(o, path) as Required<Pick<StepData, 'title' | 'narration' | 'events'>>),
		...(explains ? {explains} : {}),
		...(preload ? {preload} : {}),
	};
}

const LAB_IDS = LABS.map(l => l.id);
const COLUMNS: readonly TableColumn[] = ['gunicorn', 'worker', 'django', 'output'];

/** The structure, field by field: types, required fields, known names. */
function structure(v: unknown): ChapterData {
	const required = ['title', 'summary', 'flow', 'steps', 'samples', 'sampleNote', 'checkpoints', 'keyMoments'];
	const optional = ['id', 'cast', 'preloadNotes', 'liveNotes', 'tracker', 'table', 'labs'];
	const o = object(v, '', [...required, 'quiz', 'snapshot', 'transcript'], optional);
	const flow = list(o.flow, 'flow', (x, p) => {
		const f = object(x, p, ['node', 'label', 'detail'], ['apart']);
		if (f.apart !== undefined && typeof f.apart !== 'boolean') fail(join(p, 'apart'), 'must be true or false');
		return {
			node: oneOf(f.node, join(p, 'node'), FLOW_NODES, 'flow node'),
			label: text(f.label, join(p, 'label')),
			detail: text(f.detail, join(p, 'detail')),
			...(f.apart !== undefined ? {apart: f.apart as boolean} : {}),
		};
	});
	const tracker = o.tracker === undefined ? undefined : object(o.tracker, 'tracker', [], ['variables', 'final']);
	const table = o.table === undefined ? undefined : object(o.table, 'table', ['columns']);
	return {
		...(o.id !== undefined ? {id: text(o.id, 'id')} : {}),
		title: text(o.title, 'title'),
		summary: text(o.summary, 'summary'),
		...(o.cast !== undefined ? {cast: castOf(o.cast, 'cast')} : {}),
		flow,
		steps: list(o.steps, 'steps', step),
		samples: list(o.samples, 'samples', (x, p) => {
			const f = object(x, p, ['name', 'lines'], ['preload']);
			const lines = (v: unknown, q: string) =>
				list(v, q, (l, r) => (typeof l === 'string' ? l : fail(r, 'must be text')));
			return {
				name: text(f.name, join(p, 'name')),
				lines: lines(f.lines, join(p, 'lines')),
				...(f.preload !== undefined
					? {
							preload: {
								lines: lines(
									object(f.preload, join(p, 'preload'), ['lines']).lines,
									join(p, 'preload.lines'),
								),
							},
						}
					: {}),
			};
		}),
		sampleNote: text(o.sampleNote, 'sampleNote'),
		checkpoints: list(o.checkpoints, 'checkpoints', (x, p) => integer(x, p, 1, 999)),
		keyMoments: list(o.keyMoments, 'keyMoments', (x, p) => {
			const m = object(x, p, ['question', 'answer', 'step']);
			return {
				question: text(m.question, join(p, 'question')),
				answer: text(m.answer, join(p, 'answer')),
				step: integer(m.step, join(p, 'step'), 1, 999),
			};
		}),
		quiz: list(o.quiz, 'quiz', question),
		snapshot: texts(o.snapshot, 'snapshot'),
		transcript: texts(o.transcript, 'transcript'),
		...(o.preloadNotes !== undefined ? {preloadNotes: list(o.preloadNotes, 'preloadNotes', text, 0)} : {}),
		...(o.liveNotes !== undefined ? {liveNotes: liveNotes(o.liveNotes)} : {}),
		...(o.labs !== undefined ? {labs: list(o.labs, 'labs', (x, p) => oneOf(x, p, LAB_IDS, 'lab'), 0)} : {}),
		...(tracker
			? {
					tracker: {
						...(tracker.variables !== undefined
							? {
									variables: list(tracker.variables, 'tracker.variables', (x, p) =>
										oneOf(x, p, TRACKED_VARIABLES, 'tracked variable'),
									),
								}
							: {}),
						...(tracker.final !== undefined ? {final: text(tracker.final, 'tracker.final')} : {}),
					},
				}
			: {}),
		...(table
			? {
					table: {
						columns: list(table.columns, 'table.columns', (x, p) => {
							const c = object(x, p, ['column', 'label']);
							return {
								column: oneOf(c.column, join(p, 'column'), COLUMNS, 'column'),
								label: text(c.label, join(p, 'label')),
							};
						}),
					},
				}
			: {}),
	};
}

function question(x: unknown, p: string) {
	const q = object(x, p, ['id', 'question', 'options', 'answer', 'hint', 'target', 'explanation']);
	const options = list(q.options, join(p, 'options'), text, 2, 4);
	const t = object(q.target, join(p, 'target'), ['panel'], ['step', 'column', 'node', 'variable']);
	const tp = join(p, 'target');
	const panel = oneOf(t.panel, join(tp, 'panel'), ['table', 'flow', 'variables'] as const, 'panel');
	const keys = {table: ['step', 'column'], flow: ['node'], variables: ['variable']}[panel];
	object(t, tp, ['panel', ...keys]); // only the fields its panel uses
	const target =
		panel === 'table'
			? {
					panel,
					step: integer(t.step, join(tp, 'step'), 1, 999),
					column: oneOf(t.column, join(tp, 'column'), COLUMNS, 'column'),
				}
			: panel === 'flow'
				? {panel, node: oneOf(t.node, join(tp, 'node'), FLOW_NODES, 'flow node')}
				: {panel, variable: text(t.variable, join(tp, 'variable'))};
	return {
		id: text(q.id, join(p, 'id')),
		question: text(q.question, join(p, 'question')),
		options,
		answer: integer(q.answer, join(p, 'answer'), 0, options.length - 1, ` for ${options.length} options`),
		hint: text(q.hint, join(p, 'hint')),
		target,
		explanation: text(q.explanation, join(p, 'explanation')),
	};
}

/** Keys are an event type, or worker.exited.REASON (what view.ts looks up). */
function liveNotes(v: unknown): Record<string, string> {
	const o = object(v, 'liveNotes', [], typeof v === 'object' && v ? Object.keys(v) : []);
	for (const [key, note] of Object.entries(o)) {
		const parts = key.split('.');
		const [type, detail] = [parts.slice(0, 2).join('.'), parts[2]];
		const problem = parts.length > 3 ? 'unknown key' : explainsProblem(detail ? `${type}:${detail}` : type);
		if (problem) fail(join('liveNotes', key), problem);
		text(note, join('liveNotes', key));
	}
	return o as Record<string, string>;
}

/** References between fields: steps, flow boxes, samples, tracker rows that a field points at. */
function references(d: ChapterData): void {
	const steps = d.steps.length;
	const past = (path: string, n: number) => n > steps && fail(path, `step ${n} is past the last step (${steps})`);
	d.checkpoints.forEach((n, i) => {
		past(`checkpoints[${i}]`, n);
		if (i && n <= d.checkpoints[i - 1]) fail(`checkpoints[${i}]`, 'checkpoints go up, each after the one before');
	});
	d.keyMoments.forEach((m, i) => past(`keyMoments[${i}].step`, m.step));
	const nodes = d.flow.map(f => f.node);
	nodes.forEach((n, i) => nodes.indexOf(n) !== i && fail(`flow[${i}].node`, `"${n}" is drawn twice`));
	const variables: readonly TrackedVariable[] = d.tracker?.variables ?? DEFAULT_TRACKED;
	const columns = d.table?.columns.map(c => c.column) ?? ['gunicorn', 'worker', 'django', 'output'];
	const ids = new Set<string>();
	d.quiz.forEach((q, i) => {
		const p = `quiz[${i}]`;
		if (ids.has(q.id)) fail(`${p}.id`, `"${q.id}" is used twice`);
		ids.add(q.id);
		const t = q.target;
		if (t.panel === 'table') {
			if (t.step > steps) fail(`${p}.target.step`, `hint target past the steps: step ${t.step} of ${steps}`);
			if (!columns.includes(t.column)) fail(`${p}.target.column`, `the table shows no "${t.column}" column`);
		} else if (t.panel === 'flow' && !nodes.includes(t.node))
			fail(`${p}.target.node`, `the flow draws no "${t.node}" box`);
		else if (t.panel === 'variables' && !variables.includes(t.variable as TrackedVariable))
			fail(`${p}.target.variable`, `the tracker has no "${t.variable}" row (it has ${variables.join(', ')})`);
	});
	d.steps.forEach((s, i) => {
		for (const [sample, p] of [
			[s.sample, `steps[${i}].sample`],
			[s.preload?.sample, `steps[${i}].preload.sample`],
		] as const) {
			if (!sample) continue;
			const file = d.samples[sample.file];
			if (!file) fail(`${p}.file`, `no sample file ${sample.file} (there are ${d.samples.length}, from 0)`);
			else if (sample.line > file.lines.length) fail(`${p}.line`, `${file.name} has ${file.lines.length} lines`);
		}
	});
}

/** Every text a learner reads, with its path: their {names} must be known ones. */
function names(d: ChapterData): void {
	const check = (t: string | undefined, path: string) => {
		const problem = t === undefined ? undefined : nameProblem(t, d.cast);
		if (problem) fail(path, problem);
	};
	const all = (ts: readonly string[] | undefined, path: string) => ts?.forEach((t, i) => check(t, `${path}[${i}]`));
	check(d.title, 'title');
	check(d.summary, 'summary');
	check(d.sampleNote, 'sampleNote');
	d.flow.forEach((f, i) => (check(f.label, `flow[${i}].label`), check(f.detail, `flow[${i}].detail`)));
	d.steps.forEach((s, i) => {
		check(s.title, `steps[${i}].title`);
		all(s.narration, `steps[${i}].narration`);
		check(s.preload?.title, `steps[${i}].preload.title`);
		all(s.preload?.narration, `steps[${i}].preload.narration`);
	});
	d.keyMoments.forEach(
		(m, i) => (check(m.question, `keyMoments[${i}].question`), check(m.answer, `keyMoments[${i}].answer`)),
	);
	d.quiz.forEach((q, i) => {
		for (const field of ['question', 'hint', 'explanation'] as const) check(q[field], `quiz[${i}].${field}`);
		all(q.options, `quiz[${i}].options`);
	});
	all(d.snapshot, 'snapshot');
	all(d.transcript, 'transcript');
	all(d.preloadNotes, 'preloadNotes');
	for (const [key, note] of Object.entries(d.liveNotes ?? {})) check(note, `liveNotes.${key}`);
}

/** Each variant's steps played through the lifecycle machine: an event it refuses is named. */
function plays(d: ChapterData): void {
	for (const variant of ['default', 'preload'] as Variant[]) {
		let state: LifecycleState = initialState;
		d.steps.forEach((s, i) => {
			const own = variant === 'preload' && s.preload?.events;
			const events = own || s.events;
			events.forEach((e, j) => {
				const next = reduce(state, e);
				if (next.rejected.length > state.rejected.length) {
					const path = `steps[${i}]${own ? '.preload' : ''}.events[${j}]`;
					const why = next.rejected.at(-1)!.reason;
					fail(path, `the lifecycle cannot take this ${e.type}${own ? '' : ` (${variant})`}: ${why}`);
				}
				state = next;
			});
		});
	}
}

/** The chapter a parsed file holds, or a LessonError naming the first field that is wrong. */
export function validateChapter(value: unknown): ChapterData {
	const data = structure(value);
	references(data);
	names(data);
	plays(data);
	return data;
}

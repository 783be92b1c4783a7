// What the panels show at the current position: the lesson's state after step N, or a real
// server's state at the inspected event. Both come out of the same lifecycle machine.
import {liveWorkers, type LifecycleState} from '../lifecycle/machine';
import {versionNote} from '../lifecycle/describe';
import {
	executionTable,
	nodeOf,
	replay,
	variableTracker,
	type FlowNode,
	type TableRow,
	type TrackerColumn,
	type TrackerRow,
} from '../lifecycle/selectors';
import {currentChapter, type Chapter} from '../lesson/chapters';
import {stepAt} from '../lesson/explains';
import {render, type Names} from '../lesson/names';
import {THREADED_WORDS} from '../lesson/script';
import {trackerColumns} from '../lesson/plain';
import {playLesson, type Timeline} from '../lesson/timeline';
import type {Lesson, Variant} from '../lesson/types';

export interface View {
	state: LifecycleState; // at the current position
	rows: TableRow[]; // execution table rows up to the current position
	current: number; // index of the current row
	lit?: FlowNode;
	step: number; // the lesson step whose narration applies
	tracker: {columns: TrackerColumn[]; rows: TrackerRow[]};
	position: string; // "Step 3/9", "Event 57/120 live"
	liveNote?: string; // live: what the inspected event means, when it is not a lesson step
	/** The lesson's words for this position: live, its scripted pids become the real ones. */
	narrate: (text: string) => string;
}

const asWritten = (text: string) => text;

/**
 * Live, the lesson's narration names the real server: its address, worker count and timeout,
 * its master, as {worker} the worker the inspected event is about and as {worker2} another live
 * one. The chapter's text is written with those names (lesson/names.ts) and rendered again
 * here. `latest` is the newest state (the address is known there even when the inspected event
 * came before the bind). On a gthread server chapter 1's sync-only sentences say what a ThreadWorker
 * does instead.
 */
function realNames(latest: LifecycleState, inspected: LifecycleState, pid: number | undefined, lesson: Lesson) {
	const {cast} = lesson;
	if (!cast) return asWritten;
	const {master} = latest;
	const live = liveWorkers(inspected).map(w => w.pid);
	const workers = pid !== undefined && pid !== master.pid ? [pid, ...live.filter(p => p !== pid)] : live;
	const names: Names = {
		master: String(master.pid || cast.master),
		workers: workers.map(String),
		address: master.address ?? cast.address,
		count: master.wanted || cast.count,
		timeout: master.timeout,
		app: cast.app,
	};
	const threaded = (text: string) =>
		master.workerClass === 'gthread'
			? THREADED_WORDS.reduce((said, [sync, gthread]) => said.split(sync).join(gthread), text)
			: text;
	const steps = stepTexts(lesson);
	return (text: string) => {
		const template = lesson.written?.get(text);
		// Beyond the steps (moments, snapshot, transcript) a named worker is one of the lesson's own story.
		const renamed = template !== undefined && (steps.has(text) || !WORKER_NAME.test(template));
		return threaded(renamed ? render(template, names) : text);
	};
}

const WORKER_NAME = /\{worker\d*\}/;
const stepTextsOf = new WeakMap<Lesson, Set<string>>();
function stepTexts(lesson: Lesson): Set<string> {
	let texts = stepTextsOf.get(lesson);
	if (!texts) stepTextsOf.set(lesson, (texts = new Set(lesson.steps.flatMap(s => [s.title, ...s.narration]))));
	return texts;
}

interface Played {
	chapter: Chapter;
	lesson: Lesson;
	timeline: Timeline;
	/** Every step's rows, derived the first time a panel reads them (the first frame shows none). */
	table: () => TableRow[];
}

const lessons = new Map<string, {chapter: Chapter; lesson: Lesson}>();
const played = new Map<string, Played>();

/** The chapter's lesson for a variant, built once: all the chapter list and the step count need. */
export function lessonOf(variant: Variant, chapter: Chapter = currentChapter()): Lesson {
	const key = `${chapter.id} ${variant}`;
	let entry = lessons.get(key);
	if (!entry || entry.chapter !== chapter) lessons.set(key, (entry = {chapter, lesson: chapter.lesson(variant)}));
	return entry.lesson;
}

/** The chapter's lesson and its played timeline, built once per chapter and variant. */
export function lessonFor(variant: Variant, chapter: Chapter = currentChapter()): Played {
	const key = `${chapter.id} ${variant}`;
	let entry = played.get(key);
	if (!entry || entry.chapter !== chapter) {
		const lesson = lessonOf(variant, chapter);
		const timeline = playLesson(lesson);
		let table: TableRow[] | undefined;
		const rows = () => (table ??= executionTable(timeline.states[lesson.steps.length], timeline.cuts));
		entry = {chapter, lesson, timeline, table: rows};
		played.set(key, entry);
	}
	return entry;
}

const lessonViews = new WeakMap<ReturnType<typeof lessonFor>, Map<number, View>>();

/** A step's view, derived once per lesson: sessions at the same step share it (and what is drawn from it). */
export function lessonView(variant: Variant, at: number, chapter?: Chapter): View {
	const entry = lessonFor(variant, chapter);
	const step = Math.min(Math.max(1, at), entry.lesson.steps.length);
	let bySteps = lessonViews.get(entry);
	if (!bySteps) lessonViews.set(entry, (bySteps = new Map()));
	let view = bySteps.get(step);
	if (!view) bySteps.set(step, (view = deriveLessonView(entry, step)));
	return view;
}

function deriveLessonView({lesson, timeline, table}: ReturnType<typeof lessonFor>, step: number): View {
	const steps = lesson.steps.length;
	const state = timeline.states[step];
	let rows: TableRow[] | undefined;
	let tracker: View['tracker'] | undefined;
	// The table and the tracker are derived when a panel reads them: a step on the Flow panel needs neither.
	return {
		state,
		get rows() {
			return (rows ??= table().slice(0, step));
		},
		current: step - 1,
		lit: nodeOf(lesson.steps[step - 1].events.at(-1)!),
		step,
		get tracker() {
			if (tracker) return tracker;
			const columns = trackerColumns(lesson, timeline.cuts, step);
			if (!lesson.checkpoints.includes(step)) columns.push({label: 'Now', seq: timeline.cuts[step - 1]});
			return (tracker = {
				columns,
				rows: variableTracker(timeline.states[steps], columns, lesson.tracker?.variables),
			});
		},
		position: `Step ${step}/${steps}`,
		narrate: asWritten,
	};
}

/** Live rows kept on screen: the table is a window on the newest events. */
export const LIVE_ROWS = 200;

/**
 * Views already derived, per state, lesson and cursor: a workshop's sessions share one state (its shared
 * server), and every session at the same cursor (most follow the newest event) gets the same view, derived once.
 */
const liveViews = new WeakMap<LifecycleState, WeakMap<Lesson, Map<number | undefined, View>>>();

export function liveView(live: LifecycleState, cursor: number | undefined, lesson: Lesson): View {
	let byLesson = liveViews.get(live);
	if (!byLesson) liveViews.set(live, (byLesson = new WeakMap()));
	let byCursor = byLesson.get(lesson);
	if (!byCursor) byLesson.set(lesson, (byCursor = new Map()));
	let view = byCursor.get(cursor);
	if (!view) byCursor.set(cursor, (view = deriveLiveView(live, cursor, lesson)));
	return view;
}

function deriveLiveView(live: LifecycleState, cursor: number | undefined, lesson: Lesson): View {
	const notes = lesson.liveNotes;
	const history = live.history;
	if (history.length === 0) {
		return {
			state: live,
			rows: [],
			current: -1,
			step: 1,
			tracker: {columns: [], rows: []},
			position: 'Waiting for the server',
			narrate: realNames(live, live, undefined, lesson),
		};
	}
	const found = cursor === undefined ? -1 : history.findIndex(h => h.seq === cursor);
	const index = found < 0 ? history.length - 1 : found;
	const {event, seq} = history[index];
	let state = live;
	if (index < history.length - 1) replay(live, (s, h) => void (h.seq === seq && (state = s)));
	const all = executionTable(live); // one row per kept event
	// A window of rows around the inspected event: the newest ones while following.
	const from = Math.max(0, Math.min(all.length - LIVE_ROWS, index - LIVE_ROWS / 2));
	// The tracker: the inspected event and the few before it.
	const columns: TrackerColumn[] = [4, 3, 2, 1, 0]
		.map(back => history[index - back]?.seq)
		.filter((x): x is number => x !== undefined)
		.map(at => ({label: at === seq ? 'Now' : `#${at}`, seq: at}));
	const lessonNote = event.type === 'worker.exited' ? notes[`worker.exited.${event.reason}`] : notes[event.type];
	const version = versionNote(event); // where Gunicorn 20.1's log words differ from current Gunicorn's
	const note = lessonNote && version ? `${lessonNote} ${version}` : (lessonNote ?? version);
	return {
		state,
		rows: all.slice(from),
		current: index - from,
		lit: nodeOf(event),
		step: stepAt(lesson, i => history[i].event, index),
		tracker: {columns, rows: variableTracker(live, columns, lesson.tracker?.variables)},
		position: `Event ${seq}/${live.seq}${cursor === undefined ? ' live' : ' paused'}`,
		liveNote: note,
		narrate: realNames(live, state, 'pid' in event ? event.pid : undefined, lesson),
	};
}

// What the panels show at the current position: the lesson's state after step N, or a real
// server's state at the inspected event. Both come out of the same lifecycle machine.
import {liveWorkers, type LifecycleState} from '../lifecycle/machine';
import {versionNote} from '../lifecycle/describe';
import {
	executionTable,
	lessonStepOf,
	nodeOf,
	replay,
	variableTracker,
	type FlowNode,
	type TableRow,
	type TrackerColumn,
	type TrackerRow,
} from '../lifecycle/selectors';
import {buildLesson} from '../lesson/lesson';
import {ADDRESS, MASTER, WORKERS} from '../lesson/script';
import {trackerColumns} from '../lesson/plain';
import {playLesson, type Timeline} from '../lesson/timeline';
import type {Lesson, Variant} from '../lesson/types';
import {STEPS} from './model';

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
 * Live, the lesson's narration names the real server: its address, worker count and timeout
 * become the real ones, its master the real master, its first worker the one the inspected event
 * is about, its second worker another live one. `latest` is the newest state (the address is known
 * there even when the inspected event came before the bind).
 */
function realNames(
	latest: LifecycleState,
	inspected: LifecycleState,
	pid: number | undefined,
): (text: string) => string {
	const {master} = latest;
	const live = liveWorkers(inspected).map(w => w.pid);
	const workers = pid !== undefined && pid !== master.pid ? [pid, ...live.filter(p => p !== pid)] : live;
	const count = master.wanted || 2;
	const many =
		count <= 10
			? ['', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'][count]
			: String(count);
	const names = new Map<string, string>([
		[ADDRESS, master.address ?? ADDRESS],
		['the default address', master.address && master.address !== ADDRESS ? 'the address' : 'the default address'],
		['two workers', count === 1 ? 'one worker' : `${many} workers`],
		['two copies', count === 1 ? 'one copy' : `${many} copies`],
		['30 second timeout', `${master.timeout} second timeout`],
		[String(MASTER), String(master.pid || MASTER)],
	]);
	WORKERS.forEach((scripted, i) => names.set(String(scripted), workers[i] ? String(workers[i]) : 'another worker'));
	const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	const pattern = new RegExp(`\\b(${[...names.keys()].map(escapeRegExp).join('|')})\\b`, 'g');
	return text => text.replace(pattern, scripted => names.get(scripted)!);
}

const lessons = new Map<Variant, {lesson: Lesson; timeline: Timeline; table: TableRow[]}>();

/** The lesson and its played timeline, built once per variant. */
export function lessonFor(variant: Variant) {
	let entry = lessons.get(variant);
	if (!entry) {
		const lesson = buildLesson(variant);
		const timeline = playLesson(lesson);
		entry = {lesson, timeline, table: executionTable(timeline.states[STEPS], timeline.cuts)};
		lessons.set(variant, entry);
	}
	return entry;
}

export function lessonView(variant: Variant, step: number): View {
	const {lesson, timeline, table} = lessonFor(variant);
	const state = timeline.states[step];
	const columns = trackerColumns(lesson, timeline.cuts, step);
	if (!lesson.checkpoints.includes(step)) columns.push({label: 'Now', seq: timeline.cuts[step - 1]});
	return {
		state,
		rows: table.slice(0, step),
		current: step - 1,
		lit: nodeOf(lesson.steps[step - 1].events.at(-1)!),
		step,
		tracker: {columns, rows: variableTracker(timeline.states[STEPS], columns)},
		position: `Step ${step}/${STEPS}`,
		narrate: asWritten,
	};
}

/** Live rows kept on screen: the table is a window on the newest events. */
export const LIVE_ROWS = 200;

/**
 * Views already derived, per state and cursor: a workshop's sessions share one state (its shared server), and
 * every session at the same cursor (most follow the newest event) gets the same view, derived once.
 */
const liveViews = new WeakMap<LifecycleState, WeakMap<Record<string, string>, Map<number | undefined, View>>>();

export function liveView(live: LifecycleState, cursor: number | undefined, notes: Record<string, string>): View {
	let byNotes = liveViews.get(live);
	if (!byNotes) liveViews.set(live, (byNotes = new WeakMap()));
	let byCursor = byNotes.get(notes);
	if (!byCursor) byNotes.set(notes, (byCursor = new Map()));
	let view = byCursor.get(cursor);
	if (!view) byCursor.set(cursor, (view = deriveLiveView(live, cursor, notes)));
	return view;
}

function deriveLiveView(live: LifecycleState, cursor: number | undefined, notes: Record<string, string>): View {
	const history = live.history;
	if (history.length === 0) {
		return {
			state: live,
			rows: [],
			current: -1,
			step: 1,
			tracker: {columns: [], rows: []},
			position: 'Waiting for the server',
			narrate: realNames(live, live, undefined),
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
		step: lessonStepOf(event),
		tracker: {columns, rows: variableTracker(live, columns)},
		position: `Event ${seq}/${live.seq}${cursor === undefined ? ' live' : ' paused'}`,
		liveNote: note,
		narrate: realNames(live, state, 'pid' in event ? event.pid : undefined),
	};
}

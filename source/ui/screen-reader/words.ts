// What each panel and step says, as sentences for a screen reader: no box drawing, no
// diagrams, no columns to line up. The same sources as the panels (view.ts, the lesson).
import type {LabsUi} from '../labs-ui';
import type {LifecycleState} from '../../lifecycle/machine';
import {describeAction, describeApp, describeMaster, describeWorkers, gunicornLog} from '../../lifecycle/describe';
import type {LifecycleEvent} from '../../lifecycle/events';
import type {Lesson, QuizQuestion} from '../../lesson/types';
import type {QuizState} from '../model';
import {panelById, visiblePanels, type PanelId} from '../panels';
import {keysInWords as sayKeys} from '../keys';
import type {View} from '../view';
import {listWords, openWords} from './lab-words';

const LETTERS = 'abcd';

/** The keys, said: the same table as the full screen's help (source/ui/keys.ts). */
export const keysInWords = (live: boolean) => [
	'Keys, the same as on the full screen:',
	...sayKeys({leader: false, panels: visiblePanels({room: false, live})}),
];

/** The step at this position: where it is, its title, its narration; live, what the event means. */
export function stepWords(view: View, lesson: Lesson): string[] {
	const step = lesson.steps[view.step - 1];
	// "Step 3/9" is read "Step 3 of 9"; live, "Event 57/120 paused" is read "Event 57 of 120, paused".
	const where = view.position.replace(
		/^(Step|Event) (\d+)\/(\d+)( live| paused)?$/,
		(_, what, n, of, mode = '') => `${what} ${n} of ${of}${mode && ','}${mode}`,
	);
	return [
		`${where}: ${view.narrate(step.title)}.`,
		...(view.liveNote ? [view.liveNote] : []),
		...step.narration.map(view.narrate),
	];
}

function flowWords(view: View, lesson: Lesson): string[] {
	const lit = lesson.flow.find(f => f.node === view.lit);
	return [
		`The flow: ${lesson.flow.map(f => f.label).join(', then ')}.`,
		lit ? `Now at ${lit.label}: ${lit.detail}` : 'No box is lit at this position.',
	];
}

function sampleWords(view: View, lesson: Lesson): string[] {
	const at = lesson.steps[view.step - 1].sample;
	if (!at) return [`Step ${view.step} runs inside Gunicorn, not in the sample files.`, lesson.sampleNote];
	const file = lesson.samples[at.file];
	return [
		`Step ${view.step} runs ${file.name}, line ${at.line}: ${file.lines[at.line - 1].trim()}`,
		lesson.sampleNote,
	];
}

function tableWords(view: View): string[] {
	const row = view.rows[view.current];
	if (!row) return ['The table has no rows yet.'];
	return [
		`Row ${row.n} of ${view.rows.length}. Action: ${row.action}. Gunicorn: ${row.gunicorn}. ` +
			`Worker: ${row.worker}. Django: ${row.django}. Output: ${row.output}.`,
	];
}

function variableWords(view: View): string[] {
	const {columns, rows} = view.tracker;
	return rows.map(row => `${row.variable}: ${columns.map((c, i) => `${c.label}, ${row.values[i]}`).join('; ')}.`);
}

function momentWords(view: View, lesson: Lesson): string[] {
	const now = lesson.keyMoments.filter(m => m.step === view.step);
	const steps = lesson.keyMoments.map(m => m.step).join(', ');
	if (now.length === 0) return [`No key moment at step ${view.step}; they are at steps ${steps}.`];
	return now.flatMap(m => [`Key moment: ${view.narrate(m.question)}`, view.narrate(m.answer)]);
}

/** The question on screen: where it is in the quiz, its text, its options, and any answer given. */
export function questionWords(lesson: Lesson, quiz: QuizState): string[] {
	const q = lesson.quiz[quiz.index];
	const lines = [
		`Question ${quiz.index + 1} of ${lesson.quiz.length}: ${q.question}`,
		...q.options.map((o, i) => `${LETTERS[i]}: ${o}`),
	];
	const chosen = quiz.answers[q.id];
	if (chosen !== undefined) lines.push(`You answered ${LETTERS[chosen]}.`, ...feedbackWords(q, chosen));
	return lines;
}

export function feedbackWords(q: QuizQuestion, chosen: number): string[] {
	return [
		chosen === q.answer
			? `${LETTERS[chosen]} is correct.`
			: `${LETTERS[chosen]} is not right: the answer is ${LETTERS[q.answer]}, ${q.options[q.answer]}.`,
		q.explanation,
	];
}

export const optionWords = (q: QuizQuestion, cursor: number) => [`${LETTERS[cursor]}: ${q.options[cursor]}`];

function liveWords(view: View, live: boolean, rate?: number): string[] {
	if (!live) return ['The live panel needs a server: start with --live or --gunicorn.'];
	const s = view.state;
	const lines = [`Master: ${describeMaster(s)}.`, `Workers: ${describeWorkers(s)}.`, `Django: ${describeApp(s)}.`];
	lines.push(
		`${s.served} requests ` +
			`served${rate === undefined ? '' : `, ${rate.toFixed(1)} a second over the last 5 seconds`}.`,
	);
	return lines;
}

/** The Labs panel: the open lab, or the list. */
const labsWords = (labs: LabsUi, chapter: string, live: boolean) =>
	labs.open ? openWords(labs, labs.open, live) : listWords(labs, chapter, live);

/** Panel N in words, led by its name. */
export function panelWords(
	panel: PanelId,
	view: View,
	lesson: Lesson,
	quiz: QuizState,
	live: boolean,
	labs: {ui: LabsUi; chapter: string},
	rate?: number,
): string[] {
	const words: Record<PanelId, () => string[]> = {
		flow: () => flowWords(view, lesson),
		sample: () => sampleWords(view, lesson),
		table: () => tableWords(view),
		variables: () => variableWords(view),
		moments: () => momentWords(view, lesson),
		quiz: () => questionWords(lesson, quiz),
		snapshot: () =>
			[...lesson.snapshot, 'Why --preload matters (press v to switch):', ...lesson.preloadNotes].map(
				view.narrate,
			),
		transcript: () => lesson.transcript.map(view.narrate),
		live: () => liveWords(view, live, rate),
		labs: () => labsWords(labs.ui, labs.chapter, live),
		room: () => [],
	};
	const {key, title} = panelById(panel)!;
	return [`Panel ${key}, ${title}.`, ...words[panel]()];
}

/** One live event in words: what happened, and what a watcher of the server sees. */
export function eventWords(seq: number, event: LifecycleEvent, state: LifecycleState): string {
	const log = gunicornLog(event, state);
	return `Event ${seq}: ${describeAction(event)}.${log.length ? ` Gunicorn logs: ${log.join('; ')}.` : ''}`;
}

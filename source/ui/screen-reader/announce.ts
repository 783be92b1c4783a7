// What changed between two moments of the app, as the lines a screen reader should read:
// nothing is redrawn, every change is said once. Pure: the screen-reader App feeds it.
import type {LifecycleState} from '../../lifecycle/machine';
import type {Lesson} from '../../lesson/types';
import type {UiState} from '../model';
import {panelById} from '../panels';
import type {View} from '../view';
import {stateAfter} from '../../lifecycle/machine';
import {labChanges} from './lab-words';
import {eventWords, feedbackWords, keysInWords, optionWords, panelWords, questionWords, stepWords} from './words';

/** A burst of requests makes hundreds of events: say the first few, then count the rest. */
export const EVENTS_SAID = 12;

export interface Moment {
	ui: UiState;
	view: View;
	lesson: Lesson;
	live?: {state: LifecycleState; status?: string; running: boolean};
}

/** The live panel's status line ("burst of 200 requests …") as a sentence. */
const sentence = (text: string) => text.replace(/^./, c => c.toUpperCase()) + (/[.…:!?]$/.test(text) ? '' : '.');

function liveChanges(before: Moment['live'], after: NonNullable<Moment['live']>): string[] {
	const lines: string[] = [];
	const last = before?.state.history.at(-1)?.seq ?? 0;
	const fresh = after.state.history.filter(h => h.seq > last);
	for (const h of fresh.slice(0, EVENTS_SAID)) lines.push(eventWords(h.seq, h.event, stateAfter(h) ?? after.state));
	if (fresh.length > EVENTS_SAID) {
		const served = fresh.filter(h => h.event.type === 'response.sent').length;
		lines.push(`And ${fresh.length - EVENTS_SAID} more events (${served} responses sent in all).`);
	}
	if (after.status && after.status !== before?.status) lines.push(sentence(after.status));
	if (before && after.running !== before.running && !after.status)
		lines.push(after.running ? 'The server is running.' : 'The server has stopped.');
	return lines;
}

function quizChanges(b: UiState, a: UiState, lesson: Lesson): string[] {
	const q = lesson.quiz[a.quiz.index];
	if (b.quiz.index !== a.quiz.index) return questionWords(lesson, a.quiz);
	const chosen = a.quiz.answers[q.id];
	if (chosen !== undefined && chosen !== b.quiz.answers[q.id]) return feedbackWords(q, chosen);
	if (a.quiz.hints[q.id] !== b.quiz.hints[q.id]) return a.quiz.hints[q.id] ? [`Hint: ${q.hint}`] : ['Hint hidden.'];
	if (a.quiz.cursor !== b.quiz.cursor) return optionWords(q, a.quiz.cursor);
	return [];
}

/** The lines to read after a change from `before` (undefined: the app just started) to `after`. */
export function announce(before: Moment | undefined, after: Moment): string[] {
	const {ui, view, lesson} = after;
	const isLive = Boolean(after.live);
	const panel = () => panelWords(ui.panel, view, lesson, ui.quiz, isLive, {ui: ui.labs, chapter: ui.chapter});
	if (!before) {
		const start = [
			lesson.title,
			...(ui.notice ? [ui.notice] : []),
			...stepWords(view, lesson),
			...panel(),
			'Press ? for the keys.',
		];
		return after.live ? [...start, ...liveChanges(undefined, after.live)] : start;
	}
	const b = before.ui;
	const lines: string[] = [];
	if (ui.confirm && ui.confirm !== b.confirm) lines.push(ui.confirm);
	else if (b.confirm && !ui.confirm) lines.push('Not quitting.');
	if (ui.overlay === 'help' && b.overlay !== 'help') lines.push(...keysInWords(isLive));
	else if (b.overlay === 'help' && !ui.overlay) lines.push('Keys closed.');
	if (ui.playing !== b.playing)
		lines.push(ui.playing ? 'Autoplay: a step every 2.5 seconds; any key stops it.' : 'Autoplay stopped.');
	if (view.state !== before.view.state || view.step !== before.view.step) {
		const variant = ui.variant !== b.variant;
		if (variant)
			lines.push(
				ui.variant === 'preload'
					? 'Now with --preload: the master imports the app before it forks.'
					: 'Now without --preload: each worker imports the app after the fork.',
			);
		// Live, the view moves with every event while following: those are said as events.
		const moved = isLive ? ui.cursor !== b.cursor : true;
		if (moved && ui.cursor === undefined && isLive) lines.push('Following the newest event.');
		else if (moved) lines.push(...stepWords(view, lesson));
		if (moved && ui.panel === b.panel && panelById(ui.panel)?.followsStep) lines.push(...panel().slice(1));
	}
	if (ui.panel !== b.panel) lines.push(...panel());
	else if (ui.panel === 'quiz') lines.push(...quizChanges(b, ui, lesson));
	if (after.live) lines.push(...liveChanges(before.live, after.live));
	// After the events: a lab's reveal follows what happened. A panel just opened on Labs said it all.
	if (ui.labs !== b.labs && !(ui.panel !== b.panel && ui.panel === 'labs'))
		lines.push(...labChanges(b.labs, ui.labs, ui.chapter, isLive));
	return lines;
}

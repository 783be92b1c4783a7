// The Labs panel in words, and what changed in a lab as the lines a screen reader reads: the
// question and choices, the prediction recorded, each step's instruction with its key, the notes
// while it runs, the reveal (prediction beside result, real pids, log lines, why) and the hints.
// The same lab machine as the App (source/labs/machine.ts); nothing here decides anything.
import {labById} from '../../labs/labs';
import {predictionText, shownHints, type LabState} from '../../labs/machine';
import {setupText} from '../../labs/sheet';
import type {Lab, LabId} from '../../labs/types';
import {LAB_STEP_KEYS} from '../lab-keys';
import {labOrder, labOutcome, type LabsUi} from '../labs-ui';
import {LETTERS, lastTimed, REVEAL_LOGS, verdictWord} from '../panels/lab-lines';

const press = (lab: Lab, i: number) => `press ${LAB_STEP_KEYS[lab.steps[i].command]}: ${lab.steps[i].label}`;

function predictionWords(lab: Lab, s: LabState): string[] {
	const p = lab.prediction;
	const said = s.prediction === undefined ? [] : [`Your prediction: ${predictionText(lab, s.prediction)}.`];
	if (p.kind === 'number') return [`Predict a number, in ${p.unit}: press e, type it, then Enter.`, ...said];
	const last = LETTERS[p.options.length - 1];
	return [...p.options.map((o, i) => `${LETTERS[i]}: ${o}`), `Predict: press a to ${last}.`, ...said];
}

/** "Lab respawn: kill -9 a worker (not tried)." */
const labLine = (ui: LabsUi, lab: Lab) => `Lab ${lab.id}: ${lab.title} (${labOutcome(ui, lab.id)}).`;

/** The planned step to do next, by the steps done so far; undefined once all are done. */
function nextStep(lab: Lab, s: LabState): number | undefined {
	const done = new Set(s.acted.map(a => a.step));
	const i = lab.steps.findIndex(st => !done.has(st));
	return i < 0 ? undefined : i;
}

/** A lab opened: everything its panel shows, in order, and the reveal if it was already observed. */
export function openWords(ui: LabsUi, id: LabId, attached: boolean): string[] {
	const lab = labById(id)!;
	const s = ui.states[id];
	if (!s) return [];
	return [
		...(ui.status ? [`Trouble: ${ui.status}`] : []),
		labLine(ui, lab),
		`Setup: ${setupText(lab)}; R restarts the server with it.`,
		`Question: ${lab.question}`,
		...predictionWords(lab, s),
		`${attached ? 'Do' : 'Do, with a server attached'}: ${lab.steps.map((_, i) => press(lab, i)).join('; then ')}.`,
		`Watch: ${lab.watch}.`,
		...(lab.gunicornOnly && s.server !== 'gunicorn' ? [lab.gunicornOnly] : []),
		...(attached ? [] : ['No server attached: start one with gunicorn-walkthrough --lab NAME.']),
		'h gives a hint, R resets, Escape goes back to all labs.',
		...(s.phase === 'observed' ? revealWords(s) : []),
	];
}

/** The list of labs, each with its state; the one under the cursor last. */
export function listWords(ui: LabsUi, chapter: string, attached: boolean): string[] {
	const labs = labOrder(chapter);
	const under = labs[ui.cursor];
	return [
		attached
			? "All labs, this chapter's first. Up and down choose one, Enter opens it:"
			: 'All labs (no server attached: start one with gunicorn-walkthrough --lab NAME):',
		...labs.map(l => labLine(ui, l)),
		...(under ? [`Under the cursor: ${under.id}.`] : []),
	];
}

/** The reveal: the verdict, the lab's own lines (pids, timings, the log line, why), latencies, the log. */
export function revealWords(s: LabState): string[] {
	const timed = lastTimed(s);
	const latencies = timed
		? [
				`Latency of each request: ${timed
					.map((r, i) => `${i + 1}, ${(r.ms / 1000).toFixed(2)} s${r.status ? '' : ' (no answer)'}`)
					.join('; ')}.`,
			]
		: [];
	const logs = s.logs.slice(-REVEAL_LOGS).map(l => `Log: ${l.line}`);
	return [
		verdictWord(s),
		...(s.reveal ?? []),
		...latencies,
		...(logs.length ? ["The server's log meanwhile, its last lines:", ...logs] : []),
		'R resets and runs it again.',
	];
}

/** What changed in the open lab between two moments of its machine. */
function stateChanges(lab: Lab, b: LabState, a: LabState): string[] {
	const lines: string[] = [];
	if (a.prediction !== b.prediction && a.prediction !== undefined)
		lines.push(`You predict: ${predictionText(lab, a.prediction)}.`);
	// Only reset takes a lab that was acting or observed back to not tried or predicted.
	const begun = (s: LabState) => s.phase === 'acting' || s.phase === 'observed';
	const reset = begun(b) && !begun(a);
	if (reset) lines.push(`Reset: the server restarts with the lab's flags, ${setupText(lab)}.`);
	for (const done of a.acted.slice(reset ? a.acted.length : b.acted.length)) lines.push(`Done: ${done.step.label}.`);
	if (a.acted.length > b.acted.length && a.phase === 'acting') {
		const next = nextStep(lab, a);
		lines.push(next === undefined ? 'Watching the server …' : `Next, ${press(lab, next)}.`);
	}
	if (a.phase === 'acting') for (const note of a.notes.filter(n => !b.notes.includes(n))) lines.push(`Note: ${note}`);
	if (a.phase === 'observed' && b.phase !== 'observed') lines.push(...revealWords(a));
	const hints = shownHints(a);
	if (a.hints > b.hints) lines.push(...hints.slice(b.hints).map((h, i) => `Hint ${b.hints + i + 1}: ${h}`));
	return lines;
}

/** The lines to read after the Labs panel's state changed from `b` to `a`. */
export function labChanges(b: LabsUi, a: LabsUi, chapter: string, attached: boolean): string[] {
	const lines: string[] = [];
	// Cleared by a reset or a restart: the live events then say the server starting.
	if (a.status && a.status !== b.status) lines.push(`Trouble: ${a.status}`);
	if (a.open !== b.open)
		return [...lines, ...(a.open ? openWords(a, a.open, attached) : listWords(a, chapter, attached))];
	if (!a.open) {
		const under = labOrder(chapter)[a.cursor];
		if (a.cursor !== b.cursor && under) lines.push(labLine(a, under));
		return lines;
	}
	const lab = labById(a.open)!;
	const [before, after] = [b.states[a.open], a.states[a.open]];
	const unit = lab.prediction.kind === 'number' ? lab.prediction.unit : '';
	if (a.typing !== undefined && b.typing === undefined)
		lines.push(`Type the number, in ${unit}; Enter predicts, Escape cancels.`);
	if (a.typing && a.typing !== b.typing) lines.push(`Typed: ${a.typing}`);
	if (a.typing === undefined && b.typing !== undefined && after?.prediction === before?.prediction)
		lines.push('No number predicted.');
	if (before && after && before !== after) lines.push(...stateChanges(lab, before, after));
	return lines;
}

// The whole lesson as plain text, in reading order: for pipes, --plain and screen readers.
// No escape codes unless colour is forced (FORCE_COLOR), even on a terminal.
import process from 'node:process';
import {Chalk} from 'chalk';
import {labById} from '../labs/labs';
import {labSheet} from '../labs/sheet';
import type {Lab} from '../labs/types';
import {executionTable, variableTracker} from '../lifecycle/selectors';
import {CHAPTERS, type Chapter} from './chapters';
import {inWords} from './names';
import {playLesson} from './timeline';
import type {Lesson} from './types';

const WIDTH = 78;
const LETTERS = 'abcd';

export function wrap(text: string, width = WIDTH, indent = ''): string[] {
	const lines: string[] = [];
	let line = '';
	for (const word of text.split(/\s+/).filter(Boolean)) {
		if (line && indent.length + line.length + 1 + word.length > width) {
			lines.push(indent + line);
			line = word;
		} else {
			line = line ? `${line} ${word}` : word;
		}
	}
	if (line) lines.push(indent + line);
	return lines;
}

/** A lab's sheet (no answers) wrapped to the plain width, its options indented. */
export const plainSheet = (lab: Lab): string[] =>
	labSheet(lab).flatMap(line => wrap(line, WIDTH, /^\s*/.exec(line)![0]));

export function trackerColumns(lesson: Lesson, cuts: number[], through = lesson.steps.length) {
	return [
		{label: 'Start', seq: 0},
		...lesson.checkpoints
			.filter(step => step <= through)
			.map(step => ({
				label: step === lesson.steps.length ? (lesson.tracker?.final ?? 'Final') : `After ${step}`,
				seq: cuts[step - 1],
			})),
	];
}

const forcedColour = () => {
	const force = process.env.FORCE_COLOR;
	return force !== undefined && force !== '0' && force !== 'false' && !('NO_COLOR' in process.env);
};

/** The steps --preload changes: their title, narration or events differ. */
const preloadChanges = (lesson: Lesson, preload: Lesson) =>
	lesson.steps.map((_step, i) => i).filter(i => JSON.stringify(lesson.steps[i]) !== JSON.stringify(preload.steps[i]));

/** Every chapter given (all of them by default), one after the other; one chapter reads alone. */
export function plainLesson(colour = forcedColour(), chapters: readonly Chapter[] = CHAPTERS): string {
	const c = new Chalk({level: colour ? 1 : 0});
	return chapters
		.map((chapter, i) => {
			const text = plainChapter(c, chapter);
			if (chapters.length === 1) return text;
			const label = `Chapter ${i + 1} of ${chapters.length}: ${chapter.title}`;
			return `${i ? '\n' : ''}${c.bold(label)}\n${c.bold('#'.repeat(label.length))}\n\n${text}`;
		})
		.join('');
}

function plainChapter(c: InstanceType<typeof Chalk>, chapter: Chapter): string {
	const out: string[] = [];
	const heading = (text: string) => out.push('', c.bold(text), c.bold('='.repeat(text.length)));
	const para = (text: string, indent = '') => out.push(...wrap(text, WIDTH, indent));

	const lesson = chapter.lesson('default');
	const preload = chapter.lesson('preload');
	const {states, cuts} = playLesson(lesson);
	const final = states[states.length - 1];

	out.push(c.bold(lesson.title));
	para(lesson.summary);

	heading('Concept flow');
	lesson.flow.forEach((node, i) =>
		para(`${node.apart ? 'Apart from the path, ' : i ? '-> ' : ''}${node.label}: ${node.detail}`, '  '),
	);

	heading('Execution sample');
	for (const file of lesson.samples) {
		out.push('', `  ${file.name}`, ...file.lines.map(line => (line ? `    ${line}` : '')));
	}
	out.push('');
	para(lesson.sampleNote);

	heading('Execution table');
	const rows = executionTable(final, cuts);
	lesson.steps.forEach((step, i) => {
		const row = rows[i];
		out.push('', c.bold(`Step ${i + 1}. ${step.title}`));
		const field = (name: string, value: string) =>
			out.push(...wrap(value, WIDTH - 12).map((l, j) => (j ? ' '.repeat(12) : `  ${name.padEnd(10)}`) + l));
		field('Action:', row.action);
		field('Gunicorn:', row.gunicorn);
		field('Worker:', row.worker);
		field('Django:', row.django);
		field('Output:', row.output || '(nothing logged)');
		for (const text of step.narration) para(text, '  ');
	});

	heading('Variable tracker');
	const columns = trackerColumns(lesson, cuts);
	for (const row of variableTracker(final, columns, lesson.tracker?.variables)) {
		out.push('', `  ${row.variable}`, ...columns.map((col, i) => `    ${col.label.padEnd(8)} ${row.values[i]}`));
	}

	const changed = preloadChanges(lesson, preload);
	if (changed.length || lesson.preloadNotes.length) {
		heading('With --preload');
		const count = inWords(changed.length);
		const first = changed.length > 1 && changed.every((step, i) => step === i);
		const what = first ? `the first ${count} steps change` : `${count} of its steps change`;
		para(`Run the same command with --preload and ${changed.length === 1 ? 'one step changes' : what}:`);
		const preloadPlay = playLesson(preload);
		const preloadRows = executionTable(preloadPlay.states[preload.steps.length], preloadPlay.cuts);
		for (const i of changed)
			para(`Step ${i + 1}. ${preload.steps[i].title}. Django: ${preloadRows[i].django}.`, '  ');
		for (const note of lesson.preloadNotes) para(`- ${note}`, '  ');
	}

	heading('Key moments');
	for (const moment of lesson.keyMoments) {
		out.push('', c.bold(`${moment.question} (step ${moment.step})`));
		para(moment.answer, '  ');
	}

	heading('Quiz');
	lesson.quiz.forEach((q, i) => {
		out.push('', ...wrap(`${i + 1}. ${q.question}`, WIDTH, '').map((l, j) => c.bold(j ? `   ${l}` : l)));
		q.options.forEach((option, j) => out.push(`   ${LETTERS[j]}) ${option}`));
		para(`Hint: ${q.hint}`, '   ');
		para(`Answer: ${LETTERS[q.answer]}) ${q.options[q.answer]}. ${q.explanation}`, '   ');
	});

	heading('Concept snapshot');
	for (const line of lesson.snapshot) para(`- ${line}`, '  ');

	heading('Transcript');
	for (const text of lesson.transcript) {
		out.push('');
		para(text);
	}
	const labs = (lesson.labs ?? []).flatMap(id => labById(id) ?? []);
	if (labs.length) {
		heading('Labs (on a real server: gunicorn-walkthrough --lab NAME)');
		for (const lab of labs) out.push('', ...plainSheet(lab));
	}
	return out.join('\n') + '\n';
}

// Panels 2, 5, 7 and 8: the sample code, key moments, snapshot and transcript, as lines.
import {Text} from 'ink';
import {wrap} from '../../lesson/plain';
import type {Lesson} from '../../lesson/types';
import type {Line} from '../parts/Lines';

/** The lesson's words for where the learner is (live: with the real names). */
type Say = (text: string) => string;

/** The sample files with the current step's line marked; `focus` is that line's index. */
export function sampleLines(lesson: Lesson, step: number, width: number): {lines: Line[]; focus?: number} {
	const at = lesson.steps[step - 1].sample;
	const lines: Line[] = [];
	let focus: number | undefined;
	lesson.samples.forEach((file, f) => {
		lines.push(
			<Text bold color="green" wrap="truncate-end">
				{file.name}
			</Text>,
		);
		file.lines.forEach((code, l) => {
			const lit = at?.file === f && at.line === l + 1;
			if (lit) focus = lines.length;
			lines.push(
				<Text wrap="truncate-end" bold={lit} color={lit ? 'yellow' : undefined}>
					{`${lit ? '▶' : ' '} ${String(l + 1).padStart(2)}  ${code}`}
				</Text>,
			);
		});
		lines.push('');
	});
	lines.push(...wrap(lesson.sampleNote, width - 1));
	lines.push(
		'',
		at ? `▶ marks the line step ${step} runs.` : `Step ${step} runs inside Gunicorn, not in these files.`,
	);
	return {lines, focus};
}

export function momentLines(lesson: Lesson, step: number, width: number, say: Say): Line[] {
	const lines: Line[] = [];
	for (const m of lesson.keyMoments) {
		const now = m.step === step;
		lines.push(
			<Text
				bold
				color={now ? 'yellow' : undefined}
				wrap="truncate-end"
			>{`${now ? '▶' : '•'} ${say(m.question)}  (step ${m.step})`}</Text>,
		);
		lines.push(...wrap(say(m.answer), width - 1, '  '), '');
	}
	return lines;
}

export function snapshotLines(lesson: Lesson, width: number, say: Say): Line[] {
	return [
		<Text bold wrap="truncate-end">
			Concept snapshot
		</Text>,
		...lesson.snapshot.flatMap(s => wrap(`• ${say(s)}`, width - 1).map((l, i) => (i ? '  ' + l : l))),
		'',
		<Text bold wrap="truncate-end">
			Why --preload matters (press v to switch)
		</Text>,
		...lesson.preloadNotes.flatMap(s => wrap(`• ${say(s)}`, width - 1).map((l, i) => (i ? '  ' + l : l))),
	];
}

export function transcriptLines(lesson: Lesson, width: number, say: Say): Line[] {
	return lesson.transcript.flatMap(p => [...wrap(say(p), width - 1), '']);
}

// Panel 6: one question at a time; answers explain themselves; h shows the hint and lights
// the cell or node it points at (here in a preview, and on the panel it names).
import {Text} from 'ink';
import {wrap} from '../../lesson/plain';
import type {HintTarget, Lesson} from '../../lesson/types';
import type {QuizState} from '../model';
import {Lines, type Line} from '../parts/Lines';
import {panelById} from '../panels';

const LETTERS = 'abcd';

function hintPreview(target: HintTarget): string {
	switch (target.panel) {
		case 'table': {
			// Where to look, not what it says: reading the cell is the learner's part.
			const name = {gunicorn: 'Gunicorn', worker: 'Worker', django: 'Django', output: 'Output'}[target.column];
			const panel = panelById('table')!.key;
			return (
				`Table, row ${target.step}, ${name} column: lit on panel ${panel} once step ${target.step} ` +
				'is reached'
			);
		}
		case 'flow':
			return `Flow: the ${target.node} box, marked "? hint" (panel ${panelById('flow')!.key})`;
		case 'variables':
			return `Variables: the ${target.variable} row, marked » (panel ${panelById('variables')!.key})`;
	}
}

interface Props {
	lesson: Lesson;
	quiz: QuizState;
	width: number;
	height: number;
	scroll: number;
}

export function QuizPanel({lesson, quiz, width, height, scroll}: Props) {
	return <Lines lines={quizLines(lesson, quiz, width)} height={height} offset={scroll} width={width} />;
}

export function quizLines(lesson: Lesson, quiz: QuizState, width: number): Line[] {
	const q = lesson.quiz[quiz.index];
	const chosen = quiz.answers[q.id];
	const answered = chosen !== undefined;
	const correct = Object.values(lesson.quiz).filter(x => quiz.answers[x.id] === x.answer).length;
	const lines: Line[] = [
		<Text dimColor wrap="truncate-end">
			{`Question ${quiz.index + 1}/${lesson.quiz.length}   answered ${Object.keys(quiz.answers).length}, ` +
				`correct ${correct}`}
		</Text>,
		...wrap(q.question, width - 1).map(l => (
			<Text bold wrap="truncate-end">
				{l}
			</Text>
		)),
		'',
	];
	q.options.forEach((option, i) => {
		const cursor = i === quiz.cursor;
		const mark = answered && i === q.answer ? '✓' : answered && i === chosen ? '✗' : ' ';
		lines.push(
			<Text wrap="truncate-end" inverse={cursor} bold={cursor}>
				{`${cursor ? '›' : ' '} ${mark} ${LETTERS[i]}) ${option}`}
			</Text>,
		);
	});
	lines.push('');
	if (answered) {
		const right = chosen === q.answer;
		lines.push(
			<Text bold color={right ? 'green' : 'red'} wrap="truncate-end">
				{right ? '✓ Correct.' : `✗ Not quite: the answer is ${LETTERS[q.answer]}).`}
			</Text>,
		);
		lines.push(...wrap(q.explanation, width - 1));
	}
	if (quiz.hints[q.id]) {
		lines.push(
			<Text bold color="cyan" wrap="truncate-end">
				? Hint
			</Text>,
			...wrap(q.hint, width - 1),
		);
		lines.push(
			...wrap('» ' + hintPreview(q.target), width - 1).map(l => (
				<Text color="cyan" wrap="truncate-end">
					{l}
				</Text>
			)),
		);
	} else if (!answered) {
		lines.push(
			<Text dimColor wrap="truncate-end">
				Press h for a hint.
			</Text>,
		);
	}
	return lines;
}

// The workshop's polls: on an attendee's screen (an overlay: the question, their answer, and
// once the instructor reveals it, the answer with theirs marked) and on the Room panel (the live
// histogram, without the answer until the reveal).
import {Text} from 'ink';
import {wrap} from '../../lesson/plain';
import type {PollView} from '../contracts';
import {Lines, type Line} from '../parts/Lines';

const LETTERS = 'abcdefgh';
const BAR = 20;

const answered = (poll: PollView) => poll.counts.reduce((sum, n) => sum + n, 0);

/** One option's line: its letter, what it says, and the marks this screen is owed. */
function optionLine(poll: PollView, i: number, option: string, mine: boolean) {
	const right = poll.revealed && poll.answer === i;
	const marks = [right ? '✓ the answer' : '', mine ? '← yours' : ''].filter(Boolean).join('  ');
	return (
		<Text wrap="truncate-end" bold={right} color={right ? 'green' : undefined}>
			{`${mine ? '»' : ' '} ${LETTERS[i]}) ${option}${marks ? `   ${marks}` : ''}`}
		</Text>
	);
}

export function pollLines(poll: PollView, width: number): Line[] {
	const lines: Line[] = [
		<Text bold wrap="truncate-end">
			{poll.revealed ? 'Poll: the answer' : 'Poll from the instructor'}
		</Text>,
		...wrap(poll.question.question, width - 1),
		'',
		...poll.question.options.map((option, i) => optionLine(poll, i, option, poll.mine === i)),
		'',
	];
	if (!poll.revealed)
		lines.push(
			poll.mine === undefined
				? `Answer with a-${LETTERS[poll.question.options.length - 1]}; the instructor reveals the answer.`
				: `You answered ${LETTERS[poll.mine]}; you can change it until the instructor reveals the answer.`,
		);
	else {
		const verdict =
			poll.mine === undefined
				? 'You did not answer.'
				: poll.mine === poll.answer
					? 'You got it right.'
					: 'Not this time.';
		lines.push(`${verdict} The room: ${histogramText(poll)}`);
	}
	lines.push(<Text dimColor>Esc closes; o opens it again.</Text>);
	return lines;
}

const histogramText = (poll: PollView) => poll.counts.map((n, i) => `${LETTERS[i]} ${n}`).join(', ');

export function PollPanel({poll, width, height}: {poll: PollView; width: number; height: number}) {
	return <Lines lines={pollLines(poll, width)} height={height} width={width} />;
}

/** The Room panel's view of the poll: a bar per option, the answer only once revealed. */
export function pollHistogram(poll: PollView, attendees: number): Line[] {
	const most = Math.max(1, ...poll.counts);
	const lines: Line[] = [
		<Text bold wrap="truncate-end">
			{`Poll ${poll.revealed ? '(revealed)' : '(open: e reveals)'}: ${poll.question.question}`}
		</Text>,
	];
	poll.question.options.forEach((option, i) => {
		const right = poll.revealed && poll.answer === i;
		const bar = '█'.repeat(Math.round((poll.counts[i] / most) * BAR)).padEnd(BAR);
		lines.push(
			<Text wrap="truncate-end" bold={right}>
				{`${right ? '✓' : ' '} ${LETTERS[i]} ${bar} ${String(poll.counts[i]).padStart(3)}  ${option}`}
			</Text>,
		);
	});
	lines.push(
		<Text dimColor wrap="truncate-end">
			{`${answered(poll)} answered of ${attendees} here` +
				(poll.gone ? `; ${poll.gone} gone (left before the reveal)` : '')}
		</Text>,
	);
	return lines;
}

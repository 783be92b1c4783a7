// The workshop's polls: on an attendee's screen (an overlay: the question, their answer, and
// once the instructor reveals it, the answer with theirs marked) and on the Room panel (the live
// histogram, without the answer until the reveal). A lab led for the room is a poll too: its
// reveal is the Labs panel's, judged against this attendee's prediction.
import {Text} from 'ink';
import {labById} from '../../labs/labs';
import {setupText} from '../../labs/sheet';
import {wrap} from '../../lesson/plain';
import type {PollLab, PollView} from '../contracts';
import {Lines, type Line} from '../parts/Lines';
import {revealLines} from './lab-lines';

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

/** A led lab on an attendee's screen: the setup, the question and their prediction; then their reveal. */
function labPollLines(poll: PollView, lab: PollLab, width: number): Line[] {
	const l = labById(lab.id)!;
	const head = (text: string) => (
		<Text bold wrap="truncate-end">
			{text}
		</Text>
	);
	const close = <Text dimColor>Esc closes; o opens it again.</Text>;
	if (poll.revealed && lab.state)
		return [head(`Lab ${l.id}, on the room's server: the reveal`), ...revealLines(lab.state, width, ''), close];
	const mine = poll.mine === undefined ? undefined : `${poll.mine} ${lab.unit}`;
	const prediction =
		lab.unit === undefined
			? poll.question.options.map((option, i) => optionLine(poll, i, option, poll.mine === i))
			: [
					lab.draft !== undefined
						? `Your prediction (${lab.unit}): ${lab.draft}_  (Enter sends it)`
						: mine
							? `Your prediction: ${mine} (type another number to change it)`
							: `Type a number (${lab.unit}), then Enter.`,
				];
	const letters = `a-${LETTERS[poll.question.options.length - 1]}`;
	return [
		head(`Lab ${l.id}: ${l.title}, led on the room's server`),
		...wrap(`Setup: ${setupText(l)}`, width - 1),
		...wrap(`Q: ${l.question}`, width - 1),
		...prediction,
		'',
		...wrap(`The instructor does: ${l.steps.map(st => st.label).join('; ')}. Watch: ${l.watch}`, width - 1),
		...(lab.controls
			? wrap(`You may do it too: on your Labs panel (L), open ${l.id} and press its keys.`, width - 1)
			: []),
		lab.acting
			? 'The instructor is acting on the server: the reveal comes when it has happened.'
			: poll.mine === undefined
				? `Predict now (${lab.unit === undefined ? letters : 'a number'}); you can change it until then.`
				: 'Predicted: the reveal comes when it has happened on the server.',
		close,
	];
}

export function pollLines(poll: PollView, width: number): Line[] {
	if (poll.lab) return labPollLines(poll, poll.lab, width);
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

/** The Room panel's view of a led lab: who predicted (not what), then how each came out. */
function labTally(poll: PollView, lab: PollLab): Line[] {
	const t = lab.tally ?? {predicted: [], waiting: [], right: [], wrong: [], none: []};
	const names = (label: string, list: string[]) =>
		`${label} ${list.length}${list.length ? `: ${list.join(', ')}` : ''}`;
	const phase = poll.revealed
		? 'revealed'
		: lab.acting
			? 'acting: the reveal comes when it happens'
			: 'predicting: its steps are on L';
	const lines: Line[] = [
		<Text bold wrap="truncate-end">
			{`Lab ${lab.id} (${phase}): ${poll.question.question}`}
		</Text>,
	];
	if (!poll.revealed) {
		lines.push(<Text wrap="truncate-end">{names('Predicted', t.predicted)}</Text>);
		lines.push(<Text wrap="truncate-end">{names('Waiting for', t.waiting)}</Text>);
	} else {
		lines.push(<Text wrap="truncate-end">{`It happened: ${lab.happened ?? '?'}`}</Text>);
		lines.push(
			<Text wrap="truncate-end" color="green">
				{names('✓ Right', t.right)}
			</Text>,
		);
		lines.push(<Text wrap="truncate-end">{names('✗ Wrong', t.wrong)}</Text>);
		lines.push(<Text wrap="truncate-end">{names('No prediction', t.none)}</Text>);
	}
	if (lab.by?.length) lines.push(<Text wrap="truncate-end">{`Its steps done by: ${lab.by.join(', ')}`}</Text>);
	if (poll.gone) lines.push(<Text dimColor wrap="truncate-end">{`${poll.gone} gone (left before the reveal)`}</Text>);
	return lines;
}

/** The Room panel's view of the poll: a bar per option, the answer only once revealed. */
export function pollHistogram(poll: PollView, attendees: number): Line[] {
	if (poll.lab) return labTally(poll, poll.lab);
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

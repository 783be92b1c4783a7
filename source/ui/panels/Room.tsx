// The Room panel (workshop instructor): where every attendee is, and how the room does on the quiz.
import {Text} from 'ink';
import type {Lesson} from '../../lesson/types';
import type {Attendee, PollView} from '../contracts';
import {chapterOf} from '../course';
import {panelById} from '../panels';
import {lessonOf} from '../view';
import {pollHistogram} from './Poll';

/** An attendee's own chapter's lesson: their steps and quiz. */
const theirs = (chapter?: string) => lessonOf('default', chapterOf(chapter));
import {Lines, type Line} from '../parts/Lines';
import stringWidth from 'string-width';

const graphemes = new Intl.Segmenter();

/** Exactly `width` terminal columns: wide characters count two, combining marks none; cut with … if longer. */
export function fitColumns(text: string, width: number): string {
	if (stringWidth(text) <= width) return text + ' '.repeat(width - stringWidth(text));
	let out = '';
	for (const {segment} of graphemes.segment(text)) {
		if (stringWidth(out + segment) > width - 1) break;
		out += segment;
	}
	return out + '…' + ' '.repeat(width - 1 - stringWidth(out));
}

/** What the room holds beyond who is where: the poll, raised hands, whose requests each worker served. */
export interface RoomExtras {
	poll?: PollView;
	hands?: Array<{name: string; since: number}>;
	served?: Map<number, Map<string, number>>;
	/** The quiz question o would push. */
	next?: string;
	/** The lab l would lead (with the room's server). */
	lab?: string;
	now: number;
}

/** "1m 05s", "12s": how long a hand has been up. */
export const held = (ms: number) => {
	const s = Math.max(0, Math.floor(ms / 1000));
	return s >= 60 ? `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s` : `${s}s`;
};

/** The room's own lines: hands up, the poll, and on a shared server whose requests each worker served. */
function extraLines(extra: RoomExtras, attendees: number): {top: Line[]; server: Line[]} {
	const top: Line[] = [];
	if (extra.hands?.length)
		top.push(
			<Text bold color="yellow" wrap="truncate-end">
				{`✋ ${extra.hands.map(h => `${h.name} ${held(extra.now - h.since)}`).join(', ')}`}
				{'  (c clears the oldest)'}
			</Text>,
		);
	if (extra.poll) top.push(...pollHistogram(extra.poll, attendees));
	if (extra.next) top.push(<Text dimColor wrap="truncate-end">{`o polls the room: ${extra.next}`}</Text>);
	if (extra.lab)
		top.push(<Text dimColor wrap="truncate-end">{`l leads the lab ${extra.lab} (open another on L)`}</Text>);
	if (top.length) top.push('');
	const server: Line[] = [];
	const workers = [...(extra.served ?? [])].slice(-8);
	if (workers.length) {
		server.push('', <Text bold>Whose requests each worker served (newest workers)</Text>);
		for (const [pid, tally] of workers) {
			const names = [...tally].sort((a, b) => b[1] - a[1]);
			server.push(
				<Text wrap="truncate-end">
					{`${String(pid).padEnd(8)} ${names.map(([n, c]) => `${n} ${c}`).join(', ')}`}
				</Text>,
			);
		}
	}
	return {top, server};
}

export function roomLines(
	lesson: Lesson,
	summary: string,
	attendees: Attendee[],
	incidents: string[] = [],
	extra?: RoomExtras,
): Line[] {
	const {top, server} = extra ? extraLines(extra, attendees.length) : {top: [], server: []};
	const lines: Line[] = [<Text wrap="truncate-end">{summary}</Text>, '', ...top];
	lines.push(
		<Text bold wrap="truncate-end">
			{'Attendee        Step  Panel        Follow  Quiz'}
		</Text>,
	);
	if (attendees.length === 0) lines.push(<Text dimColor>No attendees yet.</Text>);
	for (const a of attendees) {
		const p = a.progress;
		const their = theirs(p.chapter);
		const right = their.quiz.filter(q => p.answers[q.id] === q.answer).length;
		const answered = their.quiz.filter(q => p.answers[q.id] !== undefined).length;
		lines.push(
			<Text wrap="truncate-end">
				{`${fitColumns(a.name, 15)} ${String(p.step).padStart(2)}` +
					`/${String(their.steps.length).padEnd(2)} ${(panelById(p.panel)?.title ?? '?').padEnd(12)}` +
					` ${(p.following ? 'yes' : 'no').padEnd(7)}` +
					` ${right}/${answered} right`}
			</Text>,
		);
	}
	lines.push(...server);
	lines.push(
		'',
		<Text bold wrap="truncate-end">
			Quiz, per question: answered / right
		</Text>,
	);
	lesson.quiz.forEach((q, i) => {
		const answered = attendees.filter(a => a.progress.answers[q.id] !== undefined).length;
		const right = attendees.filter(a => a.progress.answers[q.id] === q.answer).length;
		lines.push(
			<Text wrap="truncate-end">
				{`${i + 1}. ${String(answered).padStart(3)} / ${String(right).padEnd(3)} ${q.question}`}
			</Text>,
		);
	});
	if (incidents.length)
		lines.push(
			'',
			<Text bold wrap="truncate-end">
				Sessions closed by an error
			</Text>,
			...incidents.map(line => <Text wrap="truncate-end">{line}</Text>),
		);
	return lines;
}

export function RoomPanel({
	lesson,
	summary,
	attendees,
	incidents,
	width,
	height,
	scroll,
	extra,
}: {
	lesson: Lesson;
	summary: string;
	attendees: Attendee[];
	incidents?: string[];
	extra?: RoomExtras;
	width: number;
	height: number;
	scroll: number;
}) {
	return (
		<Lines
			lines={roomLines(lesson, summary, attendees, incidents, extra)}
			height={height}
			offset={scroll}
			width={width}
		/>
	);
}

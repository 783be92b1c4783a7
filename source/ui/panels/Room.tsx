// Panel 0 (workshop instructor): where every attendee is, and how the room does on the quiz.
import {Text} from 'ink';
import type {Lesson} from '../../lesson/types';
import type {Attendee} from '../contracts';
import {chapterOf} from '../course';
import {panelById} from '../panels';
import {lessonFor} from '../view';

/** An attendee's own chapter's lesson: their steps and quiz. */
const theirs = (chapter?: string) => lessonFor('default', chapterOf(chapter)).lesson;
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

export function roomLines(lesson: Lesson, summary: string, attendees: Attendee[], incidents: string[] = []): Line[] {
	const lines: Line[] = [<Text wrap="truncate-end">{summary}</Text>, ''];
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
}: {
	lesson: Lesson;
	summary: string;
	attendees: Attendee[];
	incidents?: string[];
	width: number;
	height: number;
	scroll: number;
}) {
	return (
		<Lines lines={roomLines(lesson, summary, attendees, incidents)} height={height} offset={scroll} width={width} />
	);
}

// `workshop --results FILE`: what the room did, kept afterwards. FILE gets JSON, and a CSV beside
// it (FILE.csv, or FILE's .json swapped for .csv) one attendee a row. Each is written whole: to
// a temporary file in the same directory, then renamed over, so no reader ever sees half a file.
import {renameSync, rmSync, writeFileSync} from 'node:fs';
import process from 'node:process';
import {CHAPTERS} from '../lesson/chapters';
import type {Progress} from '../ui/contracts';
import {chapterOf} from '../ui/course';
import {panelById} from '../ui/panels';
import {lessonFor} from '../ui/view';
import type {WorkshopRoom} from './room';

const LETTERS = 'abcdefgh';
const letter = (option: number | undefined) => (option === undefined ? null : LETTERS[option]);

export interface AttendeeResult {
	name: string;
	joined: string;
	left: string | null;
	chapter: string;
	step: number;
	panel: string;
	following: boolean;
	/** Every chapter's quiz questions by id, answered in that chapter; quizRight and quizAnswered count them all. */
	quiz: Record<string, {answer: string | null; right: boolean}>;
	quizRight: number;
	quizAnswered: number;
	/** By poll number: their answer, "gone" if they left before the reveal, null if they did not answer. */
	polls: Record<string, {answer: string | null; right: boolean | null}>;
	hands: number;
	requests: number;
	/** Filled in by the labs (their outcomes), null until labs exist. */
	labs: null;
}

export interface Results {
	started: string;
	ended: string;
	address: string;
	polls: Array<{
		number: number;
		id: string;
		question: string;
		options: string[];
		answer: string | null;
		revealed: boolean;
		counts: number[];
		gone: number;
	}>;
	attendees: AttendeeResult[];
}

/** Every chapter's quiz questions, each with the attendee's answers in its chapter. */
function quizOf(progress: Progress, chapter: string) {
	return CHAPTERS.flatMap(c => {
		const answers = c.id === chapter ? progress.answers : (progress.chapters?.[c.id]?.answers ?? {});
		return lessonFor('default', c).lesson.quiz.map(q => ({q, answer: answers[q.id]}));
	});
}

export function collectResults(room: WorkshopRoom, ended = Date.now()): Results {
	const attendees = room.roster().map((m): AttendeeResult => {
		const chapter = chapterOf(m.progress.chapter).id; // where they were when they left, or at the end
		const quiz = quizOf(m.progress, chapter);
		const polls: AttendeeResult['polls'] = {};
		for (const poll of room.polls) {
			const mine = poll.answers.get(m.id);
			polls[String(poll.number)] = poll.gone.has(m.id)
				? {answer: 'gone', right: null}
				: {
						answer: letter(mine),
						right: mine === undefined || !poll.revealed ? null : mine === poll.question.answer,
					};
		}
		return {
			name: m.name,
			joined: new Date(m.joined).toISOString(),
			left: m.left === undefined ? null : new Date(m.left).toISOString(),
			chapter,
			step: m.progress.step,
			panel: panelById(m.progress.panel)?.title ?? String(m.progress.panel),
			following: m.progress.following,
			quiz: Object.fromEntries(
				quiz.map(({q, answer}) => [q.id, {answer: letter(answer), right: answer === q.answer}]),
			),
			quizRight: quiz.filter(({q, answer}) => answer === q.answer).length,
			quizAnswered: quiz.filter(({answer}) => answer !== undefined).length,
			polls,
			hands: m.hands,
			requests: m.requests,
			labs: null,
		};
	});
	return {
		started: new Date(room.started).toISOString(),
		ended: new Date(ended).toISOString(),
		address: room.address,
		polls: room.polls.map(p => ({
			number: p.number,
			id: p.question.id,
			question: p.question.question,
			options: p.question.options,
			answer: p.revealed ? letter(p.question.answer) : null,
			revealed: p.revealed,
			counts: p.counts(),
			gone: p.gone.size,
		})),
		attendees,
	};
}

/** A CSV field: quoted when it must be; a leading = + - @ is defused, since names come from attendees. */
function field(value: unknown): string {
	let text = value === null || value === undefined ? '' : String(value);
	if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
	return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function resultsCsv(results: Results): string {
	const quizIds = results.attendees[0] ? Object.keys(results.attendees[0].quiz) : [];
	const head = [
		'name',
		'joined',
		'left',
		'chapter',
		'step',
		'panel',
		'following',
		'quiz_right',
		'quiz_answered',
		...quizIds.map(id => `quiz:${id}`),
		...results.polls.map(p => `poll ${p.number}:${p.id}`),
		'hands',
		'requests',
		'labs',
	];
	const rows = results.attendees.map(a => [
		a.name,
		a.joined,
		a.left,
		a.chapter,
		a.step,
		a.panel,
		a.following,
		a.quizRight,
		a.quizAnswered,
		...quizIds.map(id => a.quiz[id]?.answer),
		...results.polls.map(p => a.polls[String(p.number)]?.answer),
		a.hands,
		a.requests,
		a.labs,
	]);
	return [head, ...rows].map(row => row.map(field).join(',')).join('\r\n') + '\r\n';
}

/** The CSV's name beside FILE. */
export const csvBeside = (file: string) => (/\.json$/i.test(file) ? file.replace(/\.json$/i, '.csv') : `${file}.csv`);

/** Writes one file whole: a temporary file beside it, then a rename over it. */
function writeWhole(file: string, text: string): void {
	const temp = `${file}.${process.pid}.tmp`;
	try {
		writeFileSync(temp, text, {mode: 0o600});
		renameSync(temp, file);
	} catch (error) {
		rmSync(temp, {force: true});
		throw error;
	}
}

/** Both files; throws (with the file's name in the message) when one cannot be written. */
export function writeResults(file: string, results: Results): string[] {
	const csv = csvBeside(file);
	writeWhole(file, `${JSON.stringify(results, null, '\t')}\n`);
	writeWhole(csv, resultsCsv(results));
	return [file, csv];
}

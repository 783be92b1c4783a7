// `workshop --results FILE`: what the room did, kept afterwards. FILE gets JSON, and a CSV beside
// it (FILE.csv, or FILE's .json swapped for .csv) one attendee a row. Each is written whole: to
// a temporary file in the same directory, then renamed over, so no reader ever sees half a file.
import {renameSync, rmSync, writeFileSync} from 'node:fs';
import process from 'node:process';
import {CHAPTERS} from '../lesson/chapters';
import type {Progress} from '../ui/contracts';
import {chapterOf} from '../ui/course';
import {panelById} from '../ui/panels';
import {lessonOf} from '../ui/view';
import type {Poll} from './poll';
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
	/** Each lab led for the room, by its key in Results.labs: their prediction in words and how it came out. */
	labs: Record<string, {prediction: string | null; outcome: LabResult}>;
}

/** right / wrong against what happened; gone: left before the reveal; open: the lab had not happened by the end. */
export type LabResult = 'right' | 'wrong' | 'no prediction' | 'gone' | 'open';

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
	/** The labs led for the room, in order: what happened once revealed, and the tally. */
	labs: Array<{
		key: string; // the lab's id; a lab led again is "respawn (2)"
		number: number; // its poll's number
		lab: string;
		question: string;
		revealed: boolean;
		happened: string | null;
		right: number;
		wrong: number;
		gone: number;
	}>;
	attendees: AttendeeResult[];
}

/** Each lab poll's key: its lab's id, numbered when the lab was led more than once. */
function labKeys(polls: Poll[]): Map<Poll, string> {
	const seen = new Map<string, number>();
	const keys = new Map<Poll, string>();
	for (const poll of polls) {
		if (!poll.lab) continue;
		const id = poll.lab.lab.id;
		const n = (seen.get(id) ?? 0) + 1;
		seen.set(id, n);
		keys.set(poll, n === 1 ? id : `${id} (${n})`);
	}
	return keys;
}

function labResult(poll: Poll, id: string): {prediction: string | null; outcome: LabResult} {
	const lab = poll.lab!;
	const mine = poll.answers.get(id);
	if (poll.gone.has(id)) return {prediction: null, outcome: 'gone'};
	const outcome = lab.outcome(id, mine);
	return {
		prediction: lab.said(mine),
		outcome: outcome === 'right' || outcome === 'wrong' ? outcome : !poll.revealed ? 'open' : 'no prediction',
	};
}

/** Every chapter's quiz questions, each with the attendee's answers in its chapter. */
function quizOf(progress: Progress, chapter: string) {
	return CHAPTERS.flatMap(c => {
		const answers = c.id === chapter ? progress.answers : (progress.chapters?.[c.id]?.answers ?? {});
		return lessonOf('default', c).quiz.map(q => ({q, answer: answers[q.id]}));
	});
}

export function collectResults(room: WorkshopRoom, ended = Date.now()): Results {
	const quizPolls = room.polls.filter(p => !p.lab);
	const labs = labKeys(room.polls);
	const attendees = room.roster().map((m): AttendeeResult => {
		const chapter = chapterOf(m.progress.chapter).id; // where they were when they left, or at the end
		const quiz = quizOf(m.progress, chapter);
		const polls: AttendeeResult['polls'] = {};
		for (const poll of quizPolls) {
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
			labs: Object.fromEntries([...labs].map(([poll, key]) => [key, labResult(poll, m.id)])),
		};
	});
	return {
		started: new Date(room.started).toISOString(),
		ended: new Date(ended).toISOString(),
		address: room.address,
		polls: quizPolls.map(p => ({
			number: p.number,
			id: p.question.id,
			question: p.question.question,
			options: p.question.options,
			answer: p.revealed ? letter(p.question.answer) : null,
			revealed: p.revealed,
			counts: p.counts(),
			gone: p.gone.size,
		})),
		labs: [...labs].map(([p, key]) => {
			const outcomes = room.roster().map(m => labResult(p, m.id).outcome);
			return {
				key,
				number: p.number,
				lab: p.lab!.lab.id,
				question: p.question.question,
				revealed: p.revealed,
				happened: p.lab!.happened() ?? null,
				right: outcomes.filter(o => o === 'right').length,
				wrong: outcomes.filter(o => o === 'wrong').length,
				gone: p.gone.size,
			};
		}),
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
		...results.labs.flatMap(l => [`lab:${l.key}`, `lab:${l.key} prediction`]),
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
		...results.labs.flatMap(l => [a.labs[l.key]?.outcome, a.labs[l.key]?.prediction]),
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

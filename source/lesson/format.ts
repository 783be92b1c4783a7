// A chapter as data: what a lesson file holds (JSON or YAML, docs/lessons.md) and what the
// built-in chapters are written in. buildChapter renders it, for one variant, into a Lesson.
import type {LifecycleEvent} from '../lifecycle/events';
import {render, scriptedNames} from './names';
import type {Cast, KeyMoment, Lesson, QuizQuestion, SampleFile, Step, Variant} from './types';

/** What a step says and runs; with --preload (the v key) any of it can differ. */
interface StepText {
	title: string;
	narration: string[];
	events: LifecycleEvent[];
	sample?: {file: number; line: number};
}

export interface StepData extends StepText {
	explains?: string[];
	preload?: Partial<StepText>;
}

export interface SampleData extends SampleFile {
	preload?: {lines: string[]};
}

export interface ChapterData extends Omit<Lesson, 'steps' | 'samples' | 'preloadNotes' | 'liveNotes'> {
	/** For --chapter and saved progress; a file without one is named by its file name. */
	id?: string;
	steps: StepData[];
	samples: SampleData[];
	preloadNotes?: string[];
	liveNotes?: Record<string, string>;
}

/** Renders texts with the scripted cast, noting each rendered text's words as written (for live names). */
const say = (cast: Cast | undefined, written: Map<string, string>) => {
	const names = cast && scriptedNames(cast);
	return (text: string) => {
		if (!names) return text;
		const rendered = render(text, names);
		if (rendered !== text) written.set(rendered, text);
		return rendered;
	};
};

function buildStep(data: StepData, variant: Variant, text: (t: string) => string): Step {
	const {preload, explains, ...own} = data;
	const s: StepText = variant === 'preload' && preload ? {...own, ...preload} : own;
	return {
		title: text(s.title),
		events: s.events,
		narration: s.narration.map(text),
		...(s.sample ? {sample: s.sample} : {}),
		...(explains ? {explains} : {}),
	};
}

/** The lesson one variant of a chapter teaches, its text rendered with the cast's scripted names. */
export function buildChapter(data: ChapterData, variant: Variant = 'default'): Lesson {
	const written = new Map<string, string>();
	const text = say(data.cast, written);
	const moment = (m: KeyMoment): KeyMoment => ({...m, question: text(m.question), answer: text(m.answer)});
	const question = (q: QuizQuestion): QuizQuestion => ({
		...q,
		question: text(q.question),
		options: q.options.map(text),
		hint: text(q.hint),
		explanation: text(q.explanation),
	});
	return {
		title: text(data.title),
		summary: text(data.summary),
		flow: data.flow.map(f => ({...f, label: text(f.label), detail: text(f.detail)})),
		steps: data.steps.map(step => buildStep(step, variant, text)),
		// Code is shown as written: its braces are Python's, not names.
		samples: data.samples.map(({preload, ...file}) =>
			variant === 'preload' && preload ? {...file, lines: preload.lines} : file,
		),
		sampleNote: text(data.sampleNote),
		checkpoints: data.checkpoints,
		keyMoments: data.keyMoments.map(moment),
		quiz: data.quiz.map(question),
		snapshot: data.snapshot.map(text),
		transcript: data.transcript.map(text),
		preloadNotes: (data.preloadNotes ?? []).map(text),
		liveNotes: Object.fromEntries(Object.entries(data.liveNotes ?? {}).map(([k, v]) => [k, text(v)])),
		...(data.cast ? {cast: data.cast, written} : {}),
		...(data.tracker ? {tracker: data.tracker} : {}),
		...(data.table ? {table: data.table} : {}),
		...(data.labs ? {labs: data.labs} : {}),
	};
}

// The course: its chapters, in order. The only place that knows which chapters exist.
import {SUPERVISION} from './chapters/supervision';
import {buildChapter} from './format';
import {buildLesson} from './lesson';
import type {Lesson, Variant} from './types';
import {buildWorkerClasses} from './worker-classes';

export interface Chapter {
	/** Used by --chapter, saved progress and the workshop: never renamed once shipped. */
	id: string;
	/** Short, for the chapter list and the header. */
	title: string;
	lesson: (variant: Variant) => Lesson;
}

export const CHAPTERS: Chapter[] = [
	{id: 'request', title: "One request's life", lesson: buildLesson},
	{id: 'supervision', title: 'Supervision', lesson: variant => buildChapter(SUPERVISION, variant)},
	// The same app on sync and on gthread workers.
	{id: 'worker-classes', title: 'Worker classes: sync and gthread', lesson: buildWorkerClasses},
];

/** A chapter by its 1-based number or its id. */
export function findChapter(name: string): Chapter | undefined {
	return /^\d+$/.test(name) ? CHAPTERS[Number(name) - 1] : CHAPTERS.find(c => c.id === name);
}

let current: Chapter | undefined;

/** The chapter the walkthrough teaches: the first unless one was chosen (--lesson FILE). */
export const currentChapter = (): Chapter => current ?? CHAPTERS[0];

/**
 * A chapter from a lesson file joins the course: one with a built-in chapter's id takes its
 * place (an instructor's own wording or quiz), any other comes last.
 */
export function chooseChapter(chapter: Chapter): void {
	const at = CHAPTERS.findIndex(c => c.id === chapter.id);
	if (at >= 0) CHAPTERS[at] = chapter;
	else CHAPTERS.push(chapter);
	current = chapter;
}

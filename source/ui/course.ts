// The walkthrough's chapters as the UI sees them: which one is open, where each was left, and
// the progress reported to the host. Shared by the App and the screen-reader App.
import {CHAPTERS, currentChapter, findChapter, type Chapter} from '../lesson/chapters';
import type {ChapterProgress, Progress} from './contracts';
import {initialLabsUi} from './labs-ui';
import {initialUi, type UiState} from './model';
import type {PanelId} from './panels';
import {lessonOf} from './view';

/** The chapter with this id; the chosen (else the first) one for an id this version does not know. */
export const chapterOf = (id: string | undefined): Chapter => (id && findChapter(id)) || currentChapter();

/** Every chapter's id and step count, for update's context. */
export const chapterSteps = () => CHAPTERS.map(c => ({id: c.id, steps: lessonOf('default', c).steps.length}));

/** The state a walkthrough starts in: the saved or given chapter, step, panel and answers. */
export function startUi(initial: Partial<Progress> | undefined, panels: PanelId[], notice?: string): UiState {
	const chapter = chapterOf(initial?.chapter);
	const steps = lessonOf('default', chapter).steps.length;
	const step = Math.min(initial?.step ?? 1, steps);
	const {[chapter.id]: _here, ...others} = initial?.chapters ?? {};
	return initialUi({
		chapter: chapter.id,
		step,
		seen: initial?.seen?.length ? initial.seen : [step],
		others,
		panel: initial?.panel && panels.includes(initial.panel) ? initial.panel : 'flow',
		following: initial?.following ?? false,
		notice,
		quiz: {index: 0, cursor: 0, answers: initial?.answers ?? {}, hints: {}},
		labs: initialLabsUi(initial?.labs ?? {}),
	});
}

/** What the host saves or shows the room: this chapter's place, and every chapter's. */
export function progressOf(ui: UiState): Progress {
	const here: ChapterProgress = {step: ui.step, panel: ui.panel, answers: ui.quiz.answers, seen: ui.seen};
	return {
		chapter: ui.chapter,
		...here,
		following: ui.following,
		chapters: {...ui.others, [ui.chapter]: here},
		labs: ui.labs.saved,
	};
}

// The chapter list (m): each chapter with the steps seen and the quiz score; Enter opens one.
import {Text} from 'ink';
import {CHAPTERS} from '../../lesson/chapters';
import type {UiState} from '../model';
import {lessonOf} from '../view';
import {Lines, type Line} from './Lines';

export interface ChapterRow {
	id: string;
	title: string;
	steps: number;
	seen: number;
	right: number;
	questions: number;
}

/** Every chapter's progress: the one on screen from the state, the others where they were left. */
export function chapterRows(ui: UiState): ChapterRow[] {
	return CHAPTERS.map(chapter => {
		const lesson = lessonOf('default', chapter);
		const here = chapter.id === ui.chapter;
		const left = ui.others[chapter.id];
		const answers = here ? ui.quiz.answers : (left?.answers ?? {});
		const seen = here ? ui.seen : (left?.seen ?? (left ? [left.step] : []));
		return {
			id: chapter.id,
			title: chapter.title,
			steps: lesson.steps.length,
			seen: seen.filter(n => n <= lesson.steps.length).length,
			right: lesson.quiz.filter(q => answers[q.id] === q.answer).length,
			questions: lesson.quiz.length,
		};
	});
}

export const rowWords = (row: ChapterRow, n: number) =>
	`${n}. ${row.title}: steps seen ${row.seen}/${row.steps}, quiz ${row.right}/${row.questions} right`;

export function ChapterList({ui, width, height}: {ui: UiState; width: number; height: number}) {
	const lines: Line[] = [
		<Text bold wrap="truncate-end">
			Chapters
		</Text>,
		'',
		...chapterRows(ui).map((row, i) => (
			<Text wrap="truncate-end" bold={i === ui.menu} inverse={i === ui.menu}>
				{`${i === ui.menu ? '▶' : ' '} ${rowWords(row, i + 1)}${row.id === ui.chapter ? '  (open)' : ''}`}
			</Text>
		)),
		'',
		<Text dimColor wrap="truncate-end">
			↑ ↓ choose, Enter opens, Esc or m closes.
		</Text>,
	];
	return <Lines lines={lines} height={height} width={width} />;
}

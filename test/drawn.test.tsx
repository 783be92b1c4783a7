// Panels drawn once for the sessions that show them alike (source/ui/parts/Drawn.tsx): a session handed
// another's drawing shows the very cells it would have drawn itself, and a session whose view differs draws its own.
import chalk from 'chalk';
import type {ReactElement} from 'react';
import {Box, renderToString} from 'ink';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import {CHAPTERS} from '../source/lesson/chapters';
import {initialUi} from '../source/ui/model';
import {shareDrawings} from '../source/ui/parts/Drawn';
import {RENDER, type PanelProps} from '../source/ui/panels/render';
import {lessonOf, lessonView} from '../source/ui/view';

const level = chalk.level;
beforeEach(() => (chalk.level = 3)); // the styles drawn are part of what is handed on
afterEach(() => {
	shareDrawings(false);
	chalk.level = level;
});

const microtask = () => new Promise<void>(resolve => queueMicrotask(resolve));

function props(step: number, width: number, height: number): PanelProps {
	const ui = initialUi();
	const chapter = CHAPTERS[0];
	return {
		width,
		height,
		view: lessonView('default', step, chapter),
		lesson: lessonOf('default', chapter),
		scroll: 0,
		quiz: ui.quiz,
		attached: false,
		labs: ui.labs,
		chapter: chapter.id,
	};
}

type Shared = 'table' | 'flow' | 'variables' | 'quiz';
const frame = (panel: Shared, p: PanelProps) =>
	renderToString(<Box width={p.width}>{RENDER[panel](p)}</Box>, {columns: p.width});

describe('a panel drawn once for the room', () => {
	test('a drawing handed on shows the cells the panel draws itself', async () => {
		for (const panel of ['table', 'flow', 'variables', 'quiz'] as const)
			for (const [width, height] of [
				[80, 19],
				[140, 30],
			])
				for (const step of [1, 5, 9]) {
					const own = frame(panel, props(step, width, height));
					shareDrawings(true);
					frame(panel, props(step, width, height));
					frame(panel, props(step, width, height)); // the second ask draws it to text
					await microtask();
					const handed = frame(panel, props(step, width, height));
					const element = RENDER[panel](props(step, width, height)) as ReactElement<{text?: string}>;
					expect(element.props.text, 'handed a drawing, not drawn again').toBeDefined();
					shareDrawings(false);
					expect(own).toContain('\x1b[');
					expect(handed, `${panel} ${width}x${height} step ${step}`).toBe(own);
				}
	});
});

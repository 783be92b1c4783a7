// A panel drawn once for every session that shows it alike. In a workshop, attendees following the
// live tip on the same panel at the same size lay out the same cells: the first sessions draw the
// panel through Ink as usual, and once a second one asks for it, it is drawn to text (after React's
// work of the moment, a microtask) that the rest are handed as one Text: a few Ink nodes to lay out
// and diff instead of the panel's hundreds. What a session shows still comes from its own state: the
// key names everything the panel is drawn from, so a session whose view differs draws its own.
import type React from 'react';
import {Box, renderToString, Text} from 'ink';

interface Drawing {
	asks: number;
	text?: string;
}

/** By the two objects the panel is drawn from (a view and a lesson, say), then a string of the rest. */
const drawings = new WeakMap<object, WeakMap<object, Map<string, Drawing>>>();
let sharing = false;

/** The workshop shares drawings between its sessions; alone, a drawing would only cost a second render. */
export function shareDrawings(on: boolean): void {
	sharing = on;
}

/** Drawings kept per pair of objects: a lesson's step outlives its sessions, and sizes and quiz states are many. */
const KEPT = 32;

function drawingOf([first, second]: readonly [object, object], key: string): Drawing | undefined {
	let bySecond = drawings.get(first);
	if (!bySecond) drawings.set(first, (bySecond = new WeakMap()));
	let byKey = bySecond.get(second);
	if (!byKey) bySecond.set(second, (byKey = new Map()));
	let drawing = byKey.get(key);
	if (!drawing && byKey.size < KEPT) byKey.set(key, (drawing = {asks: 0}));
	return drawing;
}

/**
 * The panel `draw` makes, of `width` x `height`, from the objects `of` and what `key` spells out:
 * drawn by Ink here, or the text another session's drawing of it left.
 */
export function drawn(
	on: {of: readonly [object, object]; key: string; width: number; height: number},
	draw: () => React.ReactElement,
): React.ReactElement {
	if (!sharing) return draw();
	const drawing = drawingOf(on.of, `${on.width}x${on.height} ${on.key}`);
	if (drawing?.text !== undefined) return <DrawnText text={drawing.text} width={on.width} height={on.height} />;
	const element = draw();
	// React is mid-render here: renderToString's own root waits until the stack is clear.
	if (drawing && ++drawing.asks === 2)
		queueMicrotask(() => {
			try {
				drawing.text = renderToString(element, {columns: on.width});
			} catch {} // the sessions draw it themselves, and a panel that throws ends only theirs
		});
	return element;
}

/** A drawing's lines in the panel's box: the very cells the panel's own components lay out. */
function DrawnText({text, width, height}: {text: string; width: number; height: number}) {
	return (
		<Box width={width} height={height} overflow="hidden">
			<Text>{text}</Text>
		</Box>
	);
}

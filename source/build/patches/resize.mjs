// Patch for a narrower terminal: Ink's redraw after it; Ink 7.1 still needs it (without it the
// render tests' narrower cases fail). A terminal one row shorter (Ink #1023) needs none here:
// the app's frame follows the height, so Ink leaves "fullscreen" and redraws whole. Applied by
// ../patches.mjs.

import {INK} from './versions.mjs';

export const RESIZE = [
	{
		// A narrower terminal has already reflowed the old, wider rows (each wrapped into two or
		// more) when Ink hears of it: erasing the old frame's rows left debris. The frame fills
		// the screen, so erase every visible row, bottom up (ESC[2J makes tmux and VTE push the
		// debris into scrollback, ESC[3J wipes the user's scrollback), and forget the old frame.
		// Do not draw at once: the app's size is React state, set by its own 'resize' listener
		// (run after this one, rendered by React's scheduler on a setImmediate), so a frame drawn
		// now keeps the old width and wraps too. React's render draws the new frame whole; the
		// timer, run after it, covers a tree that did not re-render (then it writes nothing new).
		for: INK,
		file: 'ink/build/ink.js',
		find:
			'            // We clear the screen when decreasing terminal width to prevent duplicate overlapping ' +
			"re-renders.\n            this.log.clear();\n            this.lastOutput = '';\n            " +
			"this.lastOutputToRender = '';\n        }",
		replace:
			'            this.log.clear();\n            const rows = this.options.stdout.rows;\n            if ' +
			'(rows) this.options.stdout.write(ansiEscapes.cursorTo(0, rows - 1) + ' +
			"ansiEscapes.eraseLines(rows));\n            this.lastOutput = '';\n            this.lastOutputToRender " +
			"= '';\n            this.lastTerminalWidth = currentWidth;\n            setTimeout(() => " +
			'{\n                if (this.isUnmounted) return;\n                ' +
			'this.calculateLayout();\n                this.onRender();\n            }, 0);\n            ' +
			'return;\n        }',
	},
];

import React from 'react';
import {Box, Text} from 'ink';
import {PANEL_TITLES} from '../model';

const SHORT_TITLES = ['Flow', 'Sample', 'Table', 'Vars', 'Moments', 'Quiz', 'Snap', 'Text', 'Live', 'Room'];

interface Props {
	width: number;
	position: string;
	panel: number;
	panels: number;
	tag?: string; // "--preload", "LIVE server 127.0.0.1:8000"
}

/** Title, position and the panel tabs; the current tab is bracketed, not only coloured. */
export const Header = React.memo(function Header({width, position, panel, panels, tag}: Props) {
	// Full titles when they fit, else short ones; each tab costs its label plus two.
	const fits = PANEL_TITLES.slice(0, panels).reduce((n, t) => n + t.length + 4, 0) <= width;
	const titles = fits ? PANEL_TITLES : SHORT_TITLES;
	return (
		<Box flexDirection="column" width={width}>
			<Box width={width} height={1} overflow="hidden">
				<Text bold color="green" wrap="truncate-end">Gunicorn walkthrough</Text>
				<Text wrap="truncate-end">{'  '}</Text>
				<Text bold inverse wrap="truncate-end">{` ${position} `}</Text>
				{tag && <Text color="yellow" wrap="truncate-end">{`  ${tag}`}</Text>}
			</Box>
			<Box width={width} height={1} overflow="hidden">
				<Text wrap="truncate-end">
					{titles.slice(0, panels).map((title, i) => {
						const n = i + 1;
						const label = `${n % 10} ${title}`;
						return n === panel ? (
							<Text key={n} bold inverse color="cyan">{`[${label}]`}</Text>
						) : (
							<Text key={n} dimColor>{` ${label} `}</Text>
						);
					})}
				</Text>
			</Box>
		</Box>
	);
});

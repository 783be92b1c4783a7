import React from 'react';
import {Box, Text} from 'ink';

/** The keys that work right now; drops the last ones when the line is full. */
export const Footer = React.memo(function Footer({keys, width, status}: {keys: Array<[string, string]>; width: number; status?: string}) {
	const parts: Array<[string, string]> = [];
	let used = status ? status.length + 2 : 0;
	for (const [key, what] of keys) {
		const cost = key.length + what.length + 3;
		if (used + cost > width) break;
		parts.push([key, what]);
		used += cost;
	}
	return (
		<Box width={width} height={1} overflow="hidden">
			<Text wrap="truncate-end">
				{status && <Text bold color="magenta">{status}  </Text>}
				{parts.map(([key, what]) => (
					<Text key={key}>
						<Text bold>{key}</Text>
						<Text dimColor>{` ${what}  `}</Text>
					</Text>
				))}
			</Text>
		</Box>
	);
});

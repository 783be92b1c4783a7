// The floor: the least an Ink app does to show our header at 80x24, bundled the same way as
// the walkthrough. The bench times both from spawn to `Step 1/9` on screen.
import {Box, render, Text, useApp, useInput} from 'ink';

function Floor() {
	const {exit} = useApp();
	useInput(input => {
		if (input === 'q') exit();
	});
	return (
		<Box flexDirection="column">
			<Text>
				<Text bold color="green">
					Gunicorn walkthrough
				</Text>
				{'  '}
				<Text bold inverse>
					{' Step 1/9 '}
				</Text>
			</Text>
			<Text dimColor>[1 Flow] 2 Sample 3 Table 4 Variables 5 Moments 6 Quiz 7 Snapshot 8 Text 9 Live</Text>
		</Box>
	);
}

await render(<Floor />, {exitOnCtrlC: true, incrementalRendering: true, maxFps: 30}).waitUntilExit();

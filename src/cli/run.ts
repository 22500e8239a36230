// Entry point: run the CLI and leave with its status.
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));

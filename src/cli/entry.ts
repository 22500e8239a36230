// What the bundle runs: the CLI, leaving with its status.
import { main } from './main.js';

void main(process.argv.slice(2)).then((status) => {
  process.exitCode = status;
});

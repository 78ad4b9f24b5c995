import { Command } from 'commander';

// Each noun lives in ./commands/<noun>.ts and exports a `register…Command(program)` function.

const program = new Command('prahari')
  .description('Prahari — security operations for a city (https://github.com/prahari)')
  .showHelpAfterError()
  .version('0.1.0');

await program.parseAsync(process.argv);

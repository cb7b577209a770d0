// `npm run start:edge`: the agent; the installer CLI (cli.ts) holds the commands.
import './cli.js';
